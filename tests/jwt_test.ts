/**
 * Unit tests of lib/tokens/id_token.ts: `id_token` verification with RS256/RS512 keys
 * generated here, a fake key source and a fake clock.
 */

import assert from "node:assert/strict";
import { GlobusError } from "../lib/core/errors.ts";
import {
  type IdTokenKeySource,
  type OpenIdConfiguration,
  verifyIdToken,
} from "../lib/tokens/id_token.ts";
import { IdTokenError } from "../lib/tokens/errors.ts";
import { TUTORIAL_CLIENT_ID } from "../lib/testing/mod.ts";

const ISSUER = "https://auth.globus.org";
const CLIENT_ID = TUTORIAL_CLIENT_ID;
const NOW_MS = 1_767_268_800_000; // 2026-01-01T12:00:00Z
const NOW = NOW_MS / 1000;
const now = () => NOW_MS;

// ---- keys and signing --------------------------------------------------------------------

type Alg = "RS256" | "RS512";

interface TestKey {
  readonly alg: Alg;
  readonly privateKey: CryptoKey;
  readonly jwk: JsonWebKey & { kid: string };
}

async function makeKey(alg: Alg, kid: string): Promise<TestKey> {
  const pair = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: alg === "RS256" ? "SHA-256" : "SHA-512",
    },
    true,
    ["sign", "verify"],
  );
  const exported = await crypto.subtle.exportKey("jwk", pair.publicKey);
  // Auth's JWK Set carries alg and use; the verifier must cope with both.
  return { alg, privateKey: pair.privateKey, jwk: { ...exported, kid, use: "sig" } };
}

const RS512_KEY = await makeKey("RS512", "key-512");
const RS256_KEY = await makeKey("RS256", "key-256");
const OTHER_512 = await makeKey("RS512", "other-512");

function b64url(data: Uint8Array | string): string {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function sign(
  claims: Record<string, unknown>,
  key: TestKey,
  header: Record<string, unknown> = { alg: key.alg, typ: "JWT", kid: key.jwk.kid },
): Promise<string> {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = await crypto.subtle.sign(
    "RSASSA-PKCS1-v1_5",
    key.privateKey,
    new TextEncoder().encode(signingInput),
  );
  return `${signingInput}.${b64url(new Uint8Array(signature))}`;
}

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: "ae341a98-d274-11e5-b888-dbae3a8ba545",
    iss: ISSUER,
    aud: CLIENT_ID,
    iat: NOW - 10,
    exp: NOW + 172_800,
    name: "Ada Lovelace",
    preferred_username: "ada@globusid.org",
    email: "ada@example.org",
    ...overrides,
  };
}

/** A key source that serves the given keys and counts its calls. */
function source(
  keys: readonly JsonWebKey[] = [RS512_KEY.jwk, RS256_KEY.jwk],
  config: Record<string, unknown> = {},
): IdTokenKeySource & { configCalls: number; jwkCalls: number } {
  const result = {
    clientId: CLIENT_ID,
    configCalls: 0,
    jwkCalls: 0,
    getOpenIdConfiguration() {
      result.configCalls++;
      return Promise.resolve({
        issuer: ISSUER,
        jwks_uri: "https://auth.globus.org/jwk.json",
        id_token_signing_alg_values_supported: ["RS512", "RS256"],
        ...config,
      } as OpenIdConfiguration);
    },
    getJwk() {
      result.jwkCalls++;
      return Promise.resolve({ keys });
    },
  };
  return result;
}

async function rejection(promise: Promise<unknown>): Promise<IdTokenError> {
  const err = await promise.then(() => assert.fail("verification passed"), (e: unknown) => e);
  assert.ok(err instanceof IdTokenError, String(err));
  assert.ok(err instanceof GlobusError);
  assert.equal(err.name, "IdTokenError");
  return err;
}

// ---- valid tokens -----------------------------------------------------------------------------

Deno.test("verifyIdToken() accepts an RS512 token signed by the key its kid names and returns every claim", async () => {
  const c = claims();
  const src = source();
  const result = await verifyIdToken(await sign(c, RS512_KEY), src, { now });
  assert.deepEqual(result, c);
  assert.equal(src.configCalls, 1);
  assert.equal(src.jwkCalls, 1);
});

