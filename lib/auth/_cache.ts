/**
 * A value fetched at most once per period: Auth's OpenID configuration and
 * its signing keys are both kept this way.
 *
 * @module
 */

/**
 * Holds the promise of one fetch for `ttlMs`, so that concurrent callers
 * share a request; a fetch that fails is forgotten at once, so the next call
 * tries again rather than repeating the failure for an hour.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ExpiringCache } from "./_cache.ts";
 *
 * let now = 0, fetches = 0;
 * const cache = new ExpiringCache(() => Promise.resolve(++fetches), 1000, () => now);
 * assert.equal(await cache.get(), 1);
 * now = 1000;
 * assert.equal(await cache.get(), 1);
 * now = 1001;
 * assert.equal(await cache.get(), 2);
 * ```
 */
export class ExpiringCache<T> {
  readonly #load: () => Promise<T>;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #entry: { at: number; value: Promise<T> } | undefined;

  /** `load` fetches the value; `now` is the clock in ms. */
  constructor(load: () => Promise<T>, ttlMs: number, now: () => number) {
    this.#load = load;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** The cached value, or a new fetch when there is none or it is older than `ttlMs`. */
  async get(): Promise<T> {
    const entry = this.#entry;
    if (entry !== undefined && this.#now() - entry.at <= this.#ttlMs) return await entry.value;
    const fresh = { at: this.#now(), value: Promise.resolve().then(this.#load) };
    fresh.value.catch(() => {
      if (this.#entry === fresh) this.#entry = undefined;
    });
    this.#entry = fresh;
    return await fresh.value;
  }
}
