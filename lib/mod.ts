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
  AuthorizationRequiredError,
  type Authorizer,
  type AuthorizerSource,
  BaseClient,
  type BaseClientOptions,
  checkShape,
  type ConfigOptions,
  DEFAULT_HTTP_TIMEOUT_SECONDS,
  DEFAULT_MAX_BODY_BYTES,
  describeRetry,
  ENVIRONMENTS,
  type EnvReader,
  type ErrorSubdocument,
  getEnvironmentName,
  getServiceUrl,
  GlobusAPIError,
  type GlobusAuthorizationParameters,
  GlobusConnectionError,
  GlobusError,
  GlobusHTTPResponse,
  GlobusSDKUsageError,
  GlobusTimeoutError,
  GroupsAPIError,
  homeDirectory,
  NetworkError,
  parseAuthorizationParameters,
  pathSegment,
  readEnv,
  RefreshTokenRejectedError,
  type RequestOptions,
  type RetryEvent,
  type ServiceName,
  type Shape,
  shape,
  type Shapes,
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
  BackedTokenStorage,
  isRenewingTokenStorage,
  JSONTokenStorage,
  type JSONTokenStorageOptions,
  LockingTokenStorage,
  type LockWaitInfo,
  MemoryTokenStorage,
  type ModeFix,
  type RecordChanges,
  type RecordUpdate,
  type RemoveOptions,
  type RenewContext,
  type RenewingTokenStorage,
  type RenewOptions,
  type StoredRecords,
  type TokenStorage,
  type TokenStorageBackend,
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
  type GetGroupOptions,
  type GetMyGroupsOptions,
  type Group,
  type GroupInfo,
  type GroupRole,
  GroupsClient,
  type Membership,
  type MembershipStatus,
} from "./services/groups/mod.ts";
export {
  AuthClient,
  type Consent,
  ConsentForest,
  ConsentTree,
  type GetConsentsOptions,
  type GetIdentitiesOptions,
  type GetIdentityProvidersOptions,
  getLoginIdentity,
  IDENTITIES_BATCH_LIMIT,
  type Identity,
  IdentityMap,
  type IdentityMapOptions,
  type IdentityProvider,
  isUsername,
  type LoginIdentity,
  type LoginIdentitySource,
  type UserInfo,
} from "./services/auth/mod.ts";
export {
  type AuthorizationParameters,
  AutoLoginFlowManager,
  type AutoLoginFlowManagerOptions,
  BaseLoginFlowManager,
  BROWSER_ENV_VARS,
  type BrowserEnvironment,
  type BrowserOpener,
  BrowserUnavailableError,
  browserUnavailableReason,
  type ByteSource,
  CommandLineLoginFlowManager,
  type CommandLineLoginFlowManagerOptions,
  LineReader,
  type LineReaderOptions,
  LocalServerLoginFlowManager,
  type LocalServerLoginFlowManagerOptions,
  type LoginClient,
  LoginFlowError,
  type LoginFlowIo,
  type LoginFlowManager,
  type LoginFlowManagerOptions,
  LoginFlowTimeoutError,
  openerCommand,
  readCode,
  type RunLoginFlowOptions,
  systemBrowserOpener,
  type SystemBrowserOpenerOptions,
  terminalLoginIo,
} from "./login_flows/mod.ts";
export {
  type AppEvent,
  ClientApp,
  type ClientAppOptions,
  defaultTokenFilePath,
  type DependentScopeCheck,
  type DependentScopeCheckRequest,
  ExpiredTokenError,
  GlobusApp,
  type GlobusAppOptions,
  IdentityMismatchError,
  type LoginFlowContext,
  type LoginOptions,
  MissingIdentityError,
  MissingTokenError,
  slugifyAppName,
  StoredLoginRejectedError,
  type TokenFilePathOptions,
  TokenValidationError,
  type TokenValidationErrorHandler,
  UnmetScopeRequirementsError,
  UserApp,
  type UserAppOptions,
} from "./app/mod.ts";
