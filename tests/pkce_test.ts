/**
 * Unit tests of lib/pkce.ts and lib/urlencode.ts: verifier generation and
 * validation, the S256 challenge vectors of the reference (§2.2), and
 * Python's quote-plus encoding (§2.8).
 */

import assert from "node:assert/strict";
import { GlobusSDKUsageError } from "../lib/core/errors.ts";
import { generateVerifier, s256Challenge, validateVerifier } from "../lib/auth/_pkce.ts";
import { quotePlus, urlencode } from "../lib/core/_urlencode.ts";

// ---- challenge vectors ---------------------------------------------------------------

const VECTORS: ReadonlyArray<readonly [string, string]> = [
  ["dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"],
  ["a".repeat(43), "ZtNPunH49FD35FWYhT5Tv8I7vRKQJ8uxMaL0_9eHjNA"],
  ["v".repeat(43), "7w_YNF9DSfIdPf_pRjSq646_kPr-2-o9NAl16JGghdM"],
  ["~".repeat(43), "dOHT1ivLVSPsewADt8TAZF2T2lLYTZ4BymCwTRKpihg"],
  ["z".repeat(128), "gWnHJe3TnwAUD_z1fEW5xRQ-L_43WGnkzygFNCcV0rE"],
  ["A-._~".repeat(9), "ZNl6smj4JtlThjPa3Tud8lidN8BAAGcnYmHRVl4jbNU"],
];

for (const [verifier, challenge] of VECTORS) {
  Deno.test(`s256Challenge("${verifier.slice(0, 12)}…" (${verifier.length} chars)) is ${challenge}`, async () => {
    assert.equal(await s256Challenge(verifier), challenge);
  });
}

// ---- generated verifiers -------------------------------------------------------------------

Deno.test("generateVerifier() base64url-encodes 32 bytes without padding: zeros → 43 × 'A'", () => {
  let requested = -1;
  const verifier = generateVerifier((bytes) => {
    requested = bytes.length;
    return bytes;
  });
  assert.equal(requested, 32);
  assert.equal(verifier, "A".repeat(43));
});

Deno.test("generateVerifier() uses the URL-safe alphabet: 0xff × 32 → '_' × 42 + '8', bytes 0..31 → AAECAw…Hh8", () => {
  assert.equal(generateVerifier((b) => b.fill(0xff)), "_".repeat(42) + "8");
  assert.equal(
    generateVerifier((b) => {
      b.forEach((_, i) => (b[i] = i));
      return b;
    }),
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
  );
  const dashes = generateVerifier((b) => b.fill(0xfb)); // 0xfb 0xfb 0xfb → "-_v7"
  assert.ok(dashes.includes("-"), dashes);
  assert.ok(!/[+/=]/.test(dashes), dashes);
});

Deno.test("generateVerifier() by default draws fresh OS randomness: 43 URL-safe characters, different each time, valid", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const verifier = generateVerifier();
    assert.match(verifier, /^[A-Za-z0-9_-]{43}$/);
    validateVerifier(verifier);
    seen.add(verifier);
  }
  assert.equal(seen.size, 20);
});

// ---- validation ---------------------------------------------------------------------------

Deno.test("validateVerifier() accepts 43 and 128 characters from [A-Za-z0-9~_.-]", () => {
  validateVerifier("a".repeat(43));
  validateVerifier("Z9~_.-".repeat(21) + "ab");
  validateVerifier("0".repeat(128));
});

Deno.test("validateVerifier() refuses 42 and 129 characters with 'verifier must be 43-128 characters long: <len>'", () => {
  for (const length of [0, 42, 129]) {
    assert.throws(() => validateVerifier("a".repeat(length)), {
      name: "GlobusSDKUsageError",
      message: `verifier must be 43-128 characters long: ${length}`,
    });
  }
});

Deno.test("validateVerifier() refuses '+', '/', '=', a space and non-ASCII with 'verifier contained invalid characters'", () => {
  for (const bad of ["+", "/", "=", " ", "é", "\n", "*"]) {
    const verifier = "a".repeat(42) + bad;
    assert.throws(() => validateVerifier(verifier), (e: unknown) => {
      assert.ok(e instanceof GlobusSDKUsageError);
      assert.equal(e.message, "verifier contained invalid characters");
      return true;
    }, JSON.stringify(bad));
  }
});

// ---- quote-plus encoding ----------------------------------------------------------------------

Deno.test("quotePlus() encodes exactly as Python's quote_plus: space → '+', '~' kept, '*' → %2A", () => {
  assert.equal(quotePlus("a b*~"), "a+b%2A~");
  assert.equal(quotePlus("AZaz09_.-~"), "AZaz09_.-~");
  assert.equal(quotePlus(":/,[]*!'()&=+?#%"), "%3A%2F%2C%5B%5D%2A%21%27%28%29%26%3D%2B%3F%23%25");
  assert.equal(quotePlus("ü€"), "%C3%BC%E2%82%AC");
  assert.equal(quotePlus(""), "");
});

Deno.test("urlencode() keeps pair order, encodes keys too, and leaves out undefined values (not empty ones)", () => {
  assert.equal(
    urlencode([["scope", "openid email"], ["state", undefined], ["empty", ""], ["k y", "v&w"]]),
    "scope=openid+email&empty=&k+y=v%26w",
  );
  assert.equal(urlencode([]), "");
  assert.equal(urlencode(new Map([["b", "2"], ["a", "1"]])), "b=2&a=1");
});
