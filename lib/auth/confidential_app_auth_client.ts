/**
 * The login client of an app with a client secret (a service, a portal).
 * Python: `ConfidentialAppAuthClient`.
 *
 * @module
 */

import { BasicAuthorizer } from "../authorizers/simple.ts";
import type { BaseClientOptions, GlobusHTTPResponse } from "../core/base_client.ts";
import { GlobusSDKUsageError } from "../core/errors.ts";
import { type ScopeInput, scopesToString } from "../scopes/scopes.ts";
import { tokenResponses } from "./_token_responses.ts";
import type { OAuthClientCredentialsResponse } from "../tokens/token_response.ts";
import { AuthLoginClient } from "./auth_login_client.ts";
import {
  AuthorizationCodeFlowManager,
  type AuthorizationCodeFlowOptions,
  type FormFields,
} from "./flow_managers.ts";

/**
 * An app with a client secret (a service, a portal): it authenticates with
 * HTTP Basic on every Auth call. Python: `ConfidentialAppAuthClient`.
 *
 * @example Tokens for the client's own identity, against the fake Globus
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfidentialAppAuthClient } from "@globus-deno/sdk/auth";
 * import { GroupsScopes } from "@globus-deno/sdk/scopes";
 * import {
 *   CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET, startFakeGlobus,
 * } from "@globus-deno/sdk/testing";
 *
 * await using fake = await startFakeGlobus();
 * const client = new ConfidentialAppAuthClient(CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET, {
 *   baseUrl: fake.authUrl,
 * });
 * const tokens = await client.oauth2ClientCredentialsTokens(GroupsScopes.all);
 * const groups = tokens.byResourceServer["groups.api.globus.org"];
 * assert.equal(groups?.scope, GroupsScopes.all);
 * assert.equal(groups?.refresh_token, null);
 * const introspected = (await client.oauth2TokenIntrospect(groups.access_token)).data;
 * assert.deepEqual(
 *   [(introspected as { active: boolean }).active, (introspected as { sub: string }).sub],
 *   [true, CONFIDENTIAL_CLIENT_ID],
 * );
 * ```
 */
export class ConfidentialAppAuthClient extends AuthLoginClient {
  /**
   * Builds the client; no network I/O.
   *
   * @throws {GlobusSDKUsageError} for an empty client id or secret, or an unknown environment.
   */
  constructor(
    clientId: string,
    clientSecret: string,
    options: Omit<BaseClientOptions, "authorizer"> = {},
  ) {
    if (!clientSecret) {
      throw new GlobusSDKUsageError("ConfidentialAppAuthClient needs a client secret");
    }
    super(clientId, { ...options, authorizer: new BasicAuthorizer(clientId, clientSecret) });
  }

  /** Nothing: the confidential client authenticates with its Basic header. */
  protected override clientFields(): FormFields {
    return [];
  }

  /**
   * Starts an authorization-code login; it replaces any login started before.
   *
   * @throws {GlobusSDKUsageError} for empty scopes.
   */
  oauth2StartFlow(options: AuthorizationCodeFlowOptions): AuthorizationCodeFlowManager {
    return this.startFlow((client) => new AuthorizationCodeFlowManager({ ...options, ...client }));
  }

  /**
   * Tokens for the client's own identity. Python: `oauth2_client_credentials_tokens`.
   *
   * @throws {GlobusSDKUsageError} (as a rejection) for empty scopes.
   */
  async oauth2ClientCredentialsTokens(
    requestedScopes: ScopeInput,
  ): Promise<OAuthClientCredentialsResponse> {
    return await this.oauth2Token(
      [["grant_type", "client_credentials"], ["scope", scopesToString(requestedScopes)]],
      (await tokenResponses()).OAuthClientCredentialsResponse,
    );
  }

  /** Whether a token is active, and for whom. Python: `oauth2_token_introspect`. */
  async oauth2TokenIntrospect(
    token: string,
    options: { include?: string } = {},
  ): Promise<GlobusHTTPResponse> {
    return await this.request("POST", "/v2/oauth2/token/introspect", {
      form: [["token", token], ["include", options.include]],
      idempotent: true,
    });
  }
}
