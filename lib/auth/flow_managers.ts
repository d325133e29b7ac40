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

/**
 * Extra parameters of the authorize URL: Globus session requirements, the
 * `prompt`, and anything else (`queryParams`).
 *
 * @example Force a fresh login with MFA
 * ```ts
 * import type { AuthorizeUrlOptions } from "./flow_managers.ts";
 * const options: AuthorizeUrlOptions = { prompt: "login", sessionRequiredMfa: true };
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
 * What both flow kinds offer.
 *
 * @example
 * ```ts ignore
 * const flow: OAuthFlowManager = authClient.oauth2StartFlow({ requestedScopes: "openid" });
 * console.log(await flow.getAuthorizeUrl());
 * ```
 */
export interface OAuthFlowManager {
  /** The scopes asked for, space-separated. */
  readonly requestedScopes: string;
  /** Where Globus sends the person (with the code) after login. */
  readonly redirectUri: string;
  /** The `state` value sent, returned unchanged by Globus. */
  readonly state: string;
  /** The URL the person opens to log in. */
  getAuthorizeUrl(options?: AuthorizeUrlOptions): Promise<string>;
  /** The token-endpoint form that exchanges `code` for tokens. */
  exchangeForm(code: string): Array<[string, string]>;
}

function joinList(value: string | readonly string[] | undefined): string | undefined {
  return value === undefined ? undefined : typeof value === "string" ? value : value.join(",");
}

/** The authorize URL: the flow's own parameters, then session options, then caller extras. */
function authorizeUrl(
  authBaseUrl: string,
  own: Array<[string, string | undefined]>,
  options: AuthorizeUrlOptions,
): string {
  const params = new Map(own);
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
  return `${authBaseUrl.replace(/\/+$/, "")}/v2/oauth2/authorize?${urlencode(params)}`;
}

/** Settings of a native-app (PKCE) login. */
export interface NativeAppFlowOptions {
  /** The client id of the native app. */
  readonly clientId: string;
  /** Base URL of Globus Auth. */
  readonly authBaseUrl: string;
  /** Scopes, space-separated. */
  readonly requestedScopes: string;
  /** Default: Globus's page that shows the code, `<auth>/v2/web/auth-code`. */
  readonly redirectUri?: string | undefined;
  /** Default `"_default"`. */
  readonly state?: string | undefined;
  /** A caller's verifier (validated); default a fresh random one. */
  readonly verifier?: string | undefined;
  /** Ask for refresh tokens (`access_type=offline`). */
  readonly refreshTokens?: boolean | undefined;
  /** A name for this login's grant, shown in the person's Globus account. */
  readonly prefillNamedGrant?: string | undefined;
}

/**
 * A native-app login with PKCE. Python: `GlobusNativeAppFlowManager`.
 *
 * @example
 * ```ts
 * import { NativeAppFlowManager } from "./flow_managers.ts";
 * const flow = new NativeAppFlowManager({
 *   clientId: "61338d24-54d5-408f-a10d-66c06b59f6d2", authBaseUrl: "https://auth.globus.org/",
 *   requestedScopes: "openid", verifier: "a".repeat(43),
 * });
 * console.log(flow.redirectUri); // https://auth.globus.org/v2/web/auth-code
 * ```
 */
export class NativeAppFlowManager implements OAuthFlowManager {
  /** The client id. */
  readonly clientId: string;
  /** Base URL of Globus Auth. */
  readonly authBaseUrl: string;
  /** Scopes, space-separated. */
  readonly requestedScopes: string;
  /** Where Globus sends the code. */
  readonly redirectUri: string;
  /** The `state` sent. */
  readonly state: string;
  /** The PKCE verifier: kept private so that printing the flow (or its client) never shows it. */
  readonly #verifier: string;
  /** Whether refresh tokens are asked for. */
  readonly refreshTokens: boolean;
  /** The named grant, if any. */
  readonly prefillNamedGrant: string | undefined;

  /**
   * Stores the flow's settings and makes (or checks) the verifier; no I/O.
   *
   * @throws {GlobusSDKUsageError} for an invalid verifier.
   */
  constructor(options: NativeAppFlowOptions) {
    if (options.verifier !== undefined) validateVerifier(options.verifier);
    this.clientId = options.clientId;
    this.authBaseUrl = options.authBaseUrl;
    this.requestedScopes = options.requestedScopes;
    this.redirectUri = options.redirectUri ||
      `${options.authBaseUrl.replace(/\/+$/, "")}/v2/web/auth-code`;
    this.state = options.state ?? "_default";
    this.#verifier = options.verifier ?? generateVerifier();
    this.refreshTokens = options.refreshTokens ?? false;
    this.prefillNamedGrant = options.prefillNamedGrant;
  }

