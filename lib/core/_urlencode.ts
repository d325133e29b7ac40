/**
 * Form and query encoding exactly as Python's `urllib.parse.urlencode`
 * (quote-plus): unreserved `A-Z a-z 0-9 _ . - ~` stay, a space becomes `+`,
 * everything else is percent-encoded as UTF-8. `URLSearchParams` differs on
 * `~` and `*`, and scope strings may hold `*`, so authorize URLs use this to
 * stay byte-for-byte the Python SDK's.
 *
 * @module
 */

/**
 * Encodes one value with quote-plus rules.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quotePlus } from "./_urlencode.ts";
 *
 * assert.equal(quotePlus("a b*~"), "a+b%2A~");
 * ```
 */
export function quotePlus(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

/**
 * Encodes pairs in the given order; pairs whose value is undefined are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { urlencode } from "./_urlencode.ts";
 *
 * assert.equal(urlencode([["scope", "openid email"], ["state", undefined]]), "scope=openid+email");
 * ```
 */
export function urlencode(pairs: Iterable<readonly [string, string | undefined]>): string {
  const parts: string[] = [];
  for (const [key, value] of pairs) {
    if (value !== undefined) parts.push(`${quotePlus(key)}=${quotePlus(value)}`);
  }
  return parts.join("&");
}
