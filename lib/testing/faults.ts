/**
 * Injected failures and the request log of a fake Globus.
 *
 * @module
 */

import { DROP_CONNECTION, type Http1Answer } from "./http1.ts";
import { html, json, randomToken } from "./http_util.ts";

/**
 * A failure to inject. The first fault (in the order added) whose `method`
 * and `pathPrefix` match a request applies to it, and is used up after
 * `times` requests. Effects combine in this order: wait `delayMs`; then drop
 * the connection, or answer `redirectTo`, `hugeBody`, `body`, `notJson`, or
 * `status` with a JSON error body; if only `delayMs` is set, the request is
 * then served normally. The hostile answers (`redirectTo`, `hugeBody`,
 * `body` with control characters or a wrong shape) are what a server a
 * client should not trust might send.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Fault } from "./faults.ts";
 * import { startFakeGlobus } from "./fake_globus.ts";
 *
 * await using fake = await startFakeGlobus();
 * const flaky: Fault = { pathPrefix: "/v2/oauth2/token", method: "POST", status: 500, times: 2 };
 * fake.addFault(flaky);
 * const post = async () => {
 *   const res = await fetch(`${fake.authUrl}v2/oauth2/token`, {
 *     method: "POST",
 *     body: new URLSearchParams({ "grant_type": "client_credentials" }),
 *   });
 *   await res.body?.cancel();
 *   return res.status;
 * };
 * // Two failures, then the real answer (401: the request names no client).
 * assert.deepEqual([await post(), await post(), await post()], [500, 500, 401]);
 * ```
 */
export interface Fault {
  /** Matches request paths that start with this (e.g. `/v2/oauth2/token`, `/v2/groups/`). */
  pathPrefix: string;
  /** Only requests with this HTTP method (any case); all methods when absent. */
  method?: string;
  /** HTTP status to answer, with body `{"code":"FakeFault","message":…,"request_id":…}`. */
  status?: number;
  /** Value of a `Retry-After` header on the answer. */
  retryAfter?: string;
  /** How many matching requests the fault applies to (default 1; `Infinity` for all). */
  times?: number;
  /** Wait this long before answering (or before serving normally). */
  delayMs?: number;
  /** Close the socket without any HTTP answer: the client's `fetch` rejects with a TypeError. */
  dropConnection?: boolean;
  /** Answer an HTML (non-JSON) body, with `status` or 200. */
  notJson?: boolean;
  /** Answer this JSON value as the body, with `status` or 200 (e.g. a list of nulls). */
  body?: unknown;
  /** Answer a redirect to this URL, with `status` or 307 (a client must not follow it). */
  redirectTo?: string;
  /**
   * Answer a body of this many bytes with `status` or 200, generated while
   * it is sent (never held in memory). `declareLength` sends a
   * `Content-Length`; otherwise the body is chunked, its size unknown until the end.
   */
  hugeBody?: { bytes: number; declareLength?: boolean };
}

/**
 * One request as the fake saw it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RequestLogEntry } from "./faults.ts";
 * import { TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import { startFakeGlobus } from "./fake_globus.ts";
 *
 * await using fake = await startFakeGlobus();
 * const res = await fetch(`${fake.authUrl}v2/oauth2/token`, {
 *   method: "POST",
 *   body: new URLSearchParams({
 *     "grant_type": "refresh_token",
 *     "client_id": TUTORIAL_CLIENT_ID,
 *     "refresh_token": "never-issued",
 *   }),
 * });
 * await res.body?.cancel();
 * const entry: RequestLogEntry | undefined = fake.requests.at(-1);
 * assert.deepEqual(entry, {
 *   method: "POST",
 *   path: "/v2/oauth2/token",
 *   grantType: "refresh_token",
 *   status: 400,
 *   clientId: TUTORIAL_CLIENT_ID,
 * });
 * ```
 */
export interface RequestLogEntry {
  /** HTTP method. */
  method: string;
  /** Path without the query string. */
  path: string;
  /** `grant_type` of a token request. */
  grantType?: string;
  /** HTTP status answered; 0 when the connection was dropped. */
  status: number;
  /** The calling client (form `client_id`, Basic user, or the Bearer token's client). */
  clientId?: string;
  /** True when an injected fault decided the answer. */
  faulted?: boolean;
}

