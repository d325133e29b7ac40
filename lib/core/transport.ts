/**
 * The HTTP transport: one `fetch` per attempt, each under a timeout, with
 * bounded, jittered retries for failures that a retry can fix.
 *
 * Defaults are the Python SDK's (5 retries, sleeps capped at 10 s, backoff
 * `(0.25 + 0.5·random)·2^attempt` s, `Retry-After` honoured on 429 and 503,
 * transient statuses 429/500/502/503/504, a 60 s timeout). Where Python is
 * weak this does better:
 * - a request that is not idempotent (a POST such as an authorization-code
 *   exchange) is retried only when it never reached the server (the
 *   connection was refused) or the server said "not now" (429, or 503 with
 *   `Retry-After`) (W16);
 * - configuration mistakes (an invalid URL, an unsupported scheme, a bad
 *   certificate) fail at once instead of after 20 s of retries (W17);
 * - `Retry-After` is read as seconds (fractions too) or as an HTTP date, never
 *   negative; a server asking for more than the sleep cap is not retried
 *   early but answered with its error (W14, W15).
 *
 * The transport knows nothing of tokens: 401 handling belongs to the client.
 *
 * @module
 */

import { getHttpTimeoutMs } from "./config.ts";
import type { EnvReader } from "./config.ts";
import { GlobusConnectionError, GlobusTimeoutError, NetworkError } from "./errors.ts";
import { VERSION } from "./version.ts";

/** Statuses after which the server may tell us when to come back. */
const RETRY_AFTER_STATUSES = new Set([429, 503]);
/** Statuses that usually mean "try again soon". */
const TRANSIENT_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Methods that may be repeated without changing the outcome (RFC 9110 §9.2.2). */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
/** The longest delay `setTimeout` honours; a longer one fires after 1 ms instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** An HTTP-date (IMF-fixdate, RFC 850 or asctime) always starts with a day name. */
const HTTP_DATE_START = /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s/i;

/** Options of a {@linkcode Transport}; every one has a sensible default. */
export interface TransportOptions {
  /** The `fetch` to use; tests pass a fake. Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Timeout of one attempt in seconds, `-1` for none. Default: `GLOBUS_SDK_HTTP_TIMEOUT`, else 60. */
  readonly httpTimeoutSeconds?: number;
  /** Retries after the first attempt. Default 5. */
  readonly maxRetries?: number;
  /** The longest sleep between attempts, in ms. Default 10 000. */
  readonly maxSleepMs?: number;
  /** Sleeps `ms` milliseconds; tests pass a fake clock's. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform random number in [0, 1), for backoff jitter. */
  readonly random?: () => number;
  /** The wall clock in ms, for `Retry-After` dates. */
  readonly now?: () => number;
  /** Appended to the User-Agent (`globus-deno-sdk-<version>/<appName>`), as Python's `app_name`. */
  readonly appName?: string;
  /** Where `GLOBUS_SDK_HTTP_TIMEOUT` is read from. */
  readonly env?: EnvReader;
}

/**
 * One logical request. The transport sends it once or more.
 *
 * @example
 * ```ts
 * import type { TransportRequest } from "./transport.ts";
 * const req: TransportRequest = { method: "GET", url: "https://groups.api.globus.org/v2/groups/my_groups" };
 * ```
 */
export interface TransportRequest {
  /** HTTP method, upper case. */
  readonly method: string;
  /** Absolute URL. */
  readonly url: string;
  /** Extra headers, merged over the defaults (e.g. `Authorization`, `Content-Type`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Request body. */
  readonly body?: string;
  /**
   * Whether repeating the request after it may have reached the server is
   * safe. Default: true for GET, HEAD, OPTIONS, PUT and DELETE.
   */
  readonly idempotent?: boolean;
  /** Cancels the request and any sleep between attempts. */
  readonly signal?: AbortSignal;
}

