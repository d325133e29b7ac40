/**
 * Verification of OpenID Connect `id_token`s with Web Crypto: the signature
 * with the key the token names (`kid`), then issuer, audience and expiry.
 * The Python SDK skips the issuer, takes the first key whatever its id and
 * accepts a token without `exp`; this does not.
 *
 * @module
 */

import { IdTokenError } from "./errors.ts";

/**
 * The claims of a verified `id_token`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { IdTokenClaims } from "@globus-deno/sdk/tokens";
 *
 * function who(claims: IdTokenClaims): string {
 *   return String(claims.preferred_username ?? claims.sub);
 * }
 * const claims: IdTokenClaims = {
 *   sub: "b2a8b7c4-0000-4000-8000-000000000001", iss: "https://auth.globus.org", aud: "cid",
 *   exp: 1_767_268_800, preferred_username: "alice@example.org",
 * };
 * assert.equal(who(claims), "alice@example.org");
 * ```
 */
export interface IdTokenClaims {
  /** The identity id of whoever logged in. */
  readonly sub: string;
  /** Who issued the token (Globus Auth). */
  readonly iss: string;
  /** The client id the token was issued to. */
  readonly aud: string | readonly string[];
  /** Expiry, POSIX seconds. */
  readonly exp: number;
  /** Any other claim (`name`, `email`, `preferred_username`, …). */
  readonly [claim: string]: unknown;
}

/**
 * The part of Globus Auth's OpenID configuration this module needs.
 *
 * @example Auth's own document, as the fake Globus serves it
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeAppAuthClient } from "@globus-deno/sdk/auth";
 * import type { OpenIdConfiguration } from "@globus-deno/sdk/tokens";
 * import { startFakeGlobus } from "@globus-deno/sdk/testing";
 *
 * await using fake = await startFakeGlobus();
 * const client = new NativeAppAuthClient("cid", { baseUrl: fake.authUrl });
 * const config: OpenIdConfiguration = await client.getOpenIdConfiguration();
 * assert.equal(config.jwks_uri, `${fake.url}/jwk.json`);
 * ```
 */
export interface OpenIdConfiguration {
  /** Expected `iss` of every token. */
  readonly issuer: string;
  /** Absolute URL of the signing keys. */
  readonly "jwks_uri": string;
  /** Algorithms Auth signs with (production: `RS512`). */
  readonly "id_token_signing_alg_values_supported"?: readonly string[];
  /** Other members of the document. */
  readonly [member: string]: unknown;
}

/**
 * What verification needs from an Auth client: its id, and Auth's
 * configuration and keys (which the client may cache).
 *
 * @example A key source of your own: with no keys, no token verifies
 * ```ts
 * import assert from "node:assert/strict";
 * import { IdTokenError, type IdTokenKeySource, verifyIdToken } from "@globus-deno/sdk/tokens";
 *
 * const source: IdTokenKeySource = {
 *   clientId: "my-client",
 *   getOpenIdConfiguration: () => Promise.resolve({ issuer: "x", jwks_uri: "https://x/jwk" }),
 *   getJwk: () => Promise.resolve({ keys: [] }),
 * };
 * const token = [{ alg: "RS256", kid: "k1" }, { sub: "me" }, "sig"]
 *   .map((part) => btoa(typeof part === "string" ? part : JSON.stringify(part)))
 *   .join(".");
 * await assert.rejects(verifyIdToken(token, source), IdTokenError);
 * ```
 */
export interface IdTokenKeySource {
  /** The client id, which must be the token's audience. */
  readonly clientId: string;
  /** Auth's OpenID configuration. */
  getOpenIdConfiguration(): Promise<OpenIdConfiguration>;
  /** Auth's signing keys (a JWK Set). */
  getJwk(): Promise<{ readonly keys: readonly JsonWebKey[] }>;
}

const HASHES: Readonly<Record<string, string>> = {
  RS256: "SHA-256",
  RS384: "SHA-384",
  RS512: "SHA-512",
};

function base64UrlDecode(part: string): Uint8Array<ArrayBuffer> {
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - base64.length % 4) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function decodeJsonPart(part: string, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(new TextDecoder().decode(base64UrlDecode(part)));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
  } catch (cause) {
    throw new IdTokenError(`id_token ${what} is not valid base64url JSON`, { cause });
  }
  throw new IdTokenError(`id_token ${what} is not a JSON object`);
}

