/**
 * The ground floor every client stands on: configuration (environments and
 * service URLs), the error hierarchy, the HTTP transport (timeouts, retries)
 * and the base client (base URL + authorizer + the 401 rule).
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
  Transport,
  type TransportOptions,
  type TransportRequest,
  type TransportResponse,
} from "./transport.ts";
export {
  type APIErrorClass,
  type Authorizer,
  BaseClient,
  type BaseClientOptions,
  GlobusHTTPResponse,
  type RequestOptions,
} from "./base_client.ts";
