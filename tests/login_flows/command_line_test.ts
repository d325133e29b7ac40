import assert from "node:assert/strict";
import { ConfidentialAppAuthClient } from "../../lib/mod.ts";
import { AuthAPIError, GlobusSDKUsageError, LoginFlowError } from "../../lib/mod.ts";
import { CommandLineLoginFlowManager, LineReader } from "../../lib/login_flows/mod.ts";
import {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  startFakeGlobus,
} from "../../lib/testing/mod.ts";
import { firstUrl, GROUPS_SCOPE, nativeClient, recordingIo } from "./_helpers.ts";

Deno.test("CommandLineLoginFlowManager prints Python's text and exchanges the pasted code", async () => {
  await using fake = await startFakeGlobus();
  const io = recordingIo([() => fake.loginCode(firstUrl(io.text()), "alice")]);
  const flow = new CommandLineLoginFlowManager(nativeClient(fake), {
    io,
    requestRefreshTokens: true,
    nativePrefillNamedGrant: "my laptop",
  });
  const tokens = await flow.runLoginFlow({ requiredScopes: ["openid", GROUPS_SCOPE] });

  const url = new URL(firstUrl(io.text()));
  const rule = "-".repeat(37);
  assert.equal(
    io.text(),
    `\nPlease authenticate with Globus here:\n${rule}\n${url.href}\n${rule}\n\n` +
      "Enter the resulting Authorization Code here: ",
  );
  assert.equal(url.searchParams.get("redirect_uri"), `${fake.url}/v2/web/auth-code`);
  assert.equal(url.searchParams.get("access_type"), "offline");
  assert.equal(url.searchParams.get("prefill_named_grant"), "my laptop");
  assert.equal(url.searchParams.get("state"), "_default");
  assert.equal(tokens.byResourceServer["groups.api.globus.org"]?.scope, GROUPS_SCOPE);
  assert.equal(typeof tokens.byResourceServer["groups.api.globus.org"]?.refresh_token, "string");
});

Deno.test("CommandLineLoginFlowManager sends the session parameters, and not the empty ones", async () => {
  await using fake = await startFakeGlobus();
  const io = recordingIo([]);
  const flow = new CommandLineLoginFlowManager(nativeClient(fake), { io });
  await assert.rejects(
    flow.runLoginFlow({
      requiredScopes: "openid",
      sessionRequiredIdentities: ["id-1", "id-2"],
      sessionRequiredSingleDomain: "example.org",
      sessionRequiredPolicies: [],
      sessionRequiredMfa: false,
      sessionMessage: "please",
      prompt: "login",
    }),
    LoginFlowError,
  );
  const q = new URL(firstUrl(io.text())).searchParams;
  assert.equal(q.get("session_required_identities"), "id-1,id-2");
  assert.equal(q.get("session_required_single_domain"), "example.org");
  assert.equal(q.get("session_message"), "please");
  assert.equal(q.get("prompt"), "login");
  // Python drops falsy values: no empty policy list, no session_required_mfa=False.
  assert.equal(q.has("session_required_policies"), false);
  assert.equal(q.has("session_required_mfa"), false);
});

Deno.test("CommandLineLoginFlowManager says what to do when no code is entered", async () => {
  await using fake = await startFakeGlobus();
  for (
    const [line, message] of [
      [null, /standard input closed/],
      ["   ", /no code was entered; run again/],
    ] as const
  ) {
    const flow = new CommandLineLoginFlowManager(nativeClient(fake), { io: recordingIo([line!]) });
    await assert.rejects(
      flow.runLoginFlow({ requiredScopes: "openid" }),
      (e) => e instanceof LoginFlowError && message.test(e.message),
    );
  }
  assert.equal(fake.requests.filter((r) => r.path === "/v2/oauth2/token").length, 0);
});

Deno.test("CommandLineLoginFlowManager refuses an absurdly long code before sending it", async () => {
  await using fake = await startFakeGlobus();
  const flow = new CommandLineLoginFlowManager(nativeClient(fake), {
    io: recordingIo(["x".repeat(5000)]),
  });
  await assert.rejects(
    flow.runLoginFlow({ requiredScopes: "openid" }),
    (e) => e instanceof LoginFlowError && /5000 characters long/.test(e.message),
  );
  assert.equal(fake.requests.filter((r) => r.path === "/v2/oauth2/token").length, 0);
});

Deno.test("CommandLineLoginFlowManager reading stdin-like input is bounded at 4 KiB", async () => {
  await using fake = await startFakeGlobus();
  const bytes = new TextEncoder().encode(`${"y".repeat(1 << 20)}\n`);
  let at = 0;
  const reader = new LineReader({
    read(buffer) {
      if (at >= bytes.length) return Promise.resolve(null);
      const n = Math.min(buffer.length, bytes.length - at);
      buffer.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(n);
    },
  });
  const flow = new CommandLineLoginFlowManager(nativeClient(fake), {
    io: { write() {}, readLine: () => reader.readLine() },
  });
  await assert.rejects(
    flow.runLoginFlow({ requiredScopes: "openid" }),
    (e) => e instanceof LoginFlowError && /longer than 4096 bytes/.test(e.message),
  );
});

Deno.test("CommandLineLoginFlowManager passes Globus's refusal of a wrong code on", async () => {
  await using fake = await startFakeGlobus();
  const flow = new CommandLineLoginFlowManager(nativeClient(fake), {
    io: recordingIo(["not-a-code"]),
  });
  await assert.rejects(
    flow.runLoginFlow({ requiredScopes: "openid" }),
    (e) => e instanceof AuthAPIError && e.code === "invalid_grant",
  );
});

Deno.test("CommandLineLoginFlowManager stops waiting for the code when aborted", async () => {
  await using fake = await startFakeGlobus();
  const controller = new AbortController();
  const flow = new CommandLineLoginFlowManager(nativeClient(fake), {
    io: {
      write() {},
      readLine: () => {
        queueMicrotask(() => controller.abort(new Error("Ctrl-C")));
        return new Promise(() => {});
      },
    },
  });
  await assert.rejects(
    flow.runLoginFlow({ requiredScopes: "openid" }, { signal: controller.signal }),
    /Ctrl-C/,
  );
});

Deno.test("CommandLineLoginFlowManager needs scopes, and a redirect URI for a confidential client", async () => {
  await using fake = await startFakeGlobus();
  const flow = new CommandLineLoginFlowManager(nativeClient(fake), { io: recordingIo() });
  await assert.rejects(flow.runLoginFlow({ requiredScopes: [] }), GlobusSDKUsageError);
  const confidential = new ConfidentialAppAuthClient(
    CONFIDENTIAL_CLIENT_ID,
    CONFIDENTIAL_CLIENT_SECRET,
    { baseUrl: fake.authUrl },
  );
  assert.throws(
    () => new CommandLineLoginFlowManager(confidential),
    (e) => e instanceof GlobusSDKUsageError && /explicit redirectUri/.test(e.message),
  );
  const io = recordingIo([() => fake.loginCode(firstUrl(io.text()), "alice")]);
  const withUri = new CommandLineLoginFlowManager(confidential, {
    io,
    redirectUri: "https://example.org/cb",
  });
  const tokens = await withUri.runLoginFlow({ requiredScopes: "openid" });
  assert.equal(tokens.byResourceServer["auth.globus.org"]?.scope, "openid");
});
