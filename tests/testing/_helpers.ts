/**
 * Helpers for the fake Globus tests: PKCE, form posts, JSON calls and JWT
 * decoding. Written independently of `lib/` so the fake is never tested
 * with the code it exists to test.
 *
 * @module
 */

import type { FakeGlobus } from "../../lib/testing/mod.ts";

/** A fresh PKCE verifier (43 chars) and its S256 challenge. */
export async function pkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = b64u(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return { verifier, challenge: b64u(new Uint8Array(digest)) };
}

/** base64url without padding. */
export function b64u(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** Decodes base64url to bytes. */
export function fromB64u(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replaceAll("-", "+").replaceAll("_", "/");
  return Uint8Array.from(
    atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)),
    (c) => c.charCodeAt(0),
  );
}

/** `Authorization: Basic` value, as the Python SDK builds it. */
export function basic(id: string, secret: string): string {
  return `Basic ${btoa(`${id}:${secret}`)}`;
}

/** Result of a JSON call: status, headers and parsed body. */
export interface Answer {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** POSTs a form (as the SDK does) and reads the JSON answer. */
export async function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** GETs a URL and reads the JSON answer. */
export async function getJson(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** Builds a native-app authorize URL in the Python SDK's parameter order. */
export function authorizeUrl(
  fake: FakeGlobus,
  params: Record<string, string>,
): string {
  return `${fake.authUrl}v2/oauth2/authorize?${new URLSearchParams(params)}`;
}

/** The decoded header and claims of a JWT (no verification). */
export function decodeJwt(jwt: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const [h, p] = jwt.split(".");
  const dec = (s: string | undefined) => JSON.parse(new TextDecoder().decode(fromB64u(s ?? "")));
  return { header: dec(h), claims: dec(p) };
}
