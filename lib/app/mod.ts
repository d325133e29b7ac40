/**
 * Apps: `UserApp` (a person logs in, only when needed) and `ClientApp` (a
 * confidential client acting as itself). Service clients take an app as
 * `app`, add their scopes to it, and ask it for their authorizer. Python:
 * `globus_sdk.globus_app`.
 *
 * @example A login only when the stored tokens cannot serve
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryTokenStorage } from "../token_storage/mod.ts";
 * import { UserApp } from "./mod.ts";
 *
 * const asked: unknown[] = [];
 * const app = new UserApp("my-user-app", {
 *   clientId: "61338d24-54d5-408f-a10d-66c06b59f6d2",
 *   tokenStorage: new MemoryTokenStorage(),
 *   // Without one, the app logs in at the terminal (CommandLineLoginFlowManager), as Python's.
 *   loginFlowManager: {
 *     runLoginFlow: (parameters) => {
 *       asked.push(parameters.requiredScopes);
 *       return Promise.reject(new Error("no person in this example"));
 *     },
 *   },
 * });
 * assert.equal(await app.loginRequired(), true);
 * await assert.rejects(app.login(), /no person in this example/);
 * assert.deepEqual(asked, [["openid"]]);
 * ```
 *
 * @module
 */

export {
  type AppEvent,
  type DependentScopeCheck,
  type DependentScopeCheckRequest,
  GlobusApp,
  type GlobusAppOptions,
  type LoginOptions,
  type TokenValidationErrorHandler,
} from "./globus_app.ts";
export { type LoginFlowContext, UserApp, type UserAppOptions } from "./user_app.ts";
export { ClientApp, type ClientAppOptions } from "./client_app.ts";
export {
  ExpiredTokenError,
  IdentityMismatchError,
  MissingIdentityError,
  MissingTokenError,
  StoredLoginRejectedError,
  TokenValidationError,
  UnmetScopeRequirementsError,
} from "./errors.ts";
export {
  defaultTokenFilePath,
  slugifyAppName,
  type TokenFilePathOptions,
} from "./token_file_path.ts";
