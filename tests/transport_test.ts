/**
 * Unit tests of lib/transport.ts: headers, the retry policy, `Retry-After`,
 * error conversion, timeouts and cancellation. `fetch`, sleep, random and the
 * clock are all fakes; only the timeout tests use a real (50 ms) timer.
 */

import assert from "node:assert/strict";
import {
  GlobusConnectionError,
  GlobusSDKUsageError,
  GlobusTimeoutError,
  NetworkError,
} from "../lib/core/errors.ts";
import { parseRetryAfter, Transport, type TransportOptions } from "../lib/core/transport.ts";
import { VERSION } from "../lib/core/version.ts";

// ---- fakes -------------------------------------------------------------------

/** What the fake fetch saw on one call. */
interface Call {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
  signal: AbortSignal | undefined;
}

/** One scripted answer: a Response, or a throw (an Error), computed per call. */
type Step = (init: RequestInit) => Response | Promise<Response>;

function respond(status: number, body = "", headers: Record<string, string> = {}): Step {
  return () =>
    new Response(body === "" ? null : body, { status, statusText: `status ${status}`, headers });
}

function fail(error: () => Error): Step {
  return () => {
    throw error();
  };
}

/** Deno's `fetch` error for a refused connection (nothing reached the server). */
const connectRefused = () =>
  new TypeError("fetch failed", {
    cause: new Error(
      "error sending request for url (http://127.0.0.1:1/x): client error (Connect): tcp connect error: Connection refused (os error 111)",
    ),
  });

/** Deno's `fetch` error for a connection dropped after the request was sent. */
const droppedAfterSend = () =>
  new TypeError("fetch failed", {
    cause: new Error(
      "error sending request for url (http://127.0.0.1:1/x): client error (SendRequest): connection closed before message completed",
    ),
  });

/** Deno's `fetch` error for an invalid URL. */
const invalidUrl = () => new TypeError("Invalid URL: 'notaurl/x'");

