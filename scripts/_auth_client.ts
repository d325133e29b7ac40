/**
 * The tutorial scripts' Globus Auth client, made on first use.
 *
 * A run whose stored access token is still valid (the usual cron or shell
 * loop run) never calls Globus Auth, and the Auth client's code (the login
 * client, its flow managers, the token responses and the `id_token`
 * verifier) is about a fifth of what such a run would otherwise load
 * (issue 15, `bench/RESULTS.md`). So the script names the client where the
 * tutorial creates it, and its code is loaded, with a literal `import()`
 * that `deno bundle` and `deno compile` follow, only for a refresh, a login
 * or a logout.
 *
 * @module
 */

import type { NativeAppAuthClient } from "../lib/auth/native_app_auth_client.ts";
import type { TokenRefresher } from "../lib/authorizers/refresh_token.ts";
import { getServiceUrl } from "../lib/core/config.ts";
import type { Transport } from "../lib/core/transport.ts";
import type { OAuthRefreshTokenResponse } from "../lib/tokens/token_response.ts";

/** A {@linkcode NativeAppAuthClient} whose code is loaded the first time it is needed. */
export class OnDemandAuthClient implements TokenRefresher {
  readonly #clientId: string;
  readonly #transport: Transport;
  #client: Promise<NativeAppAuthClient> | undefined;

  /**
   * Keeps what the client is made of; loads and builds nothing.
   *
   * @throws {GlobusSDKUsageError} for a bad `GLOBUS_SDK_SERVICE_URL_AUTH` or
   *   environment, as the real client's constructor does: on every run, not
   *   first when a refresh needs Auth, hours after the setting went wrong.
   */
  constructor(clientId: string, options: { transport: Transport }) {
    getServiceUrl("auth");
    this.#clientId = clientId;
    this.#transport = options.transport;
  }

  /** The client, built (and its code loaded) on the first call. */
  get(): Promise<NativeAppAuthClient> {
    return this.#client ??= import("../lib/auth/native_app_auth_client.ts").then(
      ({ NativeAppAuthClient }) =>
        new NativeAppAuthClient(this.#clientId, { transport: this.#transport }),
    );
  }

  /** The client's refresh grant: what the authorizer calls when the access token expired. */
  async oauth2RefreshToken(
    refreshToken: string,
    options?: { signal?: AbortSignal },
  ): Promise<OAuthRefreshTokenResponse> {
    return await (await this.get()).oauth2RefreshToken(refreshToken, options);
  }
}
