/**
 * PKCE (RFC 7636) for native apps: a random verifier and its S256 challenge.
 *
 * @module
 */

import { GlobusSDKUsageError } from "../core/errors.ts";

function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * A new verifier: 32 random bytes from the OS, base64url without padding
 * (always 43 characters), as the Python SDK makes it.
 *
 * @param random Fills a buffer with random bytes; tests may pass their own.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateVerifier } from "./_pkce.ts";
 *
 * assert.match(generateVerifier(), /^[A-Za-z0-9_-]{43}$/);
 * assert.equal(generateVerifier((bytes) => bytes.fill(0)), "A".repeat(43));
 * ```
 */
export function generateVerifier(
  random: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer> = (b) =>
    crypto.getRandomValues(b),
): string {
  return base64Url(random(new Uint8Array(32)));
}

/**
 * Checks a caller's verifier: 43–128 characters from `[A-Za-z0-9~_.-]`.
 *
 * @throws {GlobusSDKUsageError} when it breaks either rule.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateVerifier } from "./_pkce.ts";
 *
 * validateVerifier("a".repeat(43));
 * assert.throws(() => validateVerifier("a".repeat(42)), /43-128 characters long: 42/);
 * ```
 */
export function validateVerifier(verifier: string): void {
  if (verifier.length < 43 || verifier.length > 128) {
    throw new GlobusSDKUsageError(`verifier must be 43-128 characters long: ${verifier.length}`);
  }
  if (!/^[a-zA-Z0-9~_.-]+$/.test(verifier)) {
    throw new GlobusSDKUsageError("verifier contained invalid characters");
  }
}

/**
 * The S256 challenge of a verifier: base64url (no padding) of its SHA-256.
 *
 * @example RFC 7636, appendix B
 * ```ts
 * import assert from "node:assert/strict";
 * import { s256Challenge } from "./_pkce.ts";
 *
 * assert.equal(
 *   await s256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
 *   "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
 * );
 * ```
 */
export async function s256Challenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}
