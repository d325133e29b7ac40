/**
 * RS256 signing of id_tokens, and the JWKS document that lets clients verify
 * them. The key pair is generated with `crypto.subtle`; signing goes through
 * `node:crypto`, because it is synchronous: that lets
 * `FakeGlobus.issueTokens()` return a complete token response, `id_token`
 * included, without a promise. Clients verify with the published JWK and
 * `crypto.subtle` (or any JOSE library).
 *
 * @module
 */

import { createPrivateKey, type KeyObject, sign } from "node:crypto";

/**
 * A public RSA key in JWK form, as served in `/jwk.json`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateSigningKey, type PublicJwk, signJwt } from "./jwt.ts";
 *
 * const key = await generateSigningKey();
 * const jwk: PublicJwk = key.publicJwk;
 * const verifier = await crypto.subtle.importKey(
 *   "jwk",
 *   jwk,
 *   { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
 *   false,
 *   ["verify"],
 * );
 * const [head, claims, sig] = signJwt(key, { sub: "me" }).split(".");
 * const bytes = (b64url: string) =>
 *   Uint8Array.from(atob(b64url.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));
 * const signed = new TextEncoder().encode(`${head}.${claims}`);
 * assert.ok(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", verifier, bytes(sig!), signed));
 * ```
 */
export interface PublicJwk {
  /** Always `RSA`. */
  kty: string;
  /** Modulus, base64url. */
  n: string;
  /** Public exponent, base64url. */
  e: string;
  /** Always `RS256`. */
  alg: string;
  /** Always `sig`. */
  use: string;
  /** Key id, also in the JWT header. */
  kid: string;
}

/**
 * A key pair that signs JWTs, with its public half ready to publish.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateSigningKey, type SigningKey } from "./jwt.ts";
 *
 * const key: SigningKey = await generateSigningKey();
 * assert.equal(key.kid, key.publicJwk.kid);
 * assert.equal(key.privateKey.type, "private");
 * assert.equal(key.privateKey.asymmetricKeyType, "rsa");
 * ```
 */
export interface SigningKey {
  /** The key id placed in each JWT header. */
  kid: string;
  /** The private key, usable for synchronous signing. */
  privateKey: KeyObject;
  /** The public key as a JWK. */
  publicJwk: PublicJwk;
}

/**
 * Encodes bytes as unpadded base64url.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { base64url } from "./jwt.ts";
 *
 * assert.equal(base64url(new Uint8Array([255, 254])), "__4"); // "//4=" in plain base64
 * assert.equal(base64url(new Uint8Array([])), "");
 * ```
 */
export function base64url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Generates a fresh 2048-bit RSA key for RS256, with a random key id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateSigningKey } from "./jwt.ts";
 *
 * const key = await generateSigningKey();
 * const { kty, e, alg, use } = key.publicJwk;
 * assert.deepEqual({ kty, e, alg, use }, { kty: "RSA", e: "AQAB", alg: "RS256", use: "sig" });
 * assert.notEqual((await generateSigningKey()).kid, key.kid);
 * ```
 */
export async function generateSigningKey(): Promise<SigningKey> {
  const pair = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  );
  const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
  const kid = base64url(crypto.getRandomValues(new Uint8Array(12)));
  if (typeof jwk.n !== "string" || typeof jwk.e !== "string") {
    throw new Error("crypto.subtle exported an RSA key without n/e");
  }
  return {
    kid,
    // The WebCrypto JWK is a valid node JWK; only the declared types differ.
    privateKey: createPrivateKey({ key: jwk as Record<string, string>, format: "jwk" }),
    publicJwk: { kty: "RSA", n: jwk.n, e: jwk.e, alg: "RS256", use: "sig", kid },
  };
}

/**
 * Signs `claims` as a compact RS256 JWT whose header carries the key's `kid`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateSigningKey, signJwt } from "./jwt.ts";
 *
 * const key = await generateSigningKey();
 * const [head, claims] = signJwt(key, { sub: "me" }).split(".");
 * const decode = (part: string) => JSON.parse(atob(part.replaceAll("-", "+").replaceAll("_", "/")));
 * assert.deepEqual(decode(head!), { alg: "RS256", typ: "JWT", kid: key.kid });
 * assert.deepEqual(decode(claims!), { sub: "me" });
 * ```
 */
export function signJwt(key: SigningKey, claims: Record<string, unknown>): string {
  const enc = new TextEncoder();
  const header = { alg: "RS256", typ: "JWT", kid: key.kid };
  const input = `${base64url(enc.encode(JSON.stringify(header)))}.${
    base64url(enc.encode(JSON.stringify(claims)))
  }`;
  const sig = sign("sha256", enc.encode(input), key.privateKey);
  return `${input}.${base64url(new Uint8Array(sig))}`;
}

/**
 * The JWKS document (`{keys: [...]}`) served at `/jwk.json`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateSigningKey, jwks } from "./jwt.ts";
 *
 * const key = await generateSigningKey();
 * const doc = jwks(key);
 * assert.deepEqual(doc, { keys: [key.publicJwk] });
 * assert.notEqual(doc.keys[0], key.publicJwk); // a copy: changing it changes no key
 * ```
 */
export function jwks(key: SigningKey): { keys: PublicJwk[] } {
  return { keys: [{ ...key.publicJwk }] };
}