Deno.test("verifyIdToken() accepts an RS256 token when the configuration allows RS256", async () => {
  const c = claims();
  assert.deepEqual(await verifyIdToken(await sign(c, RS256_KEY), source(), { now }), c);
});

Deno.test("verifyIdToken() allows RS256/RS384/RS512 when the configuration lists no algorithms", async () => {
  const c = claims();
  const src = source(undefined, { id_token_signing_alg_values_supported: undefined });
  assert.deepEqual(await verifyIdToken(await sign(c, RS256_KEY), src, { now }), c);
});

Deno.test("verifyIdToken() accepts an audience list that includes the client id", async () => {
  const c = claims({ aud: ["someone-else", CLIENT_ID] });
  assert.deepEqual(await verifyIdToken(await sign(c, RS512_KEY), source(), { now }), c);
});

Deno.test("verifyIdToken() ignores the JWK's alg and key_ops members when importing the key", async () => {
  const jwk = { ...RS512_KEY.jwk, alg: "RS256", "key_ops": ["encrypt"] };
  const c = claims();
  assert.deepEqual(await verifyIdToken(await sign(c, RS512_KEY), source([jwk]), { now }), c);
});

Deno.test("verifyIdToken() uses the real clock when no now is given", async () => {
  const realNow = Date.now() / 1000;
  const c = claims({ iat: realNow, exp: realNow + 3600 });
  assert.deepEqual(await verifyIdToken(await sign(c, RS512_KEY), source()), c);
  const old = claims({ exp: realNow - 3600 });
  assert.equal(
    (await rejection(verifyIdToken(await sign(old, RS512_KEY), source()))).message,
    "id_token has expired",
  );
});

// ---- key selection ----------------------------------------------------------------------------

Deno.test("verifyIdToken() picks the key by kid, not keys[0] (as Python would)", async () => {
  const c = claims();
  const token = await sign(c, RS512_KEY);
  assert.deepEqual(await verifyIdToken(token, source([OTHER_512.jwk, RS512_KEY.jwk]), { now }), c);
});

Deno.test("verifyIdToken() refuses a token whose kid names a key that did not sign it", async () => {
  const token = await sign(claims(), RS512_KEY, { alg: "RS512", kid: OTHER_512.jwk.kid });
  const err = await rejection(
    verifyIdToken(token, source([OTHER_512.jwk, RS512_KEY.jwk]), { now }),
  );
  assert.equal(err.message, "id_token signature is not valid");
});

Deno.test("verifyIdToken() refuses a kid that no key in the set has", async () => {
  const token = await sign(claims(), RS512_KEY, { alg: "RS512", kid: "rotated-away" });
  const err = await rejection(verifyIdToken(token, source(), { now }));
  assert.equal(err.message, "no signing key matches the id_token's kid rotated-away");
});

Deno.test("verifyIdToken() without a kid tries every RSA key and accepts the one that verifies", async () => {
  const c = claims();
  const token = await sign(c, RS512_KEY, { alg: "RS512" });
  const ecKey: JsonWebKey = { kty: "EC", crv: "P-256", x: "x", y: "y" };
  assert.deepEqual(
    await verifyIdToken(token, source([ecKey, OTHER_512.jwk, RS512_KEY.jwk]), { now }),
    c,
  );
  const err = await rejection(verifyIdToken(token, source([OTHER_512.jwk]), { now }));
  assert.equal(err.message, "id_token signature is not valid");
});

Deno.test("verifyIdToken() refuses when the key set has no RSA key", async () => {
  const token = await sign(claims(), RS512_KEY, { alg: "RS512" });
  const err = await rejection(verifyIdToken(token, source([]), { now }));
  assert.equal(err.message, "no signing key matches the id_token's kid undefined");
});

Deno.test("verifyIdToken() reports an unusable JWK as IdTokenError, not a raw DOMException", async () => {
  const broken: JsonWebKey & { kid: string } = { kty: "RSA", kid: "key-512", e: "AQAB" }; // no modulus
  const err = await rejection(
    verifyIdToken(await sign(claims(), RS512_KEY), source([broken]), { now }),
  );
  assert.equal(err.message, "signing key key-512 is not a usable RSA key");
  assert.ok(err.cause instanceof Error);
});

