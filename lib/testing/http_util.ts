/**
 * Small helpers shared by the fake services: JSON/HTML answers, random
 * opaque strings, HTML escaping and HTTP Basic / Bearer parsing.
 *
 * @module
 */

import { base64url } from "./jwt.ts";

/**
 * A JSON answer with `Content-Type: application/json`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { json } from "./http_util.ts";
 *
 * const res = json(400, { error: "invalid_grant" }, { "retry-after": "1" });
 * assert.equal(res.status, 400);
 * assert.equal(res.headers.get("content-type"), "application/json");
 * assert.equal(res.headers.get("retry-after"), "1");
 * assert.deepEqual(await res.json(), { error: "invalid_grant" });
 * ```
 */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/**
 * An HTML answer with `Content-Type: text/html; charset=utf-8`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { html } from "./http_util.ts";
 *
 * const res = html(200, "<p>hi</p>");
 * assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
 * assert.equal(await res.text(), "<p>hi</p>");
 * ```
 */
export function html(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", ...headers },
  });
}

/**
 * Escapes text for use inside HTML elements and attribute values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeHtml } from "./http_util.ts";
 *
 * assert.equal(escapeHtml(`"a" & <b>'`), "&quot;a&quot; &amp; &lt;b&gt;&#39;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/**
 * A random opaque string: `bytes` random bytes, base64url without padding.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomToken } from "./http_util.ts";
 *
 * const token = randomToken(32);
 * assert.match(token, /^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url, no padding
 * assert.notEqual(randomToken(32), token);
 * assert.equal(randomToken(24).length, 32);
 * ```
 */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * Client id and secret from an `Authorization: Basic …` header, or null when
 * the header is absent, not Basic, or malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseBasic } from "./http_util.ts";
 *
 * const h = new Headers({ authorization: `Basic ${btoa("cid:s:e")}` });
 * assert.deepEqual(parseBasic(h), { id: "cid", secret: "s:e" }); // the first colon splits
 * assert.equal(parseBasic(new Headers({ authorization: "Bearer abc" })), null);
 * assert.equal(parseBasic(new Headers()), null);
 * ```
 */
export function parseBasic(headers: Headers): { id: string; secret: string } | null {
  const match = /^Basic\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "");
  if (!match?.[1]) return null;
  let decoded: string;
  try {
    const bin = atob(match[1]);
    decoded = new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * The token of an `Authorization: Bearer …` header: `undefined` when there
 * is no Authorization header at all, `null` when it is not a Bearer token.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseBearer } from "./http_util.ts";
 *
 * assert.equal(parseBearer(new Headers({ authorization: "Bearer abc" })), "abc");
 * assert.equal(parseBearer(new Headers({ authorization: "Basic abc" })), null);
 * assert.equal(parseBearer(new Headers()), undefined);
 * ```
 */
export function parseBearer(headers: Headers): string | null | undefined {
  const value = headers.get("authorization");
  if (value === null) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1] ?? null;
}
