/**
 * Pieces shared by the fake Auth API handlers (`fake_identities.ts`,
 * `fake_consents.ts`): the error shape, who called, query parameters.
 *
 * @module
 */

import { AuthScopes } from "../scopes/scopes.ts";
import { type FakeContext, findClient, type RequestNote } from "./context.ts";
import type { FakeClient } from "./dataset.ts";
import { json, parseBasic, parseBearer } from "./http_util.ts";
import type { AccessTokenRecord } from "./token_types.ts";

/**
 * The shape of a Globus identity id: a UUID, any case.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IDENTITY_ID } from "./auth_api_util.ts";
 *
 * assert.equal(IDENTITY_ID.test("A11CE000-0000-4000-8000-000000000001"), true);
 * assert.equal(IDENTITY_ID.test("alice@globusid.org"), false);
 * ```
 */
export const IDENTITY_ID: RegExp =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An error answer in Globus Auth's API shape: `errors` with a request id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { authApiError } from "./auth_api_util.ts";
 *
 * const res = authApiError(400, "INVALID_PARAMETERS", "bad id");
 * assert.equal(res.status, 400);
 * const [error] = (await res.json()).errors;
 * assert.deepEqual([error.status, error.code, error.detail], ["400", "INVALID_PARAMETERS", "bad id"]);
 * assert.match(error.id, /^[0-9a-f-]{36}$/); // the request id
 * ```
 */
export function authApiError(status: number, code: string, detail: string): Response {
  return json(status, {
    errors: [{ status: String(status), id: crypto.randomUUID(), code, title: code, detail }],
  });
}

/**
 * Who called: an active token for `auth.globus.org`, or a confidential
 * client by HTTP Basic. Anything else is the 401 or 403 Auth answers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { authCaller } from "./auth_api_util.ts";
 * import { type FakeContext, findUser, principalOfUser } from "./context.ts";
 * import {
 *   CONFIDENTIAL_CLIENT_ID,
 *   CONFIDENTIAL_CLIENT_SECRET,
 *   defaultDataset,
 *   TUTORIAL_CLIENT_ID,
 * } from "./default_dataset.ts";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore } from "./tokens.ts";
 *
 * const url = "http://127.0.0.1:8765"; // the origin written into answers; nothing listens
 * const key = await generateSigningKey();
 * const store = new TokenStore({
 *   now: Date.now, issuer: url, key, accessTokenLifetimeSeconds: 60, rotateRefreshTokens: false,
 * });
 * const ctx: FakeContext = {
 *   url, dataset: defaultDataset(), store, key, now: Date.now, codeLifetimeSeconds: 600,
 * };
 * const { access_token: token } = store.issue({
 *   principal: principalOfUser(findUser(ctx.dataset, "alice")!),
 *   clientId: TUTORIAL_CLIENT_ID,
 *   scopes: ["openid"],
 *   offline: false,
 * });
 * const note = {};
 * const user = authCaller(ctx, new Headers({ authorization: `Bearer ${token}` }), note);
 * assert.ok(!(user instanceof Response) && "token" in user);
 * assert.deepEqual(note, { clientId: TUTORIAL_CLIENT_ID });
 *
 * const basic = `Basic ${btoa(`${CONFIDENTIAL_CLIENT_ID}:${CONFIDENTIAL_CLIENT_SECRET}`)}`;
 * const client = authCaller(ctx, new Headers({ authorization: basic }), {});
 * assert.ok(!(client instanceof Response) && "client" in client);
 * assert.equal(client.client.clientId, CONFIDENTIAL_CLIENT_ID);
 *
 * const nobody = authCaller(ctx, new Headers(), {});
 * assert.ok(nobody instanceof Response);
 * assert.equal(nobody.status, 401);
 * ```
 */
export function authCaller(
  ctx: FakeContext,
  headers: Headers,
  note: RequestNote,
): { token: AccessTokenRecord } | { client: FakeClient } | Response {
  const basic = parseBasic(headers);
  if (basic) {
    const client = findClient(ctx.dataset, basic.id);
    if (client?.type !== "confidential" || client.secret !== basic.secret) {
      return authApiError(401, "UNAUTHORIZED", "Client authentication failed");
    }
    note.clientId = client.clientId;
    return { client };
  }
  const token = parseBearer(headers);
  const rec = token ? ctx.store.activeAccess(token) : undefined;
  if (!rec) return authApiError(401, "UNAUTHORIZED", "Call must be authenticated");
  note.clientId = rec.clientId;
  if (rec.resourceServer !== AuthScopes.resourceServer) {
    return authApiError(403, "FORBIDDEN", "Token is not valid for Globus Auth");
  }
  return { token: rec };
}

/**
 * The items of a comma-separated parameter (trimmed, empty ones dropped), or null when absent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commaParam } from "./auth_api_util.ts";
 *
 * assert.deepEqual(commaParam(new URL("http://x/?ids=a,, b"), "ids"), ["a", "b"]);
 * assert.equal(commaParam(new URL("http://x/"), "ids"), null);
 * ```
 */
export function commaParam(url: URL, name: string): string[] | null {
  const raw = url.searchParams.get(name);
  return raw === null ? null : raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * `true`/`false` in any case; absent, `fallback`; anything else, null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { booleanParam } from "./auth_api_util.ts";
 *
 * assert.equal(booleanParam(new URL("http://x/?all=False"), "all", true), false);
 * assert.equal(booleanParam(new URL("http://x/"), "all", true), true);
 * assert.equal(booleanParam(new URL("http://x/?all=yes"), "all", true), null);
 * ```
 */
export function booleanParam(url: URL, name: string, fallback: boolean): boolean | null {
  const raw = url.searchParams.get(name)?.toLowerCase();
  if (raw === undefined) return fallback;
  return raw === "true" ? true : raw === "false" ? false : null;
}
