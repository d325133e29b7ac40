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
 * import { generateSigningKey, type PublicJwk } from "./jwt.ts";
 * const jwk: PublicJwk = (await generateSigningKey()).publicJwk;
 * const key = await crypto.subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
 * console.log(key.type); // "public"
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
 * import { generateSigningKey, type SigningKey } from "./jwt.ts";
 * const key: SigningKey = await generateSigningKey();
 * console.log(key.kid === key.publicJwk.kid); // true
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
 * import { base64url } from "./jwt.ts";
 * console.log(base64url(new Uint8Array([255, 254]))); // "__4"
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
 * import { generateSigningKey } from "./jwt.ts";
 * const key = await generateSigningKey();
 * console.log(key.publicJwk.alg); // "RS256"
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
 * import { generateSigningKey, signJwt } from "./jwt.ts";
 * const key = await generateSigningKey();
 * const jwt = signJwt(key, { sub: "me" });
 * console.log(jwt.split(".").length); // 3
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
 * import { generateSigningKey, jwks } from "./jwt.ts";
 * const doc = jwks(await generateSigningKey());
 * console.log(doc.keys.length); // 1
 * ```
 */
export function jwks(key: SigningKey): { keys: PublicJwk[] } {
  return { keys: [{ ...key.publicJwk }] };
}
