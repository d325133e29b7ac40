/**
 * The answer of Globus Auth's token endpoint, viewed per resource server and
 * per scope, as in the Python SDK (`OAuthTokenResponse`).
 *
 * @module
 */

import { isObject } from "../core/json.ts";
import { GlobusSDKUsageError, UnexpectedResponseError } from "../core/errors.ts";
import { type IdTokenClaims, type IdTokenKeySource, verifyIdToken } from "./id_token.ts";

/**
 * The tokens for one resource server, under Globus's wire names.
 * Python: an entry of `OAuthTokenResponse.by_resource_server`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TokenData } from "./token_response.ts";
 *
 * const data: TokenData = {
 *   scope: "s", access_token: "AT", refresh_token: null, token_type: "Bearer",
 *   expires_at_seconds: 1796183373, resource_server: "groups.api.globus.org",
 * };
 * assert.equal(`Bearer ${data.access_token}`, "Bearer AT");
 * ```
 */
export interface TokenData {
  /** Space-separated scopes this access token carries. */
  readonly scope: string;
  /** The access token. */
  readonly "access_token": string;
  /** The refresh token, when one was asked for (`refreshTokens: true`). */
  readonly "refresh_token": string | null;
  /** `"Bearer"`, when Globus says so. */
  readonly "token_type": string | null;
  /** When the access token expires, in POSIX seconds (an integer). */
  readonly "expires_at_seconds": number;
  /** The service these tokens are for, e.g. `groups.api.globus.org`. */
  readonly "resource_server": string;
}

/** Options for building a token response. */
export interface OAuthTokenResponseOptions {
  /**
   * Clock reading (ms since the epoch) from which `expires_in` counts. The
   * Auth clients pass the moment the request was sent, which errs on the
   * safe side; the default is the time of construction.
   */
  readonly receivedAt?: number;
  /** Where `decodeIdToken()` finds the client id and signing keys: the Auth client that asked. */
  readonly idTokenKeys?: IdTokenKeySource;
  /** The request that got this answer, named in the message of an {@linkcode UnexpectedResponseError}. */
  readonly request?: { readonly method?: string; readonly url?: string };
}

/**
 * The largest `expires_in` taken, in seconds (100 years): anything above is
 * not a real lifetime, and would make `expires_at_seconds` lose precision.
 */
const MAX_EXPIRES_IN_SECONDS = 100 * 365 * 86_400;

/** JSON type names for messages (never the value: it could be a token). */
function typeOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

/**
 * One entry of the answer, checked where it enters the SDK: past this point
 * every field has the type {@linkcode TokenData} says, and every number is
 * one the token storage can keep.
 */
function toTokenData(
  doc: Record<string, unknown>,
  receivedAtSeconds: number,
  bad: (problem: string) => Error,
): TokenData {
  const own = (key: string) => Object.hasOwn(doc, key) ? doc[key] : undefined;
  const required = (key: string): string => {
    const value = own(key);
    if (typeof value !== "string" || (value === "" && key !== "scope")) {
      throw bad(
        `'${key}' must be a non-empty string (it is ${value === "" ? "empty" : typeOf(value)})`,
      );
    }
    return value;
  };
  const optional = (key: string): string | null => {
    const value = own(key);
    if (value === undefined || value === null || value === "") return null; // "" is no token
    if (typeof value !== "string") throw bad(`'${key}' must be a string (it is ${typeOf(value)})`);
    return value;
  };
  // Missing means already expired, as in Python; anything else must be a real lifetime.
  const given = own("expires_in");
  const expiresIn = given === undefined ? 0 : given;
  if (
    typeof expiresIn !== "number" || !Number.isFinite(expiresIn) || expiresIn < 0 ||
    expiresIn > MAX_EXPIRES_IN_SECONDS
  ) {
    throw bad(
      `'expires_in' must be a number of seconds from 0 to ${MAX_EXPIRES_IN_SECONDS} (it is ${
        typeof expiresIn === "number" ? "out of range" : typeOf(expiresIn)
      })`,
    );
  }
  // A token goes into an Authorization header: only visible ASCII can (RFC 6750's b64token is
  // narrower still). Anything else would fail every request, or print itself in the error.
  const token = <T extends string | null>(key: string, value: T): T => {
    if (value !== null && !/^[\x21-\x7e]+$/.test(value)) {
      throw bad(`'${key}' holds characters no token has (spaces, control or non-ASCII characters)`);
    }
    return value;
  };
  return {
    scope: required("scope"),
    access_token: token("access_token", required("access_token")),
    refresh_token: token("refresh_token", optional("refresh_token")),
    token_type: optional("token_type"),
    // Truncated toward zero, as Python's int(time.time() + expires_in).
    expires_at_seconds: Math.trunc(receivedAtSeconds + expiresIn),
    resource_server: required("resource_server"),
  };
}