/**
 * Verifies an `id_token` and returns its claims.
 *
 * @param token The compact JWT.
 * @param source The Auth client that received it.
 * @param options `leewaySeconds` (default 300, as the Python SDK) allows for clock drift; `now` is the clock in ms.
 * @throws {IdTokenError} when any check fails.
 * @example The id_token of a login, checked against Auth's keys
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeAppAuthClient } from "@globus-deno/sdk/auth";
 * import { verifyIdToken } from "@globus-deno/sdk/tokens";
 * import { DEFAULT_IDS, startFakeGlobus, TUTORIAL_CLIENT_ID } from "@globus-deno/sdk/testing";
 *
 * await using fake = await startFakeGlobus();
 * const authClient = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, { baseUrl: fake.authUrl });
 * authClient.oauth2StartFlow({ requestedScopes: "openid" });
 * const code = await fake.loginCode(await authClient.oauth2GetAuthorizeUrl(), "alice");
 * const tokens = await authClient.oauth2ExchangeCodeForTokens(code);
 * const idToken = (tokens.data as { id_token: string }).id_token;
 * const claims = await verifyIdToken(idToken, authClient);
 * assert.equal(claims.sub, DEFAULT_IDS.alice);
 * assert.equal(claims.aud, TUTORIAL_CLIENT_ID);
 * ```
 */
export async function verifyIdToken(
  token: string,
  source: IdTokenKeySource,
  options: { leewaySeconds?: number; now?: () => number } = {},
): Promise<IdTokenClaims> {
  const parts = token.split(".");
  if (parts.length !== 3) throw new IdTokenError("id_token is not a compact JWT");
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJsonPart(headerPart, "header");
  const claims = decodeJsonPart(payloadPart, "payload");

  const config = await source.getOpenIdConfiguration();
  const alg = String(header.alg);
  const hash = HASHES[alg];
  const allowed = config.id_token_signing_alg_values_supported ?? Object.keys(HASHES);
  if (hash === undefined || !allowed.includes(alg)) {
    throw new IdTokenError(`id_token algorithm ${alg} is not accepted`);
  }
  const { keys } = await source.getJwk();
  const rsa = keys.filter((k) => k.kty === "RSA");
  const kidOf = (k: JsonWebKey) => (k as { kid?: unknown }).kid;
  // The key the token names; failing that, keys that name themselves not at
  // all (Python's SDK takes keys[0] whatever its kid); the signature decides.
  const named = rsa.filter((k) => header.kid === undefined || kidOf(k) === header.kid);
  const candidates = named.length > 0 ? named : rsa.filter((k) => kidOf(k) === undefined);
  if (candidates.length === 0) {
    throw new IdTokenError(`no signing key matches the id_token's kid ${String(header.kid)}`);
  }
  const signed = new TextEncoder().encode(`${headerPart}.${payloadPart}`);
  let signature: Uint8Array<ArrayBuffer>;
  try {
    signature = base64UrlDecode(signaturePart);
  } catch (cause) {
    throw new IdTokenError("id_token signature is not valid base64url", { cause });
  }
  let valid = false;
  for (const jwk of candidates) {
    const { alg: _alg, key_ops: _ops, ...keyData } = jwk;
    let key: CryptoKey;
    try {
      key = await crypto.subtle.importKey(
        "jwk",
        keyData,
        { name: "RSASSA-PKCS1-v1_5", hash },
        false,
        ["verify"],
      );
    } catch (cause) {
      throw new IdTokenError(
        `signing key ${String((jwk as { kid?: unknown }).kid)} is not a usable RSA key`,
        { cause },
      );
    }
    if (await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, signed)) {
      valid = true;
      break;
    }
  }
  if (!valid) throw new IdTokenError("id_token signature is not valid");

  if (claims.iss !== config.issuer) {
    throw new IdTokenError(`id_token issuer ${String(claims.iss)} is not ${config.issuer}`);
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(source.clientId)) {
    throw new IdTokenError(`id_token audience does not include client ${source.clientId}`);
  }
  const nowSeconds = (options.now ?? Date.now)() / 1000;
  const leeway = options.leewaySeconds ?? 300;
  if (typeof claims.exp !== "number") throw new IdTokenError("id_token has no exp claim");
  // As PyJWT and RFC 7519 §4.1.4: valid only while now < exp (+ leeway).
  if (nowSeconds >= claims.exp + leeway) throw new IdTokenError("id_token has expired");
  if (typeof claims.nbf === "number" && nowSeconds < claims.nbf - leeway) {
    throw new IdTokenError("id_token is not valid yet");
  }
  if (typeof claims.sub !== "string") throw new IdTokenError("id_token has no sub claim");
  return claims as unknown as IdTokenClaims;
}
