/**
 * The one test for "a JSON object" that every folder uses.
 *
 * @module
 */

/**
 * Whether `value` is a plain JSON object (not null, not an array).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isObject } from "./json.ts";
 *
 * assert.equal(isObject({ a: 1 }), true);
 * assert.equal(isObject([1]), false);
 * assert.equal(isObject(null), false);
 * ```
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
