/**
 * `ClientApp`: a confidential client acting as itself (a service account):
 * client-credentials grants, no person. Python: `globus_sdk.ClientApp`.
 *
 * @module
 */

import type { Authorizer } from "../core/base_client.ts";
import { GlobusSDKUsageError } from "../core/errors.ts";
import type { OAuthTokenResponse } from "../tokens/token_response.ts";
import type { TokenStorageData } from "../token_storage/token_storage.ts";
import { ClientCredentialsAuthorizer } from "../authorizers/client_credentials.ts";
import { ConfidentialAppAuthClient } from "../auth/mod.ts";
import type { AuthorizationParameters } from "../login_flows/login_flow_manager.ts";
import type { TokenValidationError } from "./errors.ts";
import { GlobusApp, type GlobusAppOptions } from "./globus_app.ts";

/** Options of a {@linkcode ClientApp}. */
export interface ClientAppOptions extends GlobusAppOptions {
  /** The client's secret (with `clientId`). */
  readonly clientSecret?: string;
  /** The confidential Auth client to use instead of `clientId` and `clientSecret`. */
  readonly loginClient?: ConfidentialAppAuthClient;
}

function loginClientOf(options: ClientAppOptions): ConfidentialAppAuthClient {
  if (options.loginClient && options.clientId) {
    throw new GlobusSDKUsageError("Mutually exclusive parameters: clientId and loginClient.");
  }
  if (options.loginClient) {
    if (!(options.loginClient instanceof ConfidentialAppAuthClient)) {
      throw new GlobusSDKUsageError(
        "A ClientApp must use a ConfidentialAppAuthClient for its loginClient",
      );
    }
    return options.loginClient;
  }
  if (!options.clientId) {
    throw new GlobusSDKUsageError(
      "Could not set up a globus login client. One of clientId or loginClient is required.",
    );
  }
  if (!options.clientSecret) {
    throw new GlobusSDKUsageError(
      "A ClientApp requires a clientSecret to initialize its own login client.",
    );
  }
  return new ConfidentialAppAuthClient(options.clientId, options.clientSecret, {
    ...(options.environment ? { environment: options.environment } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}

/**
 * A service account's app: each "login" is a client-credentials grant for
 * all the scope requirements, and each authorizer renews its token with
 * another grant when it expires. Tokens are stored as a `UserApp`'s are (the
 * same default file); give `new MemoryTokenStorage()` to keep them in the
 * process only. Python: `ClientApp`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ClientApp, GroupsClient, MemoryTokenStorage } from "../mod.ts";
 *
 * const app = new ClientApp("my-service", {
 *   clientId: "2b2a2f3c-0000-4000-8000-00000000c11e",
 *   clientSecret: "a secret",
 *   tokenStorage: new MemoryTokenStorage(),
 * });
 * new GroupsClient({ app });
 * assert.deepEqual(Object.keys(app.scopeRequirements), ["auth.globus.org", "groups.api.globus.org"]);
 * assert.equal(await app.loginRequired(), true);
 * ```
 */
export class ClientApp extends GlobusApp {
  /** The app's confidential Auth client. */
  declare readonly loginClient: ConfidentialAppAuthClient;
  /** A client's tokens carry no person to keep. */
  protected readonly tracksIdentity = false;

  /**
   * Sets the app up; no I/O.
   *
   * @throws {GlobusSDKUsageError} without a client id and secret (or a confidential login client).
   */
  constructor(appName: string, options: ClientAppOptions) {
    super(appName, options, loginClientOf(options));
  }

  /** A client-credentials grant for the required scopes; other parameters do not apply. */
  protected runLoginFlow(parameters: AuthorizationParameters): Promise<OAuthTokenResponse> {
    return this.loginClient.oauth2ClientCredentialsTokens(parameters.requiredScopes);
  }

  /** Nothing: an expired token is renewed by another grant. */
  protected lifetimeProblem(_record: TokenStorageData): TokenValidationError | null {
    return null;
  }

  /** A client-credentials authorizer starting from the stored token, storing each renewal. */
  protected makeAuthorizer(resourceServer: string, record: TokenStorageData): Authorizer {
    const scopes = (this.scopeRequirements[resourceServer] ?? []).map(String);
    if (scopes.length === 0) {
      throw new GlobusSDKUsageError(
        `A ClientApp cannot get tokens for ${resourceServer} without scope requirements for it.`,
      );
    }
    return new ClientCredentialsAuthorizer(this.loginClient, scopes, {
      accessToken: record.accessToken,
      expiresAtSeconds: record.expiresAtSeconds,
      now: this.now,
      onRefresh: async (response) => {
        try {
          await this.tokenStorage.storeTokenResponse(response);
        } catch (error) {
          await this.emit({ type: "tokens-not-saved", error });
        }
      },
    });
  }

  /** No identity is kept. */
  protected identityOfLogin(_response: OAuthTokenResponse): Promise<null> {
    return Promise.resolve(null);
  }
}
