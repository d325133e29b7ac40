/**
 * The client-credentials authorizer: a confidential client gets its own
 * tokens, no person involved. Python: `ClientCredentialsAuthorizer`.
 *
 * @module
 */

import type { OAuthTokenResponse } from "../tokens/token_response.ts";
import { type ScopeInput, scopesToString } from "../scopes/scopes.ts";
import { RenewingAuthorizer, type RenewingAuthorizerOptions } from "./renewing.ts";

/**
 * What a {@linkcode ClientCredentialsAuthorizer} needs: a confidential client.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfidentialAppAuthClient } from "@globus-deno/sdk/auth";
 * import type { ClientCredentialsGranter } from "@globus-deno/sdk/authorizers";
 * import {
 *   CONFIDENTIAL_CLIENT_ID,
 *   CONFIDENTIAL_CLIENT_SECRET,
 *   startFakeGlobus,
 * } from "@globus-deno/sdk/testing";
 *
 * await using fake = await startFakeGlobus();
 * const granter: ClientCredentialsGranter = new ConfidentialAppAuthClient(
 *   CONFIDENTIAL_CLIENT_ID,
 *   CONFIDENTIAL_CLIENT_SECRET,
 *   { baseUrl: fake.authUrl },
 * );
 * const tokens = await granter.oauth2ClientCredentialsTokens("openid");
 * assert.equal(tokens.byResourceServer["auth.globus.org"]?.scope, "openid");
 * ```
 */
export interface ClientCredentialsGranter {
  /** Gets tokens for the client's own identity. */
  oauth2ClientCredentialsTokens(requestedScopes: ScopeInput): Promise<OAuthTokenResponse>;
}

/**
 * Renews access tokens with a confidential client's own credentials.
 * Python: `ClientCredentialsAuthorizer`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfidentialAppAuthClient } from "@globus-deno/sdk/auth";
 * import { ClientCredentialsAuthorizer } from "@globus-deno/sdk/authorizers";
 * import { GroupsClient } from "@globus-deno/sdk/groups";
 * import {
 *   CONFIDENTIAL_CLIENT_ID,
 *   CONFIDENTIAL_CLIENT_SECRET,
 *   startFakeGlobus,
 * } from "@globus-deno/sdk/testing";
 *
 * await using fake = await startFakeGlobus();
 * const confidentialClient = new ConfidentialAppAuthClient(
 *   CONFIDENTIAL_CLIENT_ID,
 *   CONFIDENTIAL_CLIENT_SECRET,
 *   { baseUrl: fake.authUrl },
 * );
 * const authorizer = new ClientCredentialsAuthorizer(confidentialClient, GroupsClient.scopes.all);
 * assert.equal(authorizer.accessToken, undefined); // nothing is fetched until a request
 * const groups = await new GroupsClient({ authorizer, baseUrl: fake.groupsUrl }).getMyGroups();
 * assert.deepEqual(groups.map((g) => g.name), ["Automation service accounts"]);
 * assert.match(authorizer.accessToken ?? "", /./);
 * ```
 */
export class ClientCredentialsAuthorizer extends RenewingAuthorizer {
  /** The scopes asked for, space-separated; they must belong to one resource server. */
  readonly scopes: string;
  readonly #client: ClientCredentialsGranter;

  /**
   * Keeps the client and the scopes; fetches nothing.
   *
   * @throws {GlobusSDKUsageError} for empty scopes.
   */
  constructor(
    confidentialClient: ClientCredentialsGranter,
    scopes: ScopeInput,
    options: RenewingAuthorizerOptions = {},
  ) {
    super(options);
    this.scopes = scopesToString(scopes);
    this.#client = confidentialClient;
  }

  /** One client-credentials grant. */
  protected async renew(): Promise<{ accessToken: string; expiresAtSeconds: number }> {
    const response = await this.#client.oauth2ClientCredentialsTokens(this.scopes);
    const entry = this.entryFor(
      response,
      undefined,
      `Ensure scopes ${this.scopes} are for only one resource server.`,
    );
    await this.onRefresh?.(response);
    return { accessToken: entry.access_token, expiresAtSeconds: entry.expires_at_seconds };
  }
}