/**
 * Tokens of a response looked up by scope. Python: `by_scopes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OAuthTokenResponse } from "./token_response.ts";
 * const r = new OAuthTokenResponse({
 *   access_token: "AT", scope: "openid email", resource_server: "auth.globus.org",
 *   expires_in: 3600, other_tokens: [],
 * });
 * assert.deepEqual(r.byScopes.get("openid").resource_server, "auth.globus.org");
 * ```
 */
export class ScopeIndex implements Iterable<string> {
  #byScope = new Map<string, TokenData>();

  /** Indexes every scope of every entry. */
  constructor(entries: Iterable<TokenData>) {
    for (const entry of entries) {
      for (const scope of entry.scope.split(/\s+/).filter(Boolean)) this.#byScope.set(scope, entry);
    }
  }

  /**
   * The one entry whose token carries every scope of `spec` (space-separated).
   *
   * @throws {RangeError} when a scope is unknown or the scopes span several tokens.
   */
  get(spec: string): TokenData {
    const found = new Set<TokenData>();
    for (const scope of spec.split(/\s+/).filter(Boolean)) {
      const entry = this.#byScope.get(scope);
      if (entry === undefined) {
        throw new RangeError(
          `Scope specifier "${spec}" contains scope "${scope}" which was not found`,
        );
      }
      found.add(entry);
    }
    if (found.size !== 1) {
      throw new RangeError(`Scope specifier "${spec}" did not match exactly one token!`);
    }
    return [...found][0]!;
  }

  /** Whether `get(spec)` would succeed. */
  has(spec: string): boolean {
    try {
      this.get(spec);
      return true;
    } catch {
      return false;
    }
  }

  /** The individual scope strings. */
  [Symbol.iterator](): Iterator<string> {
    return this.#byScope.keys();
  }
}

/**
 * A token endpoint answer. `data` is the JSON exactly as received;
 * `byResourceServer` holds one {@linkcode TokenData} per resource server (the
 * top-level token first, then `other_tokens` in order; an absent
 * `other_tokens` counts as none; a repeated resource server keeps its first
 * entry). Python: `OAuthTokenResponse`.
 *
 * Printing one never shows a token: `toString()`, `console.log` and `Deno.inspect` list
 * resource servers and scopes only (the tokens are in `data` and `byResourceServer`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OAuthTokenResponse } from "./token_response.ts";
 * const tokens = new OAuthTokenResponse({
 *   access_token: "AT", expires_in: 172800, resource_server: "groups.api.globus.org",
 *   scope: "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
 *   token_type: "Bearer", other_tokens: [],
 * });
 * assert.deepEqual(tokens.byResourceServer["groups.api.globus.org"]?.access_token, "AT");
 * ```
 */
export class OAuthTokenResponse {
  /** The JSON body exactly as Globus sent it. */
  readonly data: Readonly<Record<string, unknown>>;
  /** Tokens keyed by resource server. Python: `by_resource_server`. */
  readonly byResourceServer: Readonly<Record<string, TokenData>>;
  /** Tokens keyed by scope. Python: `by_scopes`. */
  readonly byScopes: ScopeIndex;
  readonly #idTokenKeys: IdTokenKeySource | undefined;

  /**
   * Wraps a parsed token response body, checking every entry.
   *
   * @throws {UnexpectedResponseError} when the body is not an object, an entry
   *   lacks `access_token`, `scope` or `resource_server`, or a field has the
   *   wrong type or an impossible value (`expires_in` negative, a string, or
   *   above 100 years).
   */
  constructor(data: unknown, options: OAuthTokenResponseOptions = {}) {
    const bad = (problem: string) =>
      new UnexpectedResponseError(`token response: ${problem}`, options.request ?? {});
    if (!isObject(data)) throw bad("the body must be a JSON object");
    this.data = data;
    this.#idTokenKeys = options.idTokenKeys;
    const receivedAtSeconds = (options.receivedAt ?? Date.now()) / 1000;
    const given = Object.hasOwn(data, "other_tokens") ? data.other_tokens : undefined;
    if (given !== undefined && given !== null && !Array.isArray(given)) {
      throw bad(`'other_tokens' must be a list (it is ${typeOf(given)})`);
    }
    const others = Array.isArray(given) ? given : [];
    const byRs: Record<string, TokenData> = {};
    for (const doc of [data, ...others]) {
      if (!isObject(doc)) throw bad("other_tokens must hold objects");
      const entry = toTokenData(doc, receivedAtSeconds, bad);
      // defineProperty: a resource server named "__proto__" is a key like any other, also
      // outside Deno (which has no Object.prototype.__proto__ accessor to begin with).
      if (!Object.hasOwn(byRs, entry.resource_server)) {
        Object.defineProperty(byRs, entry.resource_server, { value: entry, enumerable: true });
      }
    }
    this.byResourceServer = Object.freeze(byRs);
    this.byScopes = new ScopeIndex(Object.values(byRs));
  }

