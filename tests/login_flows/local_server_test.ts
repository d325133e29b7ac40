import assert from "node:assert/strict";
import { ConfidentialAppAuthClient } from "../../lib/mod.ts";
import {
  AuthAPIError,
  BrowserUnavailableError,
  GlobusSDKUsageError,
  LoginFlowError,
  LoginFlowTimeoutError,
} from "../../lib/mod.ts";
import { LocalServerLoginFlowManager } from "../../lib/login_flows/mod.ts";
import {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  type FakeGlobus,
  startFakeGlobus,
} from "../../lib/testing/mod.ts";
import { GROUPS_SCOPE, nativeClient, portIsFree, recordingIo } from "./_helpers.ts";

type Landing = { status: number; url: string; body: string };

/** A flow whose opener plays the browser with `play(url)`; records the landing and the port. */
function flowWith(
  fake: FakeGlobus,
  play: (url: string) => Promise<Landing>,
  options: { timeoutMs?: number } = {},
) {
  const seen: { url?: string; landing?: Promise<Landing> } = {};
  const io = recordingIo();
  const flow = new LocalServerLoginFlowManager(nativeClient(fake), {
    io,
    // A test that goes wrong fails in seconds, not after the default 5 minutes.
    timeoutMs: 15_000,
    ...options,
    openBrowser(url) {
      seen.url = url;
      seen.landing = play(url);
      // The flow must not wait for the page: it is answered only after the exchange.
      seen.landing.catch(() => {});
      return Promise.resolve();
    },
  });
  const port = () => Number(new URL(new URL(seen.url!).searchParams.get("redirect_uri")!).port);
  return { flow, io, seen, port };
}

Deno.test("LocalServerLoginFlowManager logs in through the loopback redirect", async () => {
  await using fake = await startFakeGlobus();
  const { flow, io, seen, port } = flowWith(
    fake,
    (url) => fake.playBrowser(url, { username: "alice" }),
  );
  const tokens = await flow.runLoginFlow({ requiredScopes: ["openid", GROUPS_SCOPE] });
  assert.equal(tokens.byResourceServer["groups.api.globus.org"]?.scope, GROUPS_SCOPE);

  const q = new URL(seen.url!).searchParams;
  assert.match(q.get("redirect_uri")!, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(q.get("state")!, /^[A-Za-z0-9_-]{43}$/);
  const landing = await seen.landing!;
  assert.equal(landing.status, 200);
  assert.match(landing.body, /<h1 id="login-result">Login successful<\/h1>/);
  assert.match(landing.body, /You can close this window/);
  // The URL is always printed, in case the browser did not open.
  assert.ok(io.text().includes(`go to this URL:\n\n${seen.url}\n`), io.text());
  assert.equal(portIsFree(port()), true);
  // The exchange repeated the exact loopback redirect URI (the fake checks it).
  assert.deepEqual(
    fake.requests.filter((r) => r.path === "/v2/oauth2/token").map((r) => r.status),
    [200],
  );
});

Deno.test("LocalServerLoginFlowManager sends a fresh state each login", async () => {
  await using fake = await startFakeGlobus();
  const states = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const { flow, seen } = flowWith(fake, (url) => fake.playBrowser(url, { username: "bob" }));
    await flow.runLoginFlow({ requiredScopes: "openid" });
    states.add(new URL(seen.url!).searchParams.get("state")!);
  }
  assert.equal(states.size, 3);
});

Deno.test("LocalServerLoginFlowManager refuses a redirect with a wrong state and goes on waiting for the real one", async () => {
  await using fake = await startFakeGlobus();
  const forgedLandings: Landing[] = [];
  const { flow, seen, port } = flowWith(fake, async (url) => {
    // Another local program (or a page) hits the port first with a state of its own.
    const redirect = new URL(url).searchParams.get("redirect_uri")!;
    for (const query of ["?code=forged&state=not-the-state", "?error=access_denied&state=x"]) {
      const res = await fetch(`${redirect}${query}`);
      forgedLandings.push({ status: res.status, url: res.url, body: await res.text() });
    }
    return await fake.playBrowser(url, { username: "alice" });
  });
  const tokens = await flow.runLoginFlow({ requiredScopes: "openid" });
  assert.ok(tokens.byResourceServer["auth.globus.org"], "the real login completed");
  assert.deepEqual(forgedLandings.map((l) => l.status), [400, 400]);
  for (const l of forgedLandings) assert.match(l.body, /state does not match/);
  const landing = await seen.landing!;
  assert.equal(landing.status, 200);
  assert.match(landing.body, /Login successful/);
  assert.equal(portIsFree(port()), true);
  assert.equal(fake.requests.filter((r) => r.path === "/v2/oauth2/token").length, 1);
});

