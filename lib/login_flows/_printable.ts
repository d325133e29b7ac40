/**
 * Text from the network or a browser, made safe for a terminal: control
 * characters (C0, DEL, C1) and the bidirectional overrides are written as
 * `\u{…}` escapes so that they cannot move the cursor, recolour or reorder
 * what the person reads, and the text is cut to a bounded length.
 *
 * @module
 */

// C0 and DEL, C1, and the bidi embedding/override/isolate marks (Trojan Source).
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * `text` with control characters escaped and at most `maxLength` characters
 * of it kept (then `…`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { printable } from "./_printable.ts";
 * assert.equal(printable("bad\u001b[2Jthing\n"), "bad\\u{1b}[2Jthing\\u{a}");
 * assert.equal(printable("x".repeat(5), 3), "xxx…");
 * ```
 */
export function printable(text: string, maxLength = 300): string {
  const cut = text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
  return cut.replace(UNSAFE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}