/**
 * The list of pending faults.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FaultList } from "./faults.ts";
 *
 * const faults = new FaultList();
 * faults.add({ pathPrefix: "/v2/groups/", status: 503, times: 2 });
 * assert.equal(faults.pending, 2);
 * assert.equal(faults.take("GET", "/v2/groups/my_groups")?.status, 503);
 * assert.equal(faults.take("POST", "/v2/oauth2/token"), undefined); // another path
 * assert.equal(faults.take("get", "/v2/groups/my_groups")?.status, 503);
 * assert.equal(faults.take("GET", "/v2/groups/my_groups"), undefined); // used up
 * assert.equal(faults.pending, 0);
 * ```
 */
export class FaultList {
  #faults: { fault: Fault; left: number }[] = [];

  /** Adds a fault after the existing ones. */
  add(fault: Fault): void {
    const left = fault.times ?? 1;
    if (!(left > 0)) throw new RangeError("Fault.times must be a positive number");
    this.#faults.push({ fault: { ...fault }, left });
  }

  /** Removes every fault. */
  clear(): void {
    this.#faults = [];
  }

  /** How many requests the faults still apply to (Infinity when one applies forever). */
  get pending(): number {
    return this.#faults.reduce((sum, { left }) => sum + left, 0);
  }

  /** The fault for this request, if any, counting one use of it. */
  take(method: string, path: string): Fault | undefined {
    const i = this.#faults.findIndex(({ fault }) =>
      path.startsWith(fault.pathPrefix) &&
      (fault.method === undefined || fault.method.toUpperCase() === method.toUpperCase())
    );
    const entry = this.#faults[i];
    if (!entry) return undefined;
    if (--entry.left <= 0) this.#faults.splice(i, 1);
    return entry.fault;
  }
}

/** Waits `ms`, or less if `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

/**
 * Carries out a fault: waits, then returns the answer it dictates, or
 * `undefined` when the request should be served normally.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DROP_CONNECTION } from "./http1.ts";
 * import { applyFault } from "./faults.ts";
 *
 * const signal = new AbortController().signal;
 * const res = await applyFault({ pathPrefix: "/", status: 429, retryAfter: "1" }, signal);
 * assert.ok(res instanceof Response);
 * assert.equal(res.status, 429);
 * assert.equal(res.headers.get("retry-after"), "1");
 * assert.equal((await res.json()).code, "FakeFault");
 * assert.equal(await applyFault({ pathPrefix: "/", dropConnection: true }, signal), DROP_CONNECTION);
 * assert.equal(await applyFault({ pathPrefix: "/", delayMs: 1 }, signal), undefined); // served normally
 * ```
 */
export async function applyFault(
  fault: Fault,
  signal: AbortSignal,
): Promise<Http1Answer | undefined> {
  if (fault.delayMs !== undefined && fault.delayMs > 0) await sleep(fault.delayMs, signal);
  if (fault.dropConnection) return DROP_CONNECTION;
  const headers: Record<string, string> = fault.retryAfter !== undefined
    ? { "retry-after": fault.retryAfter }
    : {};
  if (fault.redirectTo !== undefined) {
    return new Response(null, {
      status: fault.status ?? 307,
      headers: { ...headers, location: fault.redirectTo },
    });
  }
  if (fault.hugeBody !== undefined) return hugeAnswer(fault.status ?? 200, fault.hugeBody, headers);
  if (fault.body !== undefined) return json(fault.status ?? 200, fault.body, headers);
  if (fault.notJson) {
    const status = fault.status ?? 200;
    return html(status, `<html><body><h1>${status} Fake upstream page</h1></body></html>`, headers);
  }
  if (fault.status !== undefined) {
    return json(fault.status, {
      code: "FakeFault",
      message: `Injected fault: HTTP ${fault.status}`,
      request_id: randomToken(9),
    }, headers);
  }
  return undefined;
}

/** 64 KiB of `[[[…`: JSON that never ends, so only a size limit stops a reader. */
const HUGE_CHUNK = new TextEncoder().encode("[".repeat(64 * 1024));

/** A body of `bytes` bytes, produced chunk by chunk as the client reads. */
function hugeAnswer(
  status: number,
  huge: { bytes: number; declareLength?: boolean },
  headers: Record<string, string>,
): Response {
  let left = huge.bytes;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left <= 0) return controller.close();
      const chunk = left >= HUGE_CHUNK.length ? HUGE_CHUNK : HUGE_CHUNK.subarray(0, left);
      left -= chunk.length;
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return new Response(body, {
    status,
    headers: {
      ...headers,
      "content-type": "application/json",
      ...(huge.declareLength
        ? { "content-length": String(huge.bytes) }
        : { "transfer-encoding": "chunked" }),
    },
  });
}
