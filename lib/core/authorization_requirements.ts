/**
 * Globus authorization requirements ("GARE"): an error answer in which a
 * service says what a new login must achieve before the request can work —
 * more scopes, a fresh session, MFA, an identity from some domain. Python:
 * `globus_sdk.gare` (`to_gare()`, `GlobusAuthorizationParameters`).
 *
 * @module
 */

import { isObject } from "./json.ts";
import { GlobusAPIError, GlobusError } from "./errors.ts";

/**
 * What a new login must achieve, as a service asked for it. The fields are
 * the camelCase forms of the wire names (`required_scopes`,
 * `session_message`, `session_required_identities`,
 * `session_required_single_domain`, `session_required_policies`,
 * `session_required_mfa`, `prompt`). Python: `GlobusAuthorizationParameters`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { GlobusAuthorizationParameters } from "./authorization_requirements.ts";
 *
 * const needs: GlobusAuthorizationParameters = { sessionRequiredMfa: true, prompt: "login" };
 * assert.equal(needs.requiredScopes, undefined);
 * ```
 */
export interface GlobusAuthorizationParameters {
  /** Scopes the login must grant (each may carry dependencies, `a[b]`). */
  readonly requiredScopes?: readonly string[];
  /** A message Globus Auth shows on the login page. */
  readonly sessionMessage?: string;
  /** Identities (ids or usernames) that must be in the session. */
  readonly sessionRequiredIdentities?: readonly string[];
  /** Domains one of which an identity in the session must be from. */
  readonly sessionRequiredSingleDomain?: readonly string[];
  /** Policy ids the session must satisfy. */
  readonly sessionRequiredPolicies?: readonly string[];
  /** Whether the session needs multi-factor authentication. */
  readonly sessionRequiredMfa?: boolean;
  /** `"login"` makes Globus Auth ask for a fresh login. */
  readonly prompt?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A list of strings, also from the legacy comma-separated form; undefined
 * when absent; null when the value has another type (not a GARE then).
 */
function stringList(value: unknown): string[] | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value.split(",").map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return [...value];
  return null;
}