Deno.test("LocalServerLoginFlowManager reports a declined login (access_denied)", async () => {
  await using fake = await startFakeGlobus();
  const { flow, seen, port } = flowWith(fake, (url) => fake.playBrowser(url, { decline: true }));
  await assert.rejects(
    flow.runLoginFlow({ requiredScopes: "openid" }),
    (e) =>
      e instanceof LoginFlowError && e.oauthError === "access_denied" &&
      /declined in the browser \(The user declined the request\.\)/.test(e.message),
  );
  const landing = await seen.landing!;
  assert.equal(landing.status, 400);
  assert.match(landing.body, /You declined the login: The user declined the request\./);
  assert.equal(portIsFree(port()), true);
});

Deno.test("LocalServerLoginFlowManager escapes what the redirect says, on the page and in the error", async () => {
  await using fake = await startFakeGlobus();
  const { flow, seen } = flowWith(fake, async (url) => {
    const q = new URL(url).searchParams;
    const back = new URL(q.get("redirect_uri")!);
    back.searchParams.set("error", "server_error");
    back.searchParams.set("error_description", "<script>x()</script>\u001b[2J");
    back.searchParams.set("state", q.get("state")!);
    const res = await fetch(back);
    return { status: res.status, url: back.href, body: await res.text() };
  });
  await assert.rejects(
    flow.runLoginFlow({ requiredScopes: "openid" }),
    (e) =>
      e instanceof LoginFlowError && e.oauthError === "server_error" &&
      e.message ===
        "Globus did not complete the login: server_error: <script>x()</script>\\u{1b}[2J",
  );
  const { body } = await seen.landing!;
  assert.doesNotMatch(body, /<script>/);
  assert.match(body, /&lt;script&gt;x\(\)&lt;\/script&gt;/);
});

/** One raw HTTP/1.1 GET (fetch will not send a Host header of our choosing); the status. */
async function rawGet(port: number, path: string, host: string): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(
      new TextEncoder().encode(
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      ),
    );
    let text = "";
    const buffer = new Uint8Array(4096);
    for (let n; (n = await conn.read(buffer)) !== null;) {
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
  } finally {
    conn.close();
  }
}

Deno.test("LocalServerLoginFlowManager ignores requests that are not the redirect", async () => {
  await using fake = await startFakeGlobus();
  const { flow, seen } = flowWith(fake, async (url) => {
    const q = new URL(url).searchParams;
    const port = Number(new URL(q.get("redirect_uri")!).port);
    const own = `127.0.0.1:${port}`;
    const answers = [
      await rawGet(port, "/favicon.ico", own),
      await rawGet(port, "/", own),
      // DNS rebinding: another site's name resolving to 127.0.0.1, with the right state even.
      await rawGet(port, `/?code=abc&state=${q.get("state")}`, `evil.example:${port}`),
    ];
    assert.deepEqual(answers, [404, 400, 400]);
    return fake.playBrowser(url, { username: "alice" });
  });
  const tokens = await flow.runLoginFlow({ requiredScopes: "openid" });
  assert.equal(tokens.byResourceServer["auth.globus.org"]?.scope, "openid");
  assert.equal((await seen.landing!).status, 200);
});

Deno.test("LocalServerLoginFlowManager says so on the page when Globus refuses the code", async () => {
  await using fake = await startFakeGlobus();
  const { flow, seen } = flowWith(fake, (url) => {
    fake.addFault({ pathPrefix: "/v2/oauth2/token", status: 400 });
    return fake.playBrowser(url, { username: "alice" });
  });
  await assert.rejects(flow.runLoginFlow({ requiredScopes: "openid" }), AuthAPIError);
  const landing = await seen.landing!;
  assert.equal(landing.status, 500);
  assert.match(landing.body, /Login failed/);
  assert.doesNotMatch(landing.body, /Login successful/);
});