  /**
   * The OAuth grant this answers: `"authorization_code"`, `"refresh_token"`
   * or `"client_credentials"` for the subclasses of those names, undefined
   * for a response of unknown origin. Token storage reads it (a refresh
   * keeps the stored identity and refresh token) without loading this
   * module, as `instanceof` would.
   */
  get grantType(): "authorization_code" | "refresh_token" | "client_credentials" | undefined {
    return undefined;
  }

  /** The OpenID Connect `id_token`, present when `openid` was among the scopes. */
  get idToken(): string | undefined {
    return typeof this.data.id_token === "string" ? this.data.id_token : undefined;
  }

  /**
   * Verifies the `id_token` (signature with the key named by its `kid`,
   * issuer, audience = the client id, expiry within a leeway) and returns its
   * claims. Python: `decode_id_token()`.
   *
   * @throws {GlobusSDKUsageError} when there is no id_token or no Auth client to check it with.
   */
  async decodeIdToken(
    options: { leewaySeconds?: number; now?: () => number } = {},
  ): Promise<IdTokenClaims> {
    const token = this.idToken;
    if (token === undefined) {
      throw new GlobusSDKUsageError("this token response has no id_token (request 'openid')");
    }
    if (this.#idTokenKeys === undefined) {
      throw new GlobusSDKUsageError("this token response was not made by an Auth client");
    }
    return await verifyIdToken(token, this.#idTokenKeys, options);
  }

  /** What `console.log` and `Deno.inspect` show: the summary, never a token. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** The same for Node's `util.inspect`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** A summary without any token: class name, then each resource server and its scopes. */
  toString(): string {
    const lines = Object.values(this.byResourceServer).map((t) =>
      `  ${t.resource_server}: ${t.scope}`
    );
    return `${this.constructor.name}:\n${lines.join("\n")}`;
  }
}

/**
 * The answer to an authorization-code exchange.
 * Python: `OAuthAuthorizationCodeResponse`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OAuthAuthorizationCodeResponse, OAuthTokenResponse } from "./token_response.ts";
 * const r = new OAuthAuthorizationCodeResponse({ access_token: "A", scope: "s", resource_server: "rs" });
 * assert.deepEqual(r instanceof OAuthTokenResponse, true);
 * assert.equal(r.grantType, "authorization_code");
 * ```
 */
export class OAuthAuthorizationCodeResponse extends OAuthTokenResponse {
  /** Always `"authorization_code"`. */
  override get grantType(): "authorization_code" {
    return "authorization_code";
  }
}

/**
 * The answer to a refresh-token grant. Python: `OAuthRefreshTokenResponse`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OAuthRefreshTokenResponse } from "./token_response.ts";
 * const r = new OAuthRefreshTokenResponse({ access_token: "A", scope: "s", resource_server: "rs" });
 * assert.deepEqual(r.byResourceServer.rs?.refresh_token, null);
 * assert.equal(r.grantType, "refresh_token");
 * ```
 */
export class OAuthRefreshTokenResponse extends OAuthTokenResponse {
  /** Always `"refresh_token"`. */
  override get grantType(): "refresh_token" {
    return "refresh_token";
  }
}

/**
 * The answer to a client-credentials grant.
 * Python: `OAuthClientCredentialsResponse`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OAuthClientCredentialsResponse } from "./token_response.ts";
 * const r = new OAuthClientCredentialsResponse({ access_token: "A", scope: "s", resource_server: "rs" });
 * assert.deepEqual(Object.keys(r.byResourceServer), ["rs"]);
 * assert.equal(r.grantType, "client_credentials");
 * ```
 */
export class OAuthClientCredentialsResponse extends OAuthTokenResponse {
  /** Always `"client_credentials"`. */
  override get grantType(): "client_credentials" {
    return "client_credentials";
  }
}