// ---- algorithm --------------------------------------------------------------------------------

Deno.test("verifyIdToken() refuses RS256 when the configuration advertises only RS512", async () => {
  const token = await sign(claims(), RS256_KEY);
  const src = source(undefined, { id_token_signing_alg_values_supported: ["RS512"] });
  const err = await rejection(verifyIdToken(token, src, { now }));
  assert.equal(err.message, "id_token algorithm RS256 is not accepted");
  assert.equal(src.jwkCalls, 0);
});

Deno.test("verifyIdToken() refuses alg none and HS256 even when the configuration lists them", async () => {
  for (const alg of ["none", "HS256"]) {
    const token = `${b64url(JSON.stringify({ alg }))}.${b64url(JSON.stringify(claims()))}.`;
    const src = source(undefined, { id_token_signing_alg_values_supported: [alg] });
    const err = await rejection(verifyIdToken(token, src, { now }));
    assert.equal(err.message, `id_token algorithm ${alg} is not accepted`);
  }
});

// ---- signature --------------------------------------------------------------------------------

Deno.test("verifyIdToken() refuses a token whose payload was changed after signing", async () => {
  const token = await sign(claims(), RS512_KEY);
  const [header, , signature] = token.split(".");
  const forged = `${header}.${
    b64url(JSON.stringify(claims({ sub: "someone-else" })))
  }.${signature}`;
  const err = await rejection(verifyIdToken(forged, source(), { now }));
  assert.equal(err.message, "id_token signature is not valid");
});

Deno.test("verifyIdToken() refuses a token with a corrupted signature", async () => {
  const token = await sign(claims(), RS512_KEY);
  const last = token.at(-5) === "A" ? "B" : "A";
  const corrupted = token.slice(0, -5) + last + token.slice(-4);
  assert.notEqual(corrupted, token);
  const err = await rejection(verifyIdToken(corrupted, source(), { now }));
  assert.equal(err.message, "id_token signature is not valid");
});

Deno.test("verifyIdToken() refuses a token signed by a different key with the same kid", async () => {
  const token = await sign(claims(), OTHER_512, { alg: "RS512", kid: RS512_KEY.jwk.kid });
  const err = await rejection(verifyIdToken(token, source(), { now }));
  assert.equal(err.message, "id_token signature is not valid");
});

Deno.test("verifyIdToken() reports a signature that is not base64url as IdTokenError", async () => {
  const token = await sign(claims(), RS512_KEY);
  const [header, payload] = token.split(".");
  const err = await rejection(verifyIdToken(`${header}.${payload}.!!!*`, source(), { now }));
  assert.equal(err.message, "id_token signature is not valid base64url");
});

// ---- malformed tokens ----------------------------------------------------------------------------

Deno.test("verifyIdToken() refuses what is not a three-part compact JWT", async () => {
  for (const token of ["", "a.b", "a.b.c.d"]) {
    const err = await rejection(verifyIdToken(token, source(), { now }));
    assert.equal(err.message, "id_token is not a compact JWT");
  }
});

Deno.test("verifyIdToken() refuses a header or payload that is not base64url JSON, or not an object", async () => {
  const good = b64url(JSON.stringify(claims()));
  assert.equal(
    (await rejection(verifyIdToken(`%%%.${good}.sig`, source(), { now }))).message,
    "id_token header is not valid base64url JSON",
  );
  assert.equal(
    (await rejection(verifyIdToken(`${b64url("{oops")}.${good}.sig`, source(), { now }))).message,
    "id_token header is not valid base64url JSON",
  );
  assert.equal(
    (await rejection(
      verifyIdToken(`${b64url('{"alg":"RS512"}')}.${b64url("[1]")}.sig`, source(), { now }),
    ))
      .message,
    "id_token payload is not a JSON object",
  );
});

// ---- claims -------------------------------------------------------------------------------------

