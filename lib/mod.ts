/**
 * globus-deno: log a person in to Globus and call Globus services from Deno.
 * A port of the part of the Globus SDK for Python that a script needs
 * without `GlobusApp`: the Auth login clients (PKCE for native apps), token
 * responses, authorizers, a JSON token store that shares its file format with
 * Python, and the Groups client.
 *
 * @example List my groups (the tutorial)
 * ```ts ignore
 * import { AccessTokenAuthorizer, GroupsClient, NativeAppAuthClient } from "./mod.ts";
 *
 * const authClient = new NativeAppAuthClient("61338d24-54d5-408f-a10d-66c06b59f6d2");
 * authClient.oauth2StartFlow({ requestedScopes: GroupsClient.scopes.viewMyGroupsAndMemberships });
 * console.log(await authClient.oauth2GetAuthorizeUrl());
 * const tokens = await authClient.oauth2ExchangeCodeForTokens(code);
 * const accessToken = tokens.byResourceServer[GroupsClient.resourceServer]!.access_token;
 * const groupsClient = new GroupsClient({ authorizer: new AccessTokenAuthorizer(accessToken) });
 * for (const group of await groupsClient.getMyGroups()) console.log(group.name);
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
  homeDirectory,
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
  type ScopeInput,
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
  type ConfidentialStartFlowOptions,
  type FormFields,
  NativeAppAuthClient,
  NativeAppFlowManager,
  type NativeAppFlowOptions,
  type NativeAppStartFlowOptions,
  type OAuthFlowManager,
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
