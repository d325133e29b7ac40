/**
 * Racing a promise against an `AbortSignal`.
 *
 * @module
 */

/**
 * `promise`, or a rejection with `signal.reason` as soon as the signal
 * fires (the promise itself runs on; its outcome is then ignored).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { abortable } from "./_abort.ts";
 * const controller = new AbortController();
 * const never = abortable(new Promise(() => {}), controller.signal);
 * controller.abort(new Error("stop"));
 * await assert.rejects(never, /stop/);
 * ```
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