Deno.test("LocalServerLoginFlowManager gives up after timeoutMs and releases the port", async () => {
  await using fake = await startFakeGlobus();
  const { flow, port } = flowWith(fake, () => new Promise(() => {}), { timeoutMs: 50 });
  await assert.rejects(
    flow.runLoginFlow({ requiredScopes: "openid" }),
    (e) =>
      e instanceof LoginFlowTimeoutError && e.timeoutMs === 50 && /0\.1 s|0\.05 s/.test(e.message),
  );
  assert.equal(portIsFree(port()), true);
});

Deno.test("LocalServerLoginFlowManager stops on abort and releases the port", async () => {
  await using fake = await startFakeGlobus();
  const controller = new AbortController();
  const { flow, port } = flowWith(fake, () => {
    setTimeout(() => controller.abort(new Error("interrupted (Ctrl-C)")), 20);
    return new Promise(() => {});
  });
  await assert.rejects(
    flow.runLoginFlow({ requiredScopes: "openid" }, { signal: controller.signal }),
    /interrupted \(Ctrl-C\)/,
  );
  assert.equal(portIsFree(port()), true);
});

Deno.test("LocalServerLoginFlowManager aborted while the browser waits answers it and releases the port", async () => {
  await using fake = await startFakeGlobus();
  const controller = new AbortController();
  const { flow, seen, port } = flowWith(fake, (url) => {
    // The exchange is held, then the login is aborted: the browser must still get a page.
    fake.addFault({ pathPrefix: "/v2/oauth2/token", delayMs: 10_000 });
    const landing = fake.playBrowser(url, { username: "alice" });
    const poll = setInterval(() => {
      if (fake.pendingFaults() === 0) {
        clearInterval(poll);
        controller.abort(new Error("stop"));
      }
    }, 5);
    return landing;
  });
  await assert.rejects(
    flow.runLoginFlow({ requiredScopes: "openid" }, { signal: controller.signal }),
    /stop/,
  );
  const landing = await seen.landing!;
  assert.equal(landing.status, 500);
  assert.match(landing.body, /Login failed/);
  assert.equal(portIsFree(port()), true);
  fake.clearFaults();
});

Deno.test("LocalServerLoginFlowManager falls through to the caller when the browser cannot open", async () => {
  await using fake = await startFakeGlobus();
  const io = recordingIo();
  let url = "";
  const flow = new LocalServerLoginFlowManager(nativeClient(fake), {
    io,
    openBrowser: (u) => {
      url = u;
      return Promise.reject(new Error("boom\u0007"));
    },
  });
  await assert.rejects(
    flow.runLoginFlow({ requiredScopes: "openid" }),
    (e) =>
      e instanceof BrowserUnavailableError &&
      e.reason === "the browser could not be opened (boom\\u{7})",
  );
  assert.equal(io.text(), "", "nothing printed: the caller falls back and prints its own URL");
  const port = Number(new URL(new URL(url).searchParams.get("redirect_uri")!).port);
  assert.equal(portIsFree(port), true);
});

Deno.test("new LocalServerLoginFlowManager() refuses a confidential client and bad options", async () => {
  await using fake = await startFakeGlobus();
  const confidential = new ConfidentialAppAuthClient(
    CONFIDENTIAL_CLIENT_ID,
    CONFIDENTIAL_CLIENT_SECRET,
    { baseUrl: fake.authUrl },
  );
  assert.throws(() => new LocalServerLoginFlowManager(confidential), GlobusSDKUsageError);
  const io = recordingIo();
  assert.throws(
    () => new LocalServerLoginFlowManager(nativeClient(fake), { io, timeoutMs: 0 }),
    RangeError,
  );
  assert.throws(
    () => new LocalServerLoginFlowManager(nativeClient(fake), { io, port: 70000 }),
    RangeError,
  );
});
