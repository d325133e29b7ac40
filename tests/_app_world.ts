/**
 * The world the app tests run in: the in-process fake Globus, a fake clock,
 * a fake person whose login flow records each login, and apps built as a
 * script builds them. Shared by tests/app_test.ts and
 * tests/app_consents_test.ts.
 */

import {
  type ClientApp,
  GroupsClient,
  type LoginFlowManager,
  NativeAppAuthClient,
  OAuthAuthorizationCodeResponse,
  Scope,
  scopesToString,
  type TokenStorage,
  UserApp,
  type UserAppOptions,
} from "../lib/mod.ts";
import type { AppEvent } from "../lib/app/mod.ts";
import type { AuthorizationParameters } from "../lib/login_flows/mod.ts";
import { startFakeGlobus, TUTORIAL_CLIENT_ID } from "../lib/testing/mod.ts";

/** A fake Globus, a clock, a fake person who logs in as `user`, and a way to build apps. */
export async function world(options: { rotate?: boolean } = {}) {
  const fake = await startFakeGlobus({ rotateRefreshTokens: options.rotate ?? false });
  const env = (name: string) => fake.env[name];
  let clock = Date.now();
  const now = () => clock;
  // No waiting between retries: a test of an unreachable Auth stays fast.
  const transport = { sleep: () => Promise.resolve(), env };
  const loginClient = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, { env, now, transport });
  const logins: AuthorizationParameters[] = [];
  const events: AppEvent[] = [];
  const person = { user: "alice", offline: true };
  const flow: LoginFlowManager = {
    runLoginFlow(parameters) {
      logins.push(parameters);
      const body = fake.issueTokens({
        username: person.user,
        clientId: TUTORIAL_CLIENT_ID,
        scopes: Scope.parse(scopesToString(parameters.requiredScopes)).map(String),
        offline: person.offline,
      });
      return Promise.resolve(
        new OAuthAuthorizationCodeResponse(body, { receivedAt: now(), idTokenKeys: loginClient }),
      );
    },
  };
  /**
   * An app as a script builds it; with `groups` (the default), a
   * GroupsClient too, whose scopes it then requires.
   */
  const app = (
    storage: TokenStorage,
    more: Partial<UserAppOptions> = {},
    { groups = true }: { groups?: boolean } = {},
  ) => {
    const built = new UserApp("my-user-app", {
      loginClient,
      tokenStorage: storage,
      loginFlowManager: flow,
      requestRefreshTokens: true,
      onEvent: (e) => void events.push(e),
      env,
      now,
      ...more,
    });
    if (groups) new GroupsClient({ app: built, env });
    return built;
  };
  const groups = async (a: UserApp | ClientApp) =>
    (await new GroupsClient({ app: a, env }).getMyGroups()).map((g) => g.name);
  return {
    fake,
    env,
    loginClient,
    logins,
    events,
    person,
    app,
    groups,
    advance: (ms: number) => clock += ms,
    [Symbol.asyncDispose]: () => fake.close(),
  };
}
