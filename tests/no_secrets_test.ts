/** Printing any SDK object or error a user is likely to log shows no secret. */
import assert from "node:assert/strict";
import {
  AccessTokenAuthorizer,
  BasicAuthorizer,
  ConfidentialAppAuthClient,
  GroupsClient,
  MemoryTokenStorage,
  NativeAppAuthClient,
  RefreshTokenAuthorizer,
} from "../lib/mod.ts";

const SECRETS = ["ACCESS-SECRET", "REFRESH-SECRET", "CLIENT-SECRET", "V".repeat(43)];

function assertNoSecret(value: unknown) {
  // What console.log shows (getters are not called by default), at any depth.
  const shown = Deno.inspect(value, { depth: 10, showHidden: true });
  for (const secret of SECRETS) assert.ok(!shown.includes(secret), `${secret} in ${shown}`);
}

Deno.test("printing clients, flows and authorizers shows no token, secret or PKCE verifier", async () => {
  const native = new NativeAppAuthClient("cid", { baseUrl: "https://auth.example/" });
  const flow = native.oauth2StartFlow({ requestedScopes: "openid", verifier: "V".repeat(43) });
  assert.equal(flow.verifier, "V".repeat(43), "the verifier is still there for the exchange");
  const confidential = new ConfidentialAppAuthClient("cid", "CLIENT-SECRET", {
    baseUrl: "https://auth.example/",
  });
  const refreshing = new RefreshTokenAuthorizer("REFRESH-SECRET", native, {
    accessToken: "ACCESS-SECRET",
    expiresAtSeconds: 2e9,
    tokenStorage: new MemoryTokenStorage(),
    resourceServer: "groups.api.globus.org",
  });
  const groups = new GroupsClient({
    baseUrl: "https://groups.example/",
    authorizer: new AccessTokenAuthorizer("ACCESS-SECRET"),
  });
  for (
    const value of [
      native,
      flow,
      confidential,
      refreshing,
      groups,
      new BasicAuthorizer("cid", "CLIENT-SECRET"),
    ]
  ) {
    assertNoSecret(value);
  }
  // The header itself, of course, carries the token: that is its job.
  assert.equal(await refreshing.getAuthorizationHeader(), "Bearer ACCESS-SECRET");
});
