/**
 * The ground floor every client stands on: configuration (environments and
 * service URLs), the error hierarchy, the HTTP transport (timeouts, retries,
 * no redirects, bounded bodies), the base client (base URL + authorizer +
 * the 401 rule) and the shape checks every client runs on Globus's answers.
 * Python: `globus_sdk.config`, `globus_sdk.exc`, `globus_sdk.transport`,
 * `globus_sdk.BaseClient`.
 *
 * @example Build a URL for a service in an environment
 * ```ts
 * import assert from "node:assert/strict";
 * import { getServiceUrl } from "./mod.ts";
 *
 * assert.equal(getServiceUrl("groups", { environment: "sandbox", env: () => undefined }),
 *   "https://groups.api.sandbox.globuscs.info/");
 * ```
 *
 * @module
 */

export { VERSION } from "./version.ts";
export {
  type APIErrorInit,
  AuthAPIError,
  type ErrorSubdocument,
  GlobusAPIError,
  GlobusConnectionError,
  GlobusError,
  GlobusSDKUsageError,
  GlobusTimeoutError,
  GroupsAPIError,
  NetworkError,
  RefreshTokenRejectedError,
  TokenStorageError,
  UnexpectedResponseError,
} from "./errors.ts";
export {
  type ConfigOptions,
  DEFAULT_HTTP_TIMEOUT_SECONDS,
  ENVIRONMENTS,
  type EnvReader,
  getEnvironmentName,
  getServiceUrl,
  homeDirectory,
  readEnv,
  type ServiceName,
} from "./config.ts";
export {
  DEFAULT_MAX_BODY_BYTES,
  describeRetry,
  type RetryEvent,
  Transport,
  type TransportOptions,
  type TransportRequest,
  type TransportResponse,
} from "./transport.ts";
export {
  AuthorizationRequiredError,
  type GlobusAuthorizationParameters,
  parseAuthorizationParameters,
} from "./authorization_requirements.ts";
export {
  type APIErrorClass,
  type Authorizer,
  type AuthorizerSource,
  BaseClient,
  type BaseClientOptions,
  GlobusHTTPResponse,
  pathSegment,
  type RequestOptions,
} from "./base_client.ts";
export { checkShape, type Shape, shape, type Shapes } from "./shape.ts";