  /** The PKCE verifier: secret, sent only with the code exchange. */
  get verifier(): string {
    return this.#verifier;
  }

  /** The authorize URL, with `code_challenge` (S256) and `access_type`. */
  async getAuthorizeUrl(options: AuthorizeUrlOptions = {}): Promise<string> {
    return authorizeUrl(this.authBaseUrl, [
      ["client_id", this.clientId],
      ["redirect_uri", this.redirectUri],
      ["scope", this.requestedScopes],
      ["state", this.state],
      ["response_type", "code"],
      ["code_challenge", await s256Challenge(this.#verifier)],
      ["code_challenge_method", "S256"],
      ["access_type", this.refreshTokens ? "offline" : "online"],
      ["prefill_named_grant", this.prefillNamedGrant],
    ], options);
  }

  /** `client_id, grant_type, code, code_verifier, redirect_uri`, in Python's order. */
  exchangeForm(code: string): Array<[string, string]> {
    return [
      ["client_id", this.clientId],
      ["grant_type", "authorization_code"],
      ["code", code],
      ["code_verifier", this.#verifier],
      ["redirect_uri", this.redirectUri],
    ];
  }
}

/** Settings of a confidential client's authorization-code login. */
export interface AuthorizationCodeFlowOptions {
  /** The client id. */
  readonly clientId: string;
  /** Base URL of Globus Auth. */
  readonly authBaseUrl: string;
  /** Scopes, space-separated. */
  readonly requestedScopes: string;
  /** Where Globus sends the code: required, the app's own endpoint. */
  readonly redirectUri: string;
  /** Default `"_default"`. */
  readonly state?: string | undefined;
  /** Ask for refresh tokens (`access_type=offline`). */
  readonly refreshTokens?: boolean | undefined;
}

/**
 * A confidential client's authorization-code login (no PKCE; the client
 * authenticates with its secret). Python: `GlobusAuthorizationCodeFlowManager`.
 *
 * @example
 * ```ts
 * import { AuthorizationCodeFlowManager } from "./flow_managers.ts";
 * const flow = new AuthorizationCodeFlowManager({
 *   clientId: "cid", authBaseUrl: "https://auth.globus.org/",
 *   requestedScopes: "openid email", redirectUri: "https://example.org/cb",
 * });
 * console.log(await flow.getAuthorizeUrl());
 * ```
 */
export class AuthorizationCodeFlowManager implements OAuthFlowManager {
  /** The client id. */
  readonly clientId: string;
  /** Base URL of Globus Auth. */
  readonly authBaseUrl: string;
  /** Scopes, space-separated. */
  readonly requestedScopes: string;
  /** Where Globus sends the code. */
  readonly redirectUri: string;
  /** The `state` sent. */
  readonly state: string;
  /** Whether refresh tokens are asked for. */
  readonly refreshTokens: boolean;

  /** Stores the flow's settings; no I/O. */
  constructor(options: AuthorizationCodeFlowOptions) {
    this.clientId = options.clientId;
    this.authBaseUrl = options.authBaseUrl;
    this.requestedScopes = options.requestedScopes;
    this.redirectUri = options.redirectUri;
    this.state = options.state ?? "_default";
    this.refreshTokens = options.refreshTokens ?? false;
  }

  /** The authorize URL. */
  getAuthorizeUrl(options: AuthorizeUrlOptions = {}): Promise<string> {
    return Promise.resolve(authorizeUrl(this.authBaseUrl, [
      ["client_id", this.clientId],
      ["redirect_uri", this.redirectUri],
      ["scope", this.requestedScopes],
      ["state", this.state],
      ["response_type", "code"],
      ["access_type", this.refreshTokens ? "offline" : "online"],
    ], options));
  }

  /** `grant_type, code, redirect_uri` (the client id travels in the Basic header). */
  exchangeForm(code: string): Array<[string, string]> {
    return [["grant_type", "authorization_code"], ["code", code], [
      "redirect_uri",
      this.redirectUri,
    ]];
  }
}