/** The wire object `authorization_parameters` as camelCase, or null when a field has the wrong type. */
function fromWire(wire: Record<string, unknown>): GlobusAuthorizationParameters | null {
  const out: Mutable<GlobusAuthorizationParameters> = {};
  const lists = [
    ["required_scopes", "requiredScopes"],
    ["session_required_identities", "sessionRequiredIdentities"],
    ["session_required_single_domain", "sessionRequiredSingleDomain"],
    ["session_required_policies", "sessionRequiredPolicies"],
  ] as const;
  for (const [key, field] of lists) {
    const list = stringList(wire[key]);
    if (list === null) return null;
    if (list !== undefined) out[field] = list;
  }
  for (
    const [key, field] of [["session_message", "sessionMessage"], ["prompt", "prompt"]] as const
  ) {
    const value = wire[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") return null;
    out[field] = value;
  }
  const mfa = wire.session_required_mfa;
  if (mfa !== undefined && mfa !== null) {
    if (typeof mfa !== "boolean") return null;
    out.sessionRequiredMfa = mfa;
  }
  return out;
}

/** One error document as authorization parameters, in the current or the legacy consent form. */
function fromDocument(doc: Record<string, unknown>): GlobusAuthorizationParameters | undefined {
  if (isObject(doc.authorization_parameters)) {
    return fromWire(doc.authorization_parameters) ?? undefined;
  }
  // Legacy: {"code": "ConsentRequired", "required_scopes": [...]} (Transfer, Flows).
  if (doc.code === "ConsentRequired" && doc.required_scopes !== undefined) {
    const scopes = stringList(doc.required_scopes);
    return scopes ? { requiredScopes: scopes } : undefined;
  }
  return undefined;
}

/**
 * The authorization parameters a Globus error body carries: at its top
 * level, or in the first of its `errors` sub-documents that has them;
 * undefined when it carries none (or none of a usable shape). Python:
 * `globus_sdk.gare.to_gare(body).authorization_parameters`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseAuthorizationParameters } from "./authorization_requirements.ts";
 *
 * assert.deepEqual(
 *   parseAuthorizationParameters({
 *     code: "AuthorizationRequired",
 *     authorization_parameters: { session_required_mfa: true, session_required_policies: "p1,p2" },
 *   }),
 *   { sessionRequiredPolicies: ["p1", "p2"], sessionRequiredMfa: true },
 * );
 * assert.equal(parseAuthorizationParameters({ code: "NotFound" }), undefined);
 * ```
 */
export function parseAuthorizationParameters(
  body: unknown,
): GlobusAuthorizationParameters | undefined {
  if (!isObject(body)) return undefined;
  const top = fromDocument(body);
  if (top !== undefined) return top;
  const errors = Array.isArray(body.errors) ? body.errors.filter(isObject) : [];
  for (const sub of errors) {
    const found = fromDocument(sub);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The conditions in a few words, for the message. */
function summary(p: GlobusAuthorizationParameters): string {
  const parts = [
    p.requiredScopes?.length ? `consent to ${p.requiredScopes.join(" ")}` : "",
    p.sessionRequiredMfa ? "multi-factor authentication" : "",
    p.sessionRequiredIdentities?.length
      ? `a session with ${p.sessionRequiredIdentities.join(", ")}`
      : "",
    p.sessionRequiredSingleDomain?.length
      ? `an identity from ${p.sessionRequiredSingleDomain.join(" or ")}`
      : "",
    p.sessionRequiredPolicies?.length
      ? `session policies ${p.sessionRequiredPolicies.join(", ")}`
      : "",
  ].filter(Boolean);
  return parts.length > 0 ? `a new login with ${parts.join(", ")}` : "a new login";
}

/**
 * A service refused the request until the person logs in again under the
 * conditions in {@linkcode AuthorizationRequiredError.authorizationParameters}.
 * Hand those to the app's `login({ authParameters })` and retry. A client
 * built with an `app` throws this error for such an answer; for any other
 * client, {@linkcode AuthorizationRequiredError.fromError} turns the
 * service's error into it. The service's error is `apiError` (and `cause`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AuthorizationRequiredError } from "./authorization_requirements.ts";
 * import { GroupsAPIError } from "./errors.ts";
 *
 * const apiError = new GroupsAPIError({
 *   method: "GET", url: "https://groups.api.globus.org/v2/groups/g1", httpStatus: 403,
 *   httpReason: "Forbidden", headers: new Headers({ "content-type": "application/json" }),
 *   text: JSON.stringify({
 *     code: "AuthorizationRequired", message: "MFA needed",
 *     authorization_parameters: { session_required_mfa: true },
 *   }),
 * });
 * const required = AuthorizationRequiredError.fromError(apiError);
 * assert.equal(required?.authorizationParameters.sessionRequiredMfa, true);
 * assert.equal(required?.apiError, apiError);
 * assert.equal(AuthorizationRequiredError.fromError(new Error("other")), undefined);
 * ```
 */
export class AuthorizationRequiredError extends GlobusError {
  /** What the new login must achieve. */
  readonly authorizationParameters: GlobusAuthorizationParameters;
  /** The service's answer. */
  readonly apiError: GlobusAPIError;

  /** Wraps a service's answer and the parameters parsed from it. */
  constructor(apiError: GlobusAPIError, authorizationParameters: GlobusAuthorizationParameters) {
    super(
      `${apiError.message}: Globus requires ${summary(authorizationParameters)}`,
      { cause: apiError },
    );
    this.apiError = apiError;
    this.authorizationParameters = authorizationParameters;
  }

  /** The error for a service's answer that carries authorization parameters; undefined for anything else. */
  static fromError(error: unknown): AuthorizationRequiredError | undefined {
    if (error instanceof AuthorizationRequiredError) return error;
    if (!(error instanceof GlobusAPIError)) return undefined;
    const parameters = parseAuthorizationParameters(error.rawJson);
    return parameters === undefined ? undefined : new AuthorizationRequiredError(error, parameters);
  }
}
