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
 * import { IDENTITY_ID } from "./auth_api_util.ts";
 * console.log(IDENTITY_ID.test("a11ce000-0000-4000-8000-000000000001")); // true
 * ```
 */
export const IDENTITY_ID: RegExp =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An error answer in Globus Auth's API shape: `errors` with a request id.
 *
 * @example
 * ```ts
 * import { authApiError } from "./auth_api_util.ts";
 * const res = authApiError(400, "INVALID_PARAMETERS", "bad id");
 * console.log(res.status, (await res.json()).errors[0].code); // 400 INVALID_PARAMETERS
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
 * ```ts ignore
 * const who = authCaller(ctx, req.headers, note);
 * if (who instanceof Response) return who;
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
 * import { commaParam } from "./auth_api_util.ts";
 * console.log(commaParam(new URL("http://x/?ids=a,,b"), "ids")); // ["a", "b"]
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
 * import { booleanParam } from "./auth_api_util.ts";
 * console.log(booleanParam(new URL("http://x/?all=False"), "all", true)); // false
 * ```
 */
export function booleanParam(url: URL, name: string, fallback: boolean): boolean | null {
  const raw = url.searchParams.get(name)?.toLowerCase();
  if (raw === undefined) return fallback;
  return raw === "true" ? true : raw === "false" ? false : null;
}