/** A fetch that never answers by itself: it rejects when its signal aborts. */
const hang: Step = (init) =>
  new Promise((_resolve, reject) => {
    const signal = init.signal!;
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

/**
 * A transport with scripted answers (the last one repeats), recorded sleeps
 * and a fixed jitter of 0.9: backoff sleeps are then 700, 1400, 2800, 5600
 * and 10 000 (capped) ms.
 */
function harness(steps: Step[], options: TransportOptions = {}) {
  const calls: Call[] = [];
  const sleeps: number[] = [];
  const fakeFetch: typeof fetch = async (input, init = {}) => {
    calls.push({
      url: String(input),
      method: init.method ?? "GET",
      headers: new Headers(init.headers),
      body: typeof init.body === "string" ? init.body : undefined,
      signal: init.signal ?? undefined,
    });
    const step = steps[Math.min(calls.length, steps.length) - 1]!;
    return await step(init);
  };
  const transport = new Transport({
    fetch: fakeFetch,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.9,
    now: () => NOW,
    env: () => undefined,
    ...options,
  });
  return { transport, calls, sleeps };
}

const URL_X = "https://groups.api.globus.org/v2/groups/x";
const BACKOFF_5 = [700, 1400, 2800, 5600, 10_000];

// ---- headers and the happy path ------------------------------------------------

Deno.test("Transport.request() sends one GET with Accept, User-Agent and X-Globus-Client-Info and returns the answer", async () => {
  const { transport, calls, sleeps } = harness([
    respond(200, '{"ok":true}', { "content-type": "application/json", "x-request-id": "r1" }),
  ]);
  const res = await transport.request({ method: "GET", url: URL_X });
  assert.equal(res.status, 200);
  assert.equal(res.statusText, "status 200");
  assert.equal(res.text, '{"ok":true}');
  assert.equal(res.headers.get("x-request-id"), "r1");
  assert.equal(calls.length, 1);
  assert.equal(sleeps.length, 0);
  const call = calls[0]!;
  assert.equal(call.url, URL_X);
  assert.equal(call.method, "GET");
  assert.equal(call.body, undefined);
  assert.deepEqual([...call.headers], [
    ["accept", "application/json"],
    ["user-agent", `globus-deno-sdk-${VERSION}`],
    ["x-globus-client-info", `product=deno-sdk,version=${VERSION}`],
  ]);
  assert.equal(VERSION, "0.1.0");
  assert.equal(transport.userAgent, "globus-deno-sdk-0.1.0");
});

Deno.test("Transport appends appName to the User-Agent as globus-deno-sdk-<VERSION>/<appName>", async () => {
  const { transport, calls } = harness([respond(200)], { appName: "list-groups" });
  assert.equal(transport.userAgent, `globus-deno-sdk-${VERSION}/list-groups`);
  await transport.request({ method: "GET", url: URL_X });
  assert.equal(calls[0]!.headers.get("user-agent"), "globus-deno-sdk-0.1.0/list-groups");
});

Deno.test("Transport.request() merges caller headers over the defaults, case-insensitively", async () => {
  const { transport, calls } = harness([respond(200)]);
  await transport.request({
    method: "GET",
    url: URL_X,
    headers: { "Authorization": "Bearer tok", "accept": "application/vnd.api+json" },
  });
  const headers = calls[0]!.headers;
  assert.equal(headers.get("authorization"), "Bearer tok");
  // Replaced, not "application/json, application/vnd.api+json".
  assert.equal(headers.get("accept"), "application/vnd.api+json");
  assert.equal(headers.get("user-agent"), "globus-deno-sdk-0.1.0");
});

Deno.test("Transport.request() sends a POST body and its Content-Type unchanged", async () => {
  const { transport, calls } = harness([respond(200)]);
  await transport.request({
    method: "POST",
    url: "https://auth.globus.org/v2/oauth2/token",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=refresh_token&refresh_token=rt",
  });
  assert.equal(calls[0]!.method, "POST");
  assert.equal(calls[0]!.body, "grant_type=refresh_token&refresh_token=rt");
  assert.equal(calls[0]!.headers.get("content-type"), "application/x-www-form-urlencoded");
});

Deno.test("Transport.request() gives fetch its own AbortSignal, not undefined", async () => {
  const { transport, calls } = harness([respond(200)]);
  await transport.request({ method: "GET", url: URL_X });
  assert.ok(calls[0]!.signal instanceof AbortSignal);
  assert.equal(calls[0]!.signal.aborted, false);
});

// ---- GET retry policy ------------------------------------------------------------

for (const status of [429, 500, 502, 503, 504]) {
  Deno.test(`Transport.request() retries a GET once after ${status} (no Retry-After) with a 700 ms backoff`, async () => {
    const { transport, calls, sleeps } = harness([respond(status), respond(200, "fine")]);
    const res = await transport.request({ method: "GET", url: URL_X });
    assert.equal(res.status, 200);
    assert.equal(res.text, "fine");
    assert.equal(calls.length, 2);
    assert.deepEqual(sleeps, [700]);
  });
}

for (const status of [400, 401, 403, 404, 409, 501]) {
  Deno.test(`Transport.request() returns a GET's ${status} at once, without retrying`, async () => {
    const { transport, calls, sleeps } = harness([respond(status, "no"), respond(200)]);
    const res = await transport.request({ method: "GET", url: URL_X });
    assert.equal(res.status, status);
    assert.equal(res.text, "no");
    assert.equal(calls.length, 1);
    assert.deepEqual(sleeps, []);
  });
}

Deno.test("Transport.request() makes 6 attempts for a GET answered 500 every time, sleeping 700/1400/2800/5600/10000 ms, and returns the last 500", async () => {
  const { transport, calls, sleeps } = harness([respond(500, "boom")]);
  const res = await transport.request({ method: "GET", url: URL_X });
  assert.equal(res.status, 500);
  assert.equal(res.text, "boom");
  assert.equal(calls.length, 6);
  assert.deepEqual(sleeps, BACKOFF_5);
});

Deno.test("Transport backoff is (0.25 + 0.5·random)·2^attempt seconds, one random draw per sleep", async () => {
  const draws = [0, 0.5, 0, 0.5, 0];
  let i = 0;
  const { transport, calls, sleeps } = harness([respond(502)], { random: () => draws[i++]! });
  await transport.request({ method: "GET", url: URL_X });
  assert.equal(calls.length, 6);
  assert.equal(i, 5);
  assert.deepEqual(sleeps, [250, 1000, 1000, 4000, 4000]);
});

Deno.test("Transport with maxSleepMs 1500 caps every backoff at 1500 ms", async () => {
  const { transport, sleeps } = harness([respond(504)], { maxSleepMs: 1500 });
  await transport.request({ method: "GET", url: URL_X });
  assert.deepEqual(sleeps, [700, 1400, 1500, 1500, 1500]);
});

Deno.test("Transport with maxRetries 0 makes exactly one attempt and never sleeps", async () => {
  const { transport, calls, sleeps } = harness([respond(503)], { maxRetries: 0 });
  const res = await transport.request({ method: "GET", url: URL_X });
  assert.equal(res.status, 503);
  assert.equal(calls.length, 1);
  assert.deepEqual(sleeps, []);
});

Deno.test("Transport with maxRetries 2 makes 3 attempts with 2 sleeps", async () => {
  const { transport, calls, sleeps } = harness([respond(500)], { maxRetries: 2 });
  assert.equal(transport.maxRetries, 2);
  await transport.request({ method: "GET", url: URL_X });
  assert.equal(calls.length, 3);
  assert.deepEqual(sleeps, [700, 1400]);
});

Deno.test("Transport has the Python defaults: 5 retries, 10 000 ms sleep cap, 60 s timeout", () => {
  const transport = new Transport({ env: () => undefined });
  assert.equal(transport.maxRetries, 5);
  assert.equal(transport.maxSleepMs, 10_000);
  assert.equal(transport.timeoutMs, 60_000);
});

Deno.test("Transport.request() retries PUT and DELETE on 500 (idempotent by default) but not PATCH", async () => {
  for (const method of ["PUT", "DELETE", "HEAD", "OPTIONS"]) {
    const { transport, calls } = harness([respond(500), respond(204)]);
    const res = await transport.request({ method, url: URL_X });
    assert.equal(res.status, 204, method);
    assert.equal(calls.length, 2, method);
  }
  const { transport, calls } = harness([respond(500), respond(204)]);
  const res = await transport.request({ method: "PATCH", url: URL_X });
  assert.equal(res.status, 500);
  assert.equal(calls.length, 1);
});

Deno.test("Transport.request() honours idempotent: true on a POST (retried on 500) and idempotent: false on a GET (not retried)", async () => {
  const post = harness([respond(500), respond(201)]);
  const res = await post.transport.request({ method: "POST", url: URL_X, idempotent: true });
  assert.equal(res.status, 201);
  assert.equal(post.calls.length, 2);
  assert.deepEqual(post.sleeps, [700]);

  const get = harness([respond(500), respond(200)]);
  const res2 = await get.transport.request({ method: "GET", url: URL_X, idempotent: false });
  assert.equal(res2.status, 500);
  assert.equal(get.calls.length, 1);
});

// ---- POST retry policy (W16) ---------------------------------------------------------

for (const status of [500, 502, 503, 504]) {
  Deno.test(`Transport.request() does not retry a POST answered ${status} without Retry-After`, async () => {
    const { transport, calls, sleeps } = harness([respond(status), respond(200)]);
    const res = await transport.request({ method: "POST", url: URL_X, body: "code=abc" });
    assert.equal(res.status, status);
    assert.equal(calls.length, 1);
    assert.deepEqual(sleeps, []);
  });
}

Deno.test("Transport.request() retries a POST after 429 without Retry-After, with backoff, resending the same body and headers", async () => {
  const { transport, calls, sleeps } = harness([respond(429), respond(200)]);
  const res = await transport.request({
    method: "POST",
    url: URL_X,
    body: "code=abc",
    headers: { "Authorization": "Basic Y2lkOnNlY3JldA==" },
  });
  assert.equal(res.status, 200);
  assert.equal(calls.length, 2);
  assert.deepEqual(sleeps, [700]);
  assert.deepEqual(calls.map((c) => c.body), ["code=abc", "code=abc"]);
  assert.deepEqual(calls.map((c) => c.headers.get("authorization")), [
    "Basic Y2lkOnNlY3JldA==",
    "Basic Y2lkOnNlY3JldA==",
  ]);
});

Deno.test("Transport.request() retries a POST after 503 with Retry-After: 2 and sleeps 2000 ms", async () => {
  const { transport, calls, sleeps } = harness([
    respond(503, "", { "Retry-After": "2" }),
    respond(200),
  ]);
  const res = await transport.request({ method: "POST", url: URL_X, body: "x" });
  assert.equal(res.status, 200);
  assert.equal(calls.length, 2);
  assert.deepEqual(sleeps, [2000]);
});

Deno.test("Transport.request() gives a POST answered 429 every time 6 attempts and returns the 429", async () => {
  const { transport, calls, sleeps } = harness([respond(429, "slow down")]);
  const res = await transport.request({ method: "POST", url: URL_X });
  assert.equal(res.status, 429);
  assert.equal(res.text, "slow down");
  assert.equal(calls.length, 6);
  assert.deepEqual(sleeps, BACKOFF_5);
});

// ---- Retry-After -------------------------------------------------------------------

Deno.test("Transport.request() retries a GET after 503 with Retry-After: 2 and sleeps 2000 ms", async () => {
  const { transport, calls, sleeps } = harness([
    respond(503, "", { "Retry-After": "2" }),
    respond(200),
  ]);
  const res = await transport.request({ method: "GET", url: URL_X });
  assert.equal(res.status, 200);
  assert.equal(calls.length, 2);
  assert.deepEqual(sleeps, [2000]);
});

Deno.test("Transport.request() sleeps what Retry-After says on 429: ' 2 ' → 2000, '1.5' → 1500, '0' → 0; '-3' says nothing: the 700 ms backoff", async () => {
  for (
    const [value, expected] of [[" 2 ", 2000], ["1.5", 1500], ["0", 0], ["-3", 700], [
      "10",
      10_000,
    ]] as const
  ) {
    const { transport, calls, sleeps } = harness([
      respond(429, "", { "Retry-After": value }),
      respond(200),
    ]);
    const res = await transport.request({ method: "GET", url: URL_X });
    assert.equal(res.status, 200, value);
    assert.equal(calls.length, 2, value);
    assert.deepEqual(sleeps, [expected], value);
  }
});

Deno.test("Transport.request() reads an HTTP-date Retry-After against the injected clock (4 s ahead → 4000 ms)", async () => {
  const date = new Date(NOW + 4000).toUTCString(); // "Thu, 01 Jan 2026 12:00:04 GMT"
  assert.equal(date, "Thu, 01 Jan 2026 12:00:04 GMT");
  const { transport, sleeps } = harness([respond(503, "", { "Retry-After": date }), respond(200)]);
  await transport.request({ method: "GET", url: URL_X });
  assert.deepEqual(sleeps, [4000]);
});

Deno.test("Transport.request() sleeps at least the normal backoff for an HTTP-date Retry-After in the past (no burst of six requests)", async () => {
  const past = { "Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT" };
  const { transport, calls, sleeps } = harness([respond(503, "", past)]);
  const res = await transport.request({ method: "GET", url: URL_X });
  assert.equal(res.status, 503);
  assert.equal(calls.length, 6);
  assert.deepEqual(sleeps, BACKOFF_5);
});

Deno.test("Transport.request() does not retry when Retry-After (11 s) exceeds the 10 s cap and returns the 503", async () => {
  const { transport, calls, sleeps } = harness([
    respond(503, "maintenance", { "Retry-After": "11" }),
    respond(200),
  ]);
  const res = await transport.request({ method: "GET", url: URL_X });
  assert.equal(res.status, 503);
  assert.equal(res.text, "maintenance");
  assert.equal(res.headers.get("retry-after"), "11");
  assert.equal(calls.length, 1);
  assert.deepEqual(sleeps, []);
});

Deno.test("Transport.request() returns a 429 whose HTTP-date Retry-After is 30 s away (over the cap) without retrying", async () => {
  const { transport, calls, sleeps } = harness([
    respond(429, "", { "Retry-After": new Date(NOW + 30_000).toUTCString() }),
  ]);
  const res = await transport.request({ method: "POST", url: URL_X });
  assert.equal(res.status, 429);
  assert.equal(calls.length, 1);
  assert.deepEqual(sleeps, []);
});

Deno.test("Transport.request() honours a Retry-After of 3 s once maxSleepMs is raised to 5000", async () => {
  const { transport, sleeps } = harness([respond(503, "", { "Retry-After": "3" }), respond(200)], {
    maxSleepMs: 5000,
  });
  await transport.request({ method: "GET", url: URL_X });
  assert.deepEqual(sleeps, [3000]);
});

Deno.test("Transport.request() falls back to backoff for an unreadable Retry-After on a GET 503 and a POST 429, and does not retry a POST 503", async () => {
  const get = harness([respond(503, "", { "Retry-After": "soon" }), respond(200)]);
  assert.equal((await get.transport.request({ method: "GET", url: URL_X })).status, 200);
  assert.deepEqual(get.sleeps, [700]);

  const post429 = harness([respond(429, "", { "Retry-After": "soon" }), respond(200)]);
  assert.equal((await post429.transport.request({ method: "POST", url: URL_X })).status, 200);
  assert.deepEqual(post429.sleeps, [700]);

  const post503 = harness([respond(503, "", { "Retry-After": "soon" }), respond(200)]);
  assert.equal((await post503.transport.request({ method: "POST", url: URL_X })).status, 503);
  assert.equal(post503.calls.length, 1);
});

Deno.test("Transport.request() ignores Retry-After on a 500 (only 429 and 503 carry it) and uses backoff", async () => {
  const { transport, sleeps } = harness([respond(500, "", { "Retry-After": "3" }), respond(200)]);
  await transport.request({ method: "GET", url: URL_X });
  assert.deepEqual(sleeps, [700]);
});

Deno.test("parseRetryAfter() reads seconds, fractions and the three HTTP-date forms, never negative", () => {
  assert.equal(parseRetryAfter(null, NOW), undefined);
  assert.equal(parseRetryAfter("", NOW), undefined);
  assert.equal(parseRetryAfter("   ", NOW), undefined);
  assert.equal(parseRetryAfter("2", NOW), 2000);
  assert.equal(parseRetryAfter(" 2 ", NOW), 2000);
  assert.equal(parseRetryAfter("0.25", NOW), 250);
  assert.equal(parseRetryAfter("0", NOW), 0);
  assert.equal(parseRetryAfter("-5", NOW), 0);
  assert.equal(parseRetryAfter("-0.5", NOW), 0);
  assert.equal(parseRetryAfter("Thu, 01 Jan 2026 12:00:09 GMT", NOW), 9000);
  assert.equal(parseRetryAfter("Thursday, 01-Jan-26 12:00:09 GMT", NOW), 9000);
  // asctime carries no zone, but HTTP dates are GMT whatever the local zone.
  assert.equal(parseRetryAfter("Thu Jan  1 12:00:09 2026", NOW), 9000);
  assert.equal(parseRetryAfter("Thu, 01 Jan 2026 11:00:00 GMT", NOW), 0);
});

Deno.test("parseRetryAfter() refuses what is neither seconds nor an HTTP-date, even what Date.parse accepts", () => {
  for (
    const value of ["soon", "1e3", "+2", ".5", "1 2", "2 seconds", "0x10", "Infinity", "tomorrow"]
  ) {
    assert.equal(parseRetryAfter(value, NOW), undefined, value);
  }
});

// ---- network errors ------------------------------------------------------------------

Deno.test("Transport.request() retries a GET whose connection is refused 5 times, then throws GlobusConnectionError", async () => {
  const { transport, calls, sleeps } = harness([fail(connectRefused)]);
  const err = await transport.request({ method: "GET", url: "http://127.0.0.1:1/x" }).then(
    () => assert.fail("no error"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof GlobusConnectionError);
  assert.ok(err instanceof NetworkError);
  assert.equal(
    err.message,
    "GET http://127.0.0.1:1/x failed: tcp connect error: Connection refused (os error 111)",
  );
  assert.ok(err.cause instanceof TypeError);
  assert.equal(err.cause.message, "fetch failed");
  assert.equal(calls.length, 6);
  assert.deepEqual(sleeps, BACKOFF_5);
});

Deno.test("Transport.request() retries a POST whose connection is refused (it never reached the server)", async () => {
  const { transport, calls, sleeps } = harness([
    fail(connectRefused),
    fail(connectRefused),
    respond(200, "ok"),
  ]);
  const res = await transport.request({ method: "POST", url: "http://127.0.0.1:1/x", body: "a=1" });
  assert.equal(res.status, 200);
  assert.equal(calls.length, 3);
  assert.deepEqual(sleeps, [700, 1400]);
});

Deno.test("Transport.request() gives a POST refused every time 6 attempts, then GlobusConnectionError", async () => {
  const { transport, calls } = harness([fail(connectRefused)]);
  await assert.rejects(
    transport.request({ method: "POST", url: "http://127.0.0.1:1/x" }),
    GlobusConnectionError,
  );
  assert.equal(calls.length, 6);
});

Deno.test("Transport.request() retries a GET whose connection dropped after sending, and succeeds", async () => {
  const { transport, calls, sleeps } = harness([fail(droppedAfterSend), respond(200)]);
  const res = await transport.request({ method: "GET", url: URL_X });
  assert.equal(res.status, 200);
  assert.equal(calls.length, 2);
  assert.deepEqual(sleeps, [700]);
});

Deno.test("Transport.request() does not retry a POST whose connection dropped after sending: GlobusConnectionError at once", async () => {
  const { transport, calls, sleeps } = harness([fail(droppedAfterSend), respond(200)]);
  await assert.rejects(
    transport.request({ method: "POST", url: "http://127.0.0.1:1/x" }),
    (e: unknown) => {
      assert.ok(e instanceof GlobusConnectionError);
      assert.equal(
        e.message,
        "POST http://127.0.0.1:1/x failed: connection closed before message completed",
      );
      return true;
    },
  );
  assert.equal(calls.length, 1);
  assert.deepEqual(sleeps, []);
});

Deno.test("Transport.request() throws NetworkError at once, without retry, for an invalid URL", async () => {
  const { transport, calls, sleeps } = harness([fail(invalidUrl)]);
  const err = await transport.request({ method: "GET", url: "notaurl/x" }).then(
    () => assert.fail("no error"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof NetworkError);
  assert.ok(!(err instanceof GlobusConnectionError));
  assert.ok(!(err instanceof GlobusTimeoutError));
  assert.equal(err.message, "GET notaurl/x could not be sent: Invalid URL: 'notaurl/x'");
  assert.ok(err.cause instanceof TypeError);
  assert.equal(calls.length, 1);
  assert.deepEqual(sleeps, []);
});

Deno.test("Transport.request() does not retry a certificate failure, even though it happened while connecting", async () => {
  const { transport, calls } = harness([
    fail(() =>
      new TypeError("fetch failed", {
        cause: new Error(
          "error sending request for url (https://self-signed.example/): client error (Connect): invalid peer certificate: UnknownIssuer",
        ),
      })
    ),
  ]);
  const err = await transport.request({ method: "GET", url: "https://self-signed.example/" }).then(
    () => assert.fail("no error"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof NetworkError);
  assert.ok(!(err instanceof GlobusConnectionError));
  assert.equal(
    err.message,
    "GET https://self-signed.example/ could not be sent: invalid peer certificate: UnknownIssuer",
  );
  assert.equal(calls.length, 1);
});

Deno.test("Transport.request() wraps an unexpected non-TypeError from fetch in NetworkError without retrying", async () => {
  const { transport, calls } = harness([fail(() => new RangeError("weird"))]);
  const err = await transport.request({ method: "GET", url: URL_X }).then(
    () => assert.fail("no error"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof NetworkError);
  assert.equal(err.message, `GET ${URL_X} could not be sent: weird`);
  assert.ok(err.cause instanceof RangeError);
  assert.equal(calls.length, 1);
});

// ---- timeouts (real 50 ms timers) -----------------------------------------------------------

Deno.test("Transport.request() throws GlobusTimeoutError when fetch does not answer within httpTimeoutMs 0.05", async () => {
  const { transport, calls, sleeps } = harness([hang], { httpTimeoutMs: 50, maxRetries: 0 });
  assert.equal(transport.timeoutMs, 50);
  const started = performance.now();
  const err = await transport.request({ method: "GET", url: URL_X }).then(
    () => assert.fail("no error"),
    (e: unknown) => e,
  );
  assert.ok(performance.now() - started >= 40);
  assert.ok(err instanceof GlobusTimeoutError);
  assert.ok(err instanceof NetworkError);
  assert.equal(err.message, `GET ${URL_X} timed out after 0.05 s`);
  assert.ok(err.cause instanceof DOMException);
  assert.equal(err.cause.name, "TimeoutError");
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.signal!.aborted, true);
  assert.deepEqual(sleeps, []);
});

Deno.test("Transport.request() retries a GET that timed out (3 attempts with maxRetries 2), then throws GlobusTimeoutError", async () => {
  const { transport, calls, sleeps } = harness([hang], { httpTimeoutMs: 50, maxRetries: 2 });
  await assert.rejects(transport.request({ method: "GET", url: URL_X }), GlobusTimeoutError);
  assert.equal(calls.length, 3);
  assert.deepEqual(sleeps, [700, 1400]);
});

Deno.test("Transport.request() does not retry a POST that timed out (it may have been processed)", async () => {
  const { transport, calls, sleeps } = harness([hang, respond(200)], { httpTimeoutMs: 50 });
  await assert.rejects(transport.request({ method: "POST", url: URL_X }), GlobusTimeoutError);
  assert.equal(calls.length, 1);
  assert.deepEqual(sleeps, []);
});

Deno.test("Transport.request() times out a response whose body stalls, and recovers on the retry", async () => {
  const stalledBody: Step = (init) => {
    const signal = init.signal!;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"partial":'));
        signal.addEventListener("abort", () => controller.error(signal.reason), { once: true });
      },
    });
    return new Response(body, { status: 200 });
  };
  const { transport, calls, sleeps } = harness([stalledBody, respond(200, "whole")], {
    httpTimeoutMs: 50,
  });
  const res = await transport.request({ method: "GET", url: URL_X });
  assert.equal(res.text, "whole");
  assert.equal(calls.length, 2);
  assert.deepEqual(sleeps, [700]);
});

Deno.test("Transport with a timeout beyond setTimeout's 2^31-1 ms limit does not abort the request at once", async () => {
  const slowButFine: Step = async (init) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(init.signal!.aborted, false);
    return new Response("late", { status: 200 });
  };
  const { transport, calls } = harness([slowButFine], {
    httpTimeoutMs: 3_000_000_000,
    maxRetries: 0,
  });
  assert.equal(transport.timeoutMs, 3_000_000_000);
  const res = await transport.request({ method: "GET", url: URL_X });
  assert.equal(res.text, "late");
  assert.equal(calls.length, 1);
});

Deno.test("Transport with httpTimeoutMs -1 has no timeout (timeoutMs undefined)", async () => {
  const { transport } = harness([respond(200)], { httpTimeoutMs: -1 });
  assert.equal(transport.timeoutMs, undefined);
  assert.equal((await transport.request({ method: "GET", url: URL_X })).status, 200);
});

Deno.test("Transport takes GLOBUS_SDK_HTTP_TIMEOUT from its env reader, and httpTimeoutMs beats it", () => {
  const read: string[] = [];
  const env = (name: string) => {
    read.push(name);
    return name === "GLOBUS_SDK_HTTP_TIMEOUT" ? "2.5" : undefined;
  };
  assert.equal(new Transport({ env }).timeoutMs, 2500);
  assert.deepEqual(read, ["GLOBUS_SDK_HTTP_TIMEOUT"]);
  assert.equal(new Transport({ env: () => "-1" }).timeoutMs, undefined);
  assert.equal(new Transport({ env, httpTimeoutMs: 7000 }).timeoutMs, 7000);
});

Deno.test("new Transport() refuses a bad maxRetries, maxSleepMs or timeout", () => {
  assert.throws(() => new Transport({ maxRetries: -1 }), {
    name: "RangeError",
    message: "maxRetries must be a whole number ≥ 0, got -1",
  });
  assert.throws(() => new Transport({ maxRetries: 1.5 }), RangeError);
  assert.throws(() => new Transport({ maxSleepMs: -1 }), {
    name: "RangeError",
    message: "maxSleepMs must be ≥ 0, got -1",
  });
  assert.throws(() => new Transport({ maxSleepMs: NaN }), RangeError);
  assert.throws(
    () => new Transport({ httpTimeoutMs: 0, env: () => undefined }),
    GlobusSDKUsageError,
  );
  assert.throws(() => new Transport({ env: () => "" }), GlobusSDKUsageError);
});

// ---- cancellation ------------------------------------------------------------------------

Deno.test("Transport.request() rejects with the caller's abort reason when the signal fires during fetch, without retrying", async () => {
  const controller = new AbortController();
  const reason = new Error("user pressed Ctrl-C");
  const { transport, calls, sleeps } = harness([(init) => {
    const p = hang(init);
    controller.abort(reason);
    return p;
  }]);
  const err = await transport.request({ method: "GET", url: URL_X, signal: controller.signal })
    .then(
      () => assert.fail("no error"),
      (e: unknown) => e,
    );
  assert.equal(err, reason);
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.signal!.aborted, true);
  assert.deepEqual(sleeps, []);
});

