/**
 * globus-deno: log a person in to Globus and call Globus services from Deno.
 * A port of the part of the Globus SDK for Python that a script needs
 * without `GlobusApp`: the Auth login clients (PKCE for native apps), token
 * responses, authorizers, a JSON token store that shares its file format with
 * Python, and the Groups client.
 *
 * @example List my groups (the tutorial)
 * ```ts
 * import assert from "node:assert/strict";
 * import { AccessTokenAuthorizer, GroupsClient, NativeAppAuthClient } from "./mod.ts";
 * import { startFakeGlobus, TUTORIAL_CLIENT_ID } from "./testing/mod.ts";
 *
 * // Against the local fake Globus; without the baseUrl options it is Globus itself.
 * await using fake = await startFakeGlobus();
 * const authClient = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, { baseUrl: fake.authUrl });
 * authClient.oauth2StartFlow({ requestedScopes: GroupsClient.scopes.viewMyGroupsAndMemberships });
 * const authorizeUrl = await authClient.oauth2GetAuthorizeUrl(); // the person opens this page,
 * const code = await fake.loginCode(authorizeUrl, "alice"); // logs in, and pastes the code shown
 * const tokens = await authClient.oauth2ExchangeCodeForTokens(code);
 * const accessToken = tokens.byResourceServer[GroupsClient.resourceServer]!.access_token;
 * const groupsClient = new GroupsClient({
 *   baseUrl: fake.groupsUrl,
 *   authorizer: new AccessTokenAuthorizer(accessToken),
 * });
 * const groups = await groupsClient.getMyGroups();
 * assert.deepEqual(groups.map((g) => g.name), [
 *   "Alice's Lab",
 *   'Physics, Chemistry & "Friends"',
 *   "Ünïcødé 研究 group",
 * ]);
 * ```
 *
 * @module
 */

export {
  type APIErrorClass,
  type APIErrorInit,
  AuthAPIError,
  type Authorizer,
  BaseClient,
  type BaseClientOptions,
  type ConfigOptions,
  DEFAULT_HTTP_TIMEOUT_SECONDS,
  ENVIRONMENTS,
  type EnvReader,
  type ErrorSubdocument,
  getEnvironmentName,
  getServiceUrl,
  GlobusAPIError,
  GlobusConnectionError,
  GlobusError,
  GlobusHTTPResponse,
  GlobusSDKUsageError,
  GlobusTimeoutError,
  GroupsAPIError,
  NetworkError,
  readEnv,
  RefreshTokenRejectedError,
  type RequestOptions,
  type ServiceName,
  TokenStorageError,
  Transport,
  type TransportOptions,
  type TransportRequest,
  type TransportResponse,
  UnexpectedResponseError,
  VERSION,
} from "./core/mod.ts";
export {
  AuthScopes,
  type AuthScopesType,
  GroupsScopes,
  type GroupsScopesType,
  Scope,
  type ScopeInput,
  type ScopeOptions,
  ScopeParseError,
  scopesToString,
} from "./scopes/mod.ts";
export {
  type IdTokenClaims,
  IdTokenError,
  type IdTokenKeySource,
  OAuthAuthorizationCodeResponse,
  OAuthClientCredentialsResponse,
  OAuthRefreshTokenResponse,
  OAuthTokenResponse,
  type OAuthTokenResponseOptions,
  type OpenIdConfiguration,
  ScopeIndex,
  type TokenData,
  verifyIdToken,
} from "./tokens/mod.ts";
export {
  JSONTokenStorage,
  MemoryTokenStorage,
  type ModeFix,
  type RemoveOptions,
  type RenewOptions,
  type TokenStorage,
  type TokenStorageData,
} from "./token_storage/mod.ts";
export {
  AccessTokenAuthorizer,
  BasicAuthorizer,
  ClientCredentialsAuthorizer,
  type ClientCredentialsGranter,
  EXPIRES_ADJUST_SECONDS,
  NullAuthorizer,
  RefreshTokenAuthorizer,
  type RefreshTokenAuthorizerOptions,
  RenewingAuthorizer,
  type RenewingAuthorizerOptions,
  type TokenRefresher,
} from "./authorizers/mod.ts";
export {
  AuthLoginClient,
  AuthorizationCodeFlowManager,
  type AuthorizationCodeFlowOptions,
  type AuthorizeUrlOptions,
  ConfidentialAppAuthClient,
  type FlowClient,
  type FormFields,
  NativeAppAuthClient,
  NativeAppFlowManager,
  type NativeAppFlowOptions,
  OAuthFlowManager,
  type OAuthFlowOptions,
  type TokenResponseClass,
} from "./auth/mod.ts";
export {
  type GetMyGroupsOptions,
  type Group,
  type GroupRole,
  GroupsClient,
  type Membership,
  type MembershipStatus,
} from "./services/groups/mod.ts";
export type { AuthorizationParameters, LoginFlowManager } from "./login_flows/mod.ts";
