/**
 * OAuth 2 flow managers: the parameters of one login in progress, the
 * authorize URL built from them, and the form that exchanges the code.
 * Python: `globus_sdk.services.auth.flow_managers`.
 *
 * The URLs are byte-for-byte the Python SDK's for the same inputs: the same
 * parameter order, the same quote-plus encoding, caller `queryParams`
 * replacing a key in place or appended at the end.
 *
 * @module
 */

import { generateVerifier, s256Challenge, validateVerifier } from "./_pkce.ts";
import { urlencode } from "../core/_urlencode.ts";
import type { RequestOptions } from "../core/base_client.ts";
import { type ScopeInput, scopesToString } from "../scopes/scopes.ts";

/**
 * A token-endpoint form: name–value pairs in order; a pair whose value is
 * undefined is left out. The type of `RequestOptions.form`, named here
 * because the code-exchange form and `AuthLoginClient.oauth2Token()` take it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FormFields } from "@globus-deno/sdk/auth";
 *
 * const form: FormFields = [["grant_type", "refresh_token"], ["scope", undefined]];
 * assert.deepEqual(form.filter(([, value]) => value !== undefined).map(([k]) => k), ["grant_type"]);
 * ```
 */
export type FormFields = NonNullable<RequestOptions["form"]>;

/**
 * Extra parameters of the authorize URL: Globus session requirements, the
 * `prompt`, and anything else (`queryParams`).
 *
 * @example Force a fresh login with MFA
 * ```ts
 * import assert from "node:assert/strict";
 * import { type AuthorizeUrlOptions, NativeAppFlowManager } from "@globus-deno/sdk/auth";
 *
 * const options: AuthorizeUrlOptions = { prompt: "login", sessionRequiredMfa: true };
 * const flow = new NativeAppFlowManager({
 *   clientId: "cid", authBaseUrl: "https://auth.globus.org/", requestedScopes: "openid",
 * });
 * const url = new URL(await flow.getAuthorizeUrl(options));
 * assert.equal(url.searchParams.get("prompt"), "login");
 * assert.equal(url.searchParams.get("session_required_mfa"), "True");
 * ```
 */
export interface AuthorizeUrlOptions {
  /** Identities (ids) that must be in the session; joined with `,`. */
  readonly sessionRequiredIdentities?: string | readonly string[];
  /** Domains one of which must be in the session; joined with `,`. */
  readonly sessionRequiredSingleDomain?: string | readonly string[];
  /** Policy ids the session must satisfy; joined with `,`. */
  readonly sessionRequiredPolicies?: string | readonly string[];
  /** Require multi-factor authentication (sent as `True`/`False`, as Python does). */
  readonly sessionRequiredMfa?: boolean;
  /** A message shown to the person on the login page. */
  readonly sessionMessage?: string;
  /** `"login"` forces a new login even with a session. */
  readonly prompt?: string;
  /** Further parameters; a key already present is replaced where it stands. */
  readonly queryParams?: Readonly<Record<string, string>>;
}

/**
 * The client a flow belongs to: its id and the base URL of Globus Auth. The
 * login clients fill it in; a flow built by hand names both.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AuthorizationCodeFlowManager, type FlowClient } from "@globus-deno/sdk/auth";
 *
 * const client: FlowClient = { clientId: "cid", authBaseUrl: "https://auth.globus.org/" };
 * const flow = new AuthorizationCodeFlowManager({
 *   ...client, requestedScopes: "openid", redirectUri: "https://example.org/cb",
 * });
 * assert.equal(flow.clientId, "cid");
 * ```
 */
export interface FlowClient {
  /** The client id. */
  readonly clientId: string;
  /** Base URL of Globus Auth. */
  readonly authBaseUrl: string;
}

/**
 * What every login asks for. The options of each flow extend it, and
 * `oauth2StartFlow()` takes the same options as the flow it starts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeAppFlowManager, type OAuthFlowOptions } from "@globus-deno/sdk/auth";
 *
 * const common: OAuthFlowOptions = { requestedScopes: ["openid", "email"], refreshTokens: true };
 * const flow = new NativeAppFlowManager({
 *   clientId: "cid", authBaseUrl: "https://auth.globus.org/", ...common,
 * });
 * assert.equal(flow.requestedScopes, "openid email");
 * ```
 */
export interface OAuthFlowOptions {
  /** Scopes to ask for (required, as in the Python SDK v4); a list is joined with spaces. */
  readonly requestedScopes: ScopeInput;
  /** Where Globus sends the person (with the code) after login. */
  readonly redirectUri?: string | undefined;
  /** Sent to Globus and returned unchanged with the code. Default `"_default"`. */
  readonly state?: string | undefined;
  /** Ask for refresh tokens (`access_type=offline`). */
  readonly refreshTokens?: boolean | undefined;
}