Deno.test("verifyIdToken() refuses a token from another issuer (Python does not check; W23)", async () => {
  const token = await sign(claims({ iss: "https://evil.example" }), RS512_KEY);
  const err = await rejection(verifyIdToken(token, source(), { now }));
  assert.equal(err.message, "id_token issuer https://evil.example is not https://auth.globus.org");
});

Deno.test("verifyIdToken() refuses a token without iss", async () => {
  const c = claims();
  delete c.iss;
  const err = await rejection(verifyIdToken(await sign(c, RS512_KEY), source(), { now }));
  assert.equal(err.message, "id_token issuer undefined is not https://auth.globus.org");
});

Deno.test("verifyIdToken() refuses a token for another audience, as a string or a list, or without aud", async () => {
  const expected = `id_token audience does not include client ${CLIENT_ID}`;
  for (const aud of ["other-client", ["a", "b"], undefined]) {
    const token = await sign(claims({ aud }), RS512_KEY);
    assert.equal((await rejection(verifyIdToken(token, source(), { now }))).message, expected);
  }
});

Deno.test("verifyIdToken() refuses a token without exp (Python accepts it; W23)", async () => {
  const c = claims();
  delete c.exp;
  const err = await rejection(verifyIdToken(await sign(c, RS512_KEY), source(), { now }));
  assert.equal(err.message, "id_token has no exp claim");
  const text = await sign(claims({ exp: String(NOW + 60) }), RS512_KEY);
  assert.equal(
    (await rejection(verifyIdToken(text, source(), { now }))).message,
    "id_token has no exp claim",
  );
});

Deno.test("verifyIdToken() allows 300 s of leeway after exp: 299 s late passes, 300 s and 301 s late fail", async () => {
  const ok = claims({ exp: NOW - 299 });
  assert.deepEqual(await verifyIdToken(await sign(ok, RS512_KEY), source(), { now }), ok);
  for (const late of [300, 301, 86_400]) {
    const token = await sign(claims({ exp: NOW - late }), RS512_KEY);
    const err = await rejection(verifyIdToken(token, source(), { now }));
    assert.equal(err.message, "id_token has expired", `${late} s late`);
  }
});

Deno.test("verifyIdToken() with leewaySeconds 0 refuses a token at or after exp and accepts one a second before", async () => {
  const ok = claims({ exp: NOW + 1 });
  assert.deepEqual(
    await verifyIdToken(await sign(ok, RS512_KEY), source(), { now, leewaySeconds: 0 }),
    ok,
  );
  for (const exp of [NOW, NOW - 1]) {
    const token = await sign(claims({ exp }), RS512_KEY);
    const err = await rejection(verifyIdToken(token, source(), { now, leewaySeconds: 0 }));
    assert.equal(err.message, "id_token has expired");
  }
});

Deno.test("verifyIdToken() checks nbf with the leeway: 299 s early passes, 301 s early fails", async () => {
  const ok = claims({ nbf: NOW + 299 });
  assert.deepEqual(await verifyIdToken(await sign(ok, RS512_KEY), source(), { now }), ok);
  const early = await sign(claims({ nbf: NOW + 301 }), RS512_KEY);
  const err = await rejection(verifyIdToken(early, source(), { now }));
  assert.equal(err.message, "id_token is not valid yet");
});

Deno.test("verifyIdToken() refuses a token without a string sub", async () => {
  for (const sub of [undefined, 42]) {
    const token = await sign(claims({ sub }), RS512_KEY);
    assert.equal(
      (await rejection(verifyIdToken(token, source(), { now }))).message,
      "id_token has no sub claim",
    );
  }
});

Deno.test("verifyIdToken() falls back to keys without a kid when none has the token's kid", async () => {
  const c = claims();
  const token = await sign(c, RS512_KEY, { alg: "RS512", kid: "named-by-token" });
  const { kid: _, ...anonymous } = RS512_KEY.jwk;
  assert.deepEqual(await verifyIdToken(token, source([OTHER_512.jwk, anonymous]), { now }), c);
  // Keys that name another kid are not tried: the message says which kid was missing.
  const err = await rejection(verifyIdToken(token, source([RS512_KEY.jwk]), { now }));
  assert.equal(err.message, "no signing key matches the id_token's kid named-by-token");
});