/**
 * A complete HTTP answer, body read.
 *
 * @example
 * ```ts
 * import type { TransportResponse } from "./transport.ts";
 * function ok(r: TransportResponse): boolean {
 *   return r.status < 400;
 * }
 * ```
 */
export interface TransportResponse {
  /** HTTP status. */
  readonly status: number;
  /** Reason phrase. */
  readonly statusText: string;
  /** Response headers. */
  readonly headers: Headers;
  /** The body as text. */
  readonly text: string;
}

/** Why a network failure happened, and whether a retry can help. */
type FailureKind = "connect" | "timeout" | "after-send" | "fatal";

function classify(error: unknown): FailureKind {
  if (error instanceof DOMException && error.name === "TimeoutError") return "timeout";
  if (!(error instanceof TypeError)) return "fatal";
  const cause = error.cause instanceof Error ? error.cause.message : "";
  if (/certificate|tls|ssl/i.test(cause)) return "fatal";
  if (cause.includes("(Connect)")) return "connect";
  // Deno reports URL and scheme mistakes with their own message and no cause.
  return error.message === "fetch failed" ? "after-send" : "fatal";
}

/**
 * Parses `Retry-After`: delay-seconds (fractions allowed) or an HTTP date.
 * Returns milliseconds (never negative), or undefined when absent or unreadable.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "./transport.ts";
 * console.log(parseRetryAfter(" 2 ", 0)); // 2000
 * ```
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Math.max(0, Number(trimmed) * 1000);
  // Date.parse is lenient ("+2", "1 2" and "2024" are dates to it): only
  // something shaped like an HTTP-date is read as one.
  if (!HTTP_DATE_START.test(trimmed)) return undefined;
  // HTTP dates are GMT; the asctime form does not say so and would be read as local time.
  const date = Date.parse(/\b(GMT|UTC)$/i.test(trimmed) ? trimmed : `${trimmed} GMT`);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Sends HTTP requests to Globus. Python: `RequestsTransport` with its `RetryConfig`.
 *
 * @example
 * ```ts ignore
 * import { Transport } from "./transport.ts";
 * const transport = new Transport({ maxRetries: 2 });
 * const res = await transport.request({ method: "GET", url: "https://auth.globus.org/jwk.json" });
 * console.log(res.status);
 * ```
 */
export class Transport {
  /** The timeout of one attempt in ms, or undefined for none. */
  readonly timeoutMs: number | undefined;
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** The longest sleep between attempts, in ms. */
  readonly maxSleepMs: number;
  /** The `User-Agent` header sent with every request. */
  readonly userAgent: string;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;

  /**
   * Builds a transport; nothing is sent until {@linkcode Transport.request}.
   *
   * @throws {RangeError} for a negative `maxRetries` or `maxSleepMs`.
   * @throws {GlobusSDKUsageError} for an invalid timeout.
   */
  constructor(options: TransportOptions = {}) {
    const maxRetries = options.maxRetries ?? 5;
    const maxSleepMs = options.maxSleepMs ?? 10_000;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new RangeError(`maxRetries must be a whole number ≥ 0, got ${maxRetries}`);
    }
    if (!(maxSleepMs >= 0)) throw new RangeError(`maxSleepMs must be ≥ 0, got ${maxSleepMs}`);
    this.maxRetries = maxRetries;
    this.maxSleepMs = maxSleepMs;
    this.timeoutMs = getHttpTimeoutMs({ seconds: options.httpTimeoutSeconds, env: options.env });
    this.userAgent = `globus-deno-sdk-${VERSION}${options.appName ? `/${options.appName}` : ""}`;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#sleep = options.sleep ?? abortableSleep;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Sends the request, retrying as described in the module docs, and returns
   * the final answer whatever its status.
   *
   * @throws {GlobusTimeoutError} when the last attempt timed out.
   * @throws {GlobusConnectionError} when the last attempt could not connect or was cut off.
   * @throws {NetworkError} for a request that cannot be sent at all (e.g. an invalid URL).
   */
  async request(request: TransportRequest): Promise<TransportResponse> {
    const idempotent = request.idempotent ?? IDEMPOTENT_METHODS.has(request.method);
    for (let attempt = 0;; attempt++) {
      const last = attempt >= this.maxRetries;
      let delayMs: number | undefined;
      try {
        const response = await this.#attempt(request);
        if (last) return response;
        delayMs = this.#retryDelay(response, idempotent, attempt);
        if (delayMs === undefined) return response;
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        // A missing --allow-net is the caller's to fix, not a network failure: pass it on as it is.
        if (
          error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied
        ) {
          throw error;
        }
        const kind = classify(error);
        const retryable = kind === "connect" || (idempotent && kind !== "fatal");
        if (last || !retryable) throw this.#networkError(request, kind, error);
        delayMs = this.#backoff(attempt);
      }
      await this.#sleep(delayMs, request.signal);
    }
  }