/**
 * A login in progress: what both flow kinds share, and the base of any other
 * flow. Python: `GlobusOAuthFlowManager`.
 *
 * @example A flow's settings, whichever kind it is
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeAppAuthClient, type OAuthFlowManager } from "@globus-deno/sdk/auth";
 *
 * const authClient = new NativeAppAuthClient("cid", { baseUrl: "https://auth.globus.org/" });
 * const flow: OAuthFlowManager = authClient.oauth2StartFlow({ requestedScopes: "openid" });
 * assert.equal(flow.state, "_default");
 * assert.equal(flow.redirectUri, "https://auth.globus.org/v2/web/auth-code");
 * assert.ok((await flow.getAuthorizeUrl()).startsWith("https://auth.globus.org/v2/oauth2/authorize?"));
 * ```
 */
export abstract class OAuthFlowManager {
  /** The client id. */
  readonly clientId: string;
  /** Base URL of Globus Auth. */
  readonly authBaseUrl: string;
  /** The scopes asked for, space-separated. */
  readonly requestedScopes: string;
  /** Where Globus sends the person (with the code) after login. */
  readonly redirectUri: string;
  /** The `state` value sent, returned unchanged by Globus. */
  readonly state: string;
  /** Whether refresh tokens are asked for. */
  readonly refreshTokens: boolean;

  /**
   * Stores the settings; `redirectUri` is the one the flow resolved.
   *
   * @throws {GlobusSDKUsageError} for empty scopes.
   */
  protected constructor(options: FlowClient & OAuthFlowOptions, redirectUri: string) {
    this.clientId = options.clientId;
    this.authBaseUrl = options.authBaseUrl;
    this.requestedScopes = scopesToString(options.requestedScopes);
    this.redirectUri = redirectUri;
    this.state = options.state ?? "_default";
    this.refreshTokens = options.refreshTokens ?? false;
  }

  /** The URL the person opens to log in. */
  abstract getAuthorizeUrl(options?: AuthorizeUrlOptions): Promise<string>;

  /** The token-endpoint form that exchanges `code` for tokens. */
  abstract exchangeForm(code: string): FormFields;

  /**
   * The authorize URL: the parameters every flow sends, then the flow's own
   * (`extra`), then the session options, then the caller's `queryParams`.
   */
  protected authorizeUrl(extra: FormFields, options: AuthorizeUrlOptions): string {
    const params = new Map<string, string | undefined>([
      ["client_id", this.clientId],
      ["redirect_uri", this.redirectUri],
      ["scope", this.requestedScopes],
      ["state", this.state],
      ["response_type", "code"],
      ...extra,
    ]);
    // Python builds the extras as one dict: the six session/prompt keys first
    // (even when not given), then the caller's queryParams, which replace a key
    // in place. So a queryParams "prompt" sits where prompt sits, not at the end.
    const extras = new Map<string, string | undefined>([
      ["session_required_identities", joinList(options.sessionRequiredIdentities)],
      ["session_required_single_domain", joinList(options.sessionRequiredSingleDomain)],
      ["session_required_policies", joinList(options.sessionRequiredPolicies)],
      [
        "session_required_mfa",
        options.sessionRequiredMfa === undefined
          ? undefined
          : options.sessionRequiredMfa
          ? "True"
          : "False",
      ],
      ["session_message", options.sessionMessage],
      ["prompt", options.prompt],
    ]);
    for (const [key, value] of Object.entries(options.queryParams ?? {})) extras.set(key, value);
    // Map.set keeps an existing key's position: exactly Python's dict update.
    for (const [key, value] of extras) if (value !== undefined) params.set(key, value);
    return `${this.authBaseUrl.replace(/\/+$/, "")}/v2/oauth2/authorize?${urlencode(params)}`;
  }
}

function joinList(value: string | readonly string[] | undefined): string | undefined {
  return value === undefined ? undefined : typeof value === "string" ? value : value.join(",");
}

/**
 * How a native app logs in (PKCE), for {@linkcode NativeAppFlowManager} and
 * `NativeAppAuthClient.oauth2StartFlow()`.
 *
 * @example A login that asks for refresh tokens and names its grant
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeAppAuthClient, type NativeAppFlowOptions } from "@globus-deno/sdk/auth";
 *
 * const options: NativeAppFlowOptions = {
 *   requestedScopes: "openid", refreshTokens: true, prefillNamedGrant: "my laptop",
 * };
 * const flow = new NativeAppAuthClient("cid").oauth2StartFlow(options);
 * const url = new URL(await flow.getAuthorizeUrl());
 * assert.equal(url.searchParams.get("access_type"), "offline");
 * assert.equal(url.searchParams.get("prefill_named_grant"), "my laptop");
 * ```
 */
export interface NativeAppFlowOptions extends OAuthFlowOptions {
  /** Default (also for `""`): Globus's page that shows the code, `<auth>/v2/web/auth-code`. */
  readonly redirectUri?: string | undefined;
  /** A PKCE verifier of your own (43–128 of `[A-Za-z0-9~_.-]`); default a fresh random one. */
  readonly verifier?: string | undefined;
  /** A name for this login's grant, shown in the person's Globus account. */
  readonly prefillNamedGrant?: string | undefined;
}

