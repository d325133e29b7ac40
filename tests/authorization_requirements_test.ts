import assert from "node:assert/strict";
import { AuthorizationRequiredError, GroupsAPIError, IdentityMismatchError } from "../lib/mod.ts";
import { explainAppErrors } from "../scripts/_app_cli.ts";

function gare(parameters: Record<string, unknown>): GroupsAPIError {
  return new GroupsAPIError({
    method: "GET",
    url: "https://groups.api.globus.org/v2/groups/my_groups",
    httpStatus: 403,
    httpReason: "Forbidden",
    headers: new Headers({ "content-type": "application/json" }),
    text: JSON.stringify({ code: "AuthorizationRequired", authorization_parameters: parameters }),
  });
}

Deno.test("AuthorizationRequiredError says in a few words what the new login needs", () => {
  const mfa = AuthorizationRequiredError.fromError(gare({ session_required_mfa: true }))!;
  assert.match(mfa.message, /: Globus requires a new login with multi-factor authentication$/);
  const plain = AuthorizationRequiredError.fromError(gare({ prompt: "login" }))!;
  assert.match(plain.message, /: Globus requires a new login$/);
  assert.doesNotMatch(plain.message, /a new login with a new login/);
});

Deno.test("explainAppErrors() asks to meet a redriven requirement, not to --force-login, which drops it", async () => {
  const error = AuthorizationRequiredError.fromError(gare({ session_required_mfa: true }))!;
  await assert.rejects(
    () => explainAppErrors(() => Promise.reject(error)),
    (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, /did not meet that: run again and log in as Globus asks$/);
      assert.doesNotMatch(e.message, /--force-login/);
      return true;
    },
  );
});

Deno.test("explainAppErrors() keeps the storage's own words for tokens of two identities", async () => {
  const inStorage = new IdentityMismatchError(
    "a",
    "b",
    "the token storage holds logins of two identities (a, b); log out, or remove the stored tokens",
    "storage",
  );
  await assert.rejects(
    () => explainAppErrors(() => Promise.reject(inStorage)),
    { message: `${inStorage.message} (run with --logout)` },
  );
  await assert.rejects(
    () => explainAppErrors(() => Promise.reject(new IdentityMismatchError("a", "b"))),
    /that login was of another Globus identity \(b\) than the stored one \(a\)/,
  );
});
