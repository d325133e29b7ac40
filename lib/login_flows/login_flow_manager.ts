/**
 * What every login flow is: given what the login must achieve (scopes, and
 * the session conditions a service may demand), run it with the person and
 * return Globus Auth's token response. Python:
 * `globus_sdk.login_flows.LoginFlowManager.run_login_flow()` and
 * `globus_sdk.gare.GlobusAuthorizationParameters`.
 *
 * @module
 */

import type { ScopeInput } from "../scopes/scopes.ts";
import type { OAuthTokenResponse } from "../tokens/token_response.ts";

/**
 * What a login must achieve. `requiredScopes` is what to ask consent for; the
 * `session*` fields and `prompt` come from a service's authorization
 * requirements (a "GARE": an error body carrying `authorization_parameters`)
 * and are sent to Globus Auth's authorize URL under their wire names
 * (`session_message`, `session_required_identities`, …).
 */
export interface AuthorizationParameters {
  /** The scopes to request. */
  readonly requiredScopes: ScopeInput;
  /** A message Globus Auth shows on the login page. Wire: `session_message`. */
  readonly sessionMessage?: string;
  /** Identities (ids or usernames) that must be in the session. Wire: `session_required_identities`. */
  readonly sessionRequiredIdentities?: readonly string[];
  /** Domains one of which an identity in the session must be from. Wire: `session_required_single_domain`. */
  readonly sessionRequiredSingleDomain?: readonly string[];
  /** Policy ids the session must satisfy. Wire: `session_required_policies`. */
  readonly sessionRequiredPolicies?: readonly string[];
  /** Whether the session needs multi-factor authentication. Wire: `session_required_mfa`. */
  readonly sessionRequiredMfa?: boolean;
  /** `"login"` makes Globus Auth ask for a fresh login. Wire: `prompt`. */
  readonly prompt?: string;
}

/**
 * A way of logging a person in: copy-paste at a terminal, or a browser with
 * a local server. Implementations start the flow on their login client,
 * show the person where to go, wait for the code and exchange it.
 */
export interface LoginFlowManager {
  /** Runs one login and returns the tokens Globus Auth issued. Rejects with a typed error on failure. */
  runLoginFlow(parameters: AuthorizationParameters): Promise<OAuthTokenResponse>;
}
