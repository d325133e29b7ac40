/**
 * The Globus Auth login clients and the OAuth2 flows they run: PKCE for
 * native apps (`NativeAppAuthClient`), a client secret for confidential apps
 * (`ConfidentialAppAuthClient`). Python: `globus_sdk.NativeAppAuthClient`,
 * `globus_sdk.ConfidentialAppAuthClient`, `globus_sdk.services.auth.flow_managers`.
 *
 * @example The authorize URL of the tutorial's native app
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeAppAuthClient } from "./mod.ts";
 *
 * const authClient = new NativeAppAuthClient("61338d24-54d5-408f-a10d-66c06b59f6d2");
 * authClient.oauth2StartFlow({ requestedScopes: "openid" });
 * const url = new URL(await authClient.oauth2GetAuthorizeUrl());
 * assert.equal(url.searchParams.get("code_challenge_method"), "S256");
 * ```
 *
 * @module
 */

export { AuthLoginClient, type TokenResponseClass } from "./auth_login_client.ts";
export { NativeAppAuthClient } from "./native_app_auth_client.ts";
export { ConfidentialAppAuthClient } from "./confidential_app_auth_client.ts";
export {
  AuthorizationCodeFlowManager,
  type AuthorizationCodeFlowOptions,
  type AuthorizeUrlOptions,
  type FlowClient,
  type FormFields,
  NativeAppFlowManager,
  type NativeAppFlowOptions,
  OAuthFlowManager,
  type OAuthFlowOptions,
} from "./flow_managers.ts";
