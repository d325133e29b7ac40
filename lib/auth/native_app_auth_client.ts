/**
 * The login client of a native app (a script, a CLI, a desktop app): no
 * secret, PKCE. Python: `NativeAppAuthClient`.
 *
 * @module
 */

import { NullAuthorizer } from "../authorizers/simple.ts";
import type { BaseClientOptions } from "../core/base_client.ts";
import { AuthLoginClient } from "./auth_login_client.ts";
import {
  type FormFields,
  NativeAppFlowManager,
  type NativeAppFlowOptions,
} from "./flow_managers.ts";

/**
 * A native app (a script, a CLI, a desktop app): it has no secret and logs
 * in with PKCE. Python: `NativeAppAuthClient`.
 *
 * @example The tutorial's login, against the fake Globus
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeAppAuthClient } from "@globus-deno/sdk/auth";
 * import { GroupsClient } from "@globus-deno/sdk/groups";
 * import { startFakeGlobus, TUTORIAL_CLIENT_ID } from "@globus-deno/sdk/testing";
 *
 * await using fake = await startFakeGlobus();
 * const authClient = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, { baseUrl: fake.authUrl });
 * authClient.oauth2StartFlow({ requestedScopes: GroupsClient.scopes.viewMyGroupsAndMemberships });
 * const code = await fake.loginCode(await authClient.oauth2GetAuthorizeUrl(), "alice");
 * const tokens = await authClient.oauth2ExchangeCodeForTokens(code);
 * assert.equal(
 *   tokens.byResourceServer[GroupsClient.resourceServer]?.scope,
 *   GroupsClient.scopes.viewMyGroupsAndMemberships,
 * );
 * ```
 */
export class NativeAppAuthClient extends AuthLoginClient {
  /**
   * Builds the client; no network I/O.
   *
   * @throws {GlobusSDKUsageError} for an empty client id or unknown environment.
   */
  constructor(clientId: string, options: Omit<BaseClientOptions, "authorizer"> = {}) {
    super(clientId, { ...options, authorizer: new NullAuthorizer() });
  }

  /** The native client names itself in the body: `client_id`. */
  protected override clientFields(): FormFields {
    return [["client_id", this.clientId]];
  }

  /**
   * Starts a login; it replaces any login started before.
   *
   * @throws {GlobusSDKUsageError} for empty scopes or an invalid verifier.
   */
  oauth2StartFlow(options: NativeAppFlowOptions): NativeAppFlowManager {
    return this.startFlow((client) => new NativeAppFlowManager({ ...options, ...client }));
  }
}