/**
 * A native-app login with PKCE. Python: `GlobusNativeAppFlowManager`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeAppFlowManager } from "@globus-deno/sdk/auth";
 *
 * const flow = new NativeAppFlowManager({
 *   clientId: "61338d24-54d5-408f-a10d-66c06b59f6d2", authBaseUrl: "https://auth.globus.org/",
 *   requestedScopes: "openid", verifier: "a".repeat(43),
 * });
 * assert.equal(flow.redirectUri, "https://auth.globus.org/v2/web/auth-code");
 * const url = new URL(await flow.getAuthorizeUrl());
 * assert.equal(url.searchParams.get("code_challenge"), "ZtNPunH49FD35FWYhT5Tv8I7vRKQJ8uxMaL0_9eHjNA");
 * ```
 */
export class NativeAppFlowManager extends OAuthFlowManager {
  /** The PKCE verifier: kept private so that printing the flow (or its client) never shows it. */
  readonly #verifier: string;
  /** The named grant, if any. */
  readonly prefillNamedGrant: string | undefined;

  /**
   * Stores the flow's settings and makes (or checks) the verifier; no I/O.
   *
   * @throws {GlobusSDKUsageError} for an invalid verifier or empty scopes.
   */
  constructor(options: FlowClient & NativeAppFlowOptions) {
    if (options.verifier !== undefined) validateVerifier(options.verifier);
    super(
      options,
      options.redirectUri || `${options.authBaseUrl.replace(/\/+$/, "")}/v2/web/auth-code`,
    );
    this.#verifier = options.verifier ?? generateVerifier();
    this.prefillNamedGrant = options.prefillNamedGrant;
  }

  /** The PKCE verifier: secret, sent only with the code exchange. */
  get verifier(): string {
    return this.#verifier;
  }

  /** The authorize URL, with `code_challenge` (S256) and `access_type`. */
  override async getAuthorizeUrl(options: AuthorizeUrlOptions = {}): Promise<string> {
    return this.authorizeUrl([
      ["code_challenge", await s256Challenge(this.#verifier)],
      ["code_challenge_method", "S256"],
      ["access_type", this.refreshTokens ? "offline" : "online"],
      ["prefill_named_grant", this.prefillNamedGrant],
    ], options);
  }

  /** `client_id, grant_type, code, code_verifier, redirect_uri`, in Python's order. */
  override exchangeForm(code: string): FormFields {
    return [
      ["client_id", this.clientId],
      ["grant_type", "authorization_code"],
      ["code", code],
      ["code_verifier", this.#verifier],
      ["redirect_uri", this.redirectUri],
    ];
  }
}

/**
 * How a confidential client logs in (authorization code), for
 * {@linkcode AuthorizationCodeFlowManager} and
 * `ConfidentialAppAuthClient.oauth2StartFlow()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type AuthorizationCodeFlowOptions, ConfidentialAppAuthClient } from "@globus-deno/sdk/auth";
 *
 * const options: AuthorizationCodeFlowOptions = {
 *   redirectUri: "https://example.org/callback", requestedScopes: "openid email",
 * };
 * const flow = new ConfidentialAppAuthClient("cid", "secret").oauth2StartFlow(options);
 * assert.equal(flow.redirectUri, "https://example.org/callback");
 * ```
 */
export interface AuthorizationCodeFlowOptions extends OAuthFlowOptions {
  /** The app's own endpoint that receives the code (required). */
  readonly redirectUri: string;
}

/**
 * A confidential client's authorization-code login (no PKCE; the client
 * authenticates with its secret). Python: `GlobusAuthorizationCodeFlowManager`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AuthorizationCodeFlowManager } from "@globus-deno/sdk/auth";
 *
 * const flow = new AuthorizationCodeFlowManager({
 *   clientId: "cid", authBaseUrl: "https://auth.globus.org/",
 *   requestedScopes: "openid email", redirectUri: "https://example.org/cb",
 * });
 * assert.equal(
 *   await flow.getAuthorizeUrl(),
 *   "https://auth.globus.org/v2/oauth2/authorize?client_id=cid&redirect_uri=https%3A%2F%2Fexample.org%2Fcb" +
 *     "&scope=openid+email&state=_default&response_type=code&access_type=online",
 * );
 * ```
 */
export class AuthorizationCodeFlowManager extends OAuthFlowManager {
  /**
   * Stores the flow's settings; no I/O.
   *
   * @throws {GlobusSDKUsageError} for empty scopes.
   */
  constructor(options: FlowClient & AuthorizationCodeFlowOptions) {
    super(options, options.redirectUri);
  }

  /** The authorize URL, with `access_type`. */
  // deno-lint-ignore require-await -- async so that any throw reaches the caller as a rejection
  override async getAuthorizeUrl(options: AuthorizeUrlOptions = {}): Promise<string> {
    return this.authorizeUrl([["access_type", this.refreshTokens ? "offline" : "online"]], options);
  }

  /** `grant_type, code, redirect_uri` (the client id travels in the Basic header). */
  override exchangeForm(code: string): FormFields {
    return [["grant_type", "authorization_code"], ["code", code], [
      "redirect_uri",
      this.redirectUri,
    ]];
  }
}