Deno.test("Transport.request() sends nothing when the caller's signal is already aborted", async () => {
  const controller = new AbortController();
  controller.abort(new Error("too late"));
  const { transport, calls } = harness([respond(200)]);
  await assert.rejects(
    transport.request({ method: "GET", url: URL_X, signal: controller.signal }),
    { message: "too late" },
  );
  assert.equal(calls.length, 0);
});

Deno.test("Transport.request() makes no further attempt when the caller aborts during an injected sleep that ignores signals", async () => {
  const controller = new AbortController();
  const sleeps: number[] = [];
  const { transport, calls } = harness([respond(503)], {
    sleep: (ms) => {
      sleeps.push(ms);
      controller.abort(new Error("stop"));
      return Promise.resolve();
    },
  });
  await assert.rejects(
    transport.request({ method: "GET", url: URL_X, signal: controller.signal }),
    { message: "stop" },
  );
  assert.equal(calls.length, 1);
  assert.deepEqual(sleeps, [700]);
});

Deno.test("Transport's default sleep is cut short by the caller's signal (Retry-After 5 s, aborted at once)", async () => {
  const controller = new AbortController();
  const calls: string[] = [];
  const transport = new Transport({
    env: () => undefined,
    fetch: (input) => {
      calls.push(String(input));
      setTimeout(() => controller.abort(new Error("cancelled while sleeping")), 0);
      return Promise.resolve(new Response("", { status: 503, headers: { "Retry-After": "5" } }));
    },
  });
  const started = performance.now();
  await assert.rejects(
    transport.request({ method: "GET", url: URL_X, signal: controller.signal }),
    { message: "cancelled while sleeping" },
  );
  assert.ok(performance.now() - started < 2000);
  assert.deepEqual(calls, [URL_X]);
});

Deno.test("Transport.request() passes a missing --allow-net on as it is, without retrying", async () => {
  const { transport, calls, sleeps } = harness([
    fail(() =>
      new Deno.errors.NotCapable('Requires net access to "auth.sandbox.globuscs.info:443"')
    ),
  ]);
  await assert.rejects(
    () => transport.request({ method: "GET", url: URL_X }),
    (e: unknown) => e instanceof Deno.errors.NotCapable,
  );
  assert.equal(calls.length, 1);
  assert.deepEqual(sleeps, []);
});

Deno.test("a header fetch refuses is reported without its value, which may be a credential", async () => {
  const transport = new Transport({
    maxRetries: 0,
    fetch: () => Promise.reject(new TypeError('Invalid header value: "Bearer SECRET\u001b[2J"')),
  });
  await assert.rejects(
    () => transport.request({ method: "GET", url: "https://h/x" }),
    (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.doesNotMatch(e.message, /SECRET|Bearer/);
      assert.match(e.message, /a request header holds characters HTTP does not allow/);
      return true;
    },
  );
});