  /** The sleep before the next attempt, or undefined when this answer is final. */
  #retryDelay(response: TransportResponse, idempotent: boolean, attempt: number) {
    const status = response.status;
    if (RETRY_AFTER_STATUSES.has(status)) {
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"), this.#now());
      if (retryAfter !== undefined) {
        // The server asked for longer than we are willing to wait: say so now.
        return retryAfter > this.maxSleepMs ? undefined : retryAfter;
      }
      if (status === 429) return this.#backoff(attempt);
    }
    if (idempotent && TRANSIENT_STATUSES.has(status)) return this.#backoff(attempt);
    return undefined;
  }

  #backoff(attempt: number): number {
    return Math.min((0.25 + 0.5 * this.#random()) * 2 ** attempt * 1000, this.maxSleepMs);
  }

  async #attempt(request: TransportRequest): Promise<TransportResponse> {
    // A caller that gave up (perhaps during a sleep that ignores signals) sends nothing more.
    request.signal?.throwIfAborted();
    const headers = new Headers({
      "Accept": "application/json",
      "User-Agent": this.userAgent,
      "X-Globus-Client-Info": `product=deno-sdk,version=${VERSION}`,
    });
    // set(), not an object spread: header names are case-insensitive, and a
    // caller's "accept" must replace the default, not be appended to it.
    for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
    // AbortSignal.timeout, not setTimeout: the first setTimeout/clearTimeout of
    // a Deno process costs about 7 ms (bench/RESULTS.md), a quarter of a run.
    const timeout = this.timeoutMs === undefined
      ? undefined
      : AbortSignal.timeout(Math.min(this.timeoutMs, MAX_TIMER_MS));
    const signals = [timeout, request.signal].filter((s) => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    try {
      const response = await this.#fetch(request.url, {
        method: request.method,
        headers,
        ...(signal === undefined ? {} : { signal }),
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      // The body is read under the same timeout: a stalled body is a timeout too.
      const text = await response.text();
      return {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        text,
      };
    } catch (error) {
      throw timeout?.aborted && !request.signal?.aborted ? timeout.reason : error;
    }
  }

  #networkError(request: TransportRequest, kind: FailureKind, cause: unknown): NetworkError {
    const what = `${request.method} ${request.url}`;
    switch (kind) {
      case "timeout":
        return new GlobusTimeoutError(
          `${what} timed out after ${(this.timeoutMs ?? 0) / 1000} s`,
          { cause },
        );
      case "connect":
      case "after-send":
        return new GlobusConnectionError(`${what} failed: ${describe(cause)}`, { cause });
      default:
        return new NetworkError(`${what} could not be sent: ${describe(cause)}`, { cause });
    }
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : "";
  // Deno's connect errors end with the useful part: "tcp connect error: Connection refused (os error 111)".
  const detail = cause.match(/client error \([^)]*\): (.*)$/)?.[1] ?? cause;
  return detail || error.message;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.min(ms, MAX_TIMER_MS));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
