/**
 * How Globus Auth maps requested scope strings to resource servers: URN
 * scopes `urn:globus:auth:scope:<rs>:<name>`, URL scopes
 * `https://auth.globus.org/scopes/<rs>/<name>`, and the bare OpenID Connect
 * scopes, which belong to `auth.globus.org`.
 *
 * @module
 */

import { AuthScopes } from "../scopes/scopes.ts";

const OIDC_SCOPES: readonly string[] = [AuthScopes.openid, AuthScopes.email, AuthScopes.profile];

/**
 * Splits a space-separated scope string at top level (spaces inside
 * `[...]` dependency lists do not split), drops empty entries and
 * duplicates, keeps order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitScopeString } from "./scope_rules.ts";
 *
 * assert.deepEqual(splitScopeString("openid  email openid"), ["openid", "email"]);
 * assert.deepEqual(splitScopeString("a[b c] d"), ["a[b c]", "d"]); // no split inside [...]
 * ```
 */
export function splitScopeString(scope: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of scope) {
    if (ch === "[") depth++;
    if (ch === "]") depth--;
    if (/\s/.test(ch) && depth === 0) {
      if (current && !out.includes(current)) out.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  if (current && !out.includes(current)) out.push(current);
  return out;
}

/**
 * A scope without its `[...]` dependencies (and without a leading `*`): what
 * Globus Auth lists in a token's `scope`, which names root scopes only (the
 * dependencies are consents, seen through the consents API).
 *
 * @example
 * ```ts
 * import { rootScopeOf } from "./scope_rules.ts";
 * console.log(rootScopeOf("urn:globus:auth:scope:transfer.api.globus.org:all[*x[y]]"));
 * // "urn:globus:auth:scope:transfer.api.globus.org:all"
 * ```
 */
export function rootScopeOf(scope: string): string {
  return scope.replace(/^\*/, "").replace(/\[.*\]$/s, "");
}

/**
 * The resource server a scope belongs to, or null for a scope Globus Auth
 * would not recognise. A leading `*` (optional) and trailing `[...]`
 * dependencies are ignored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resourceServerOf } from "./scope_rules.ts";
 *
 * const groups = "groups.api.globus.org";
 * assert.equal(resourceServerOf(`urn:globus:auth:scope:${groups}:all`), groups);
 * assert.equal(resourceServerOf(`https://auth.globus.org/scopes/${groups}/all`), groups);
 * assert.equal(resourceServerOf(`*urn:globus:auth:scope:${groups}:all[openid]`), groups);
 * assert.equal(resourceServerOf("email"), "auth.globus.org");
 * assert.equal(resourceServerOf("groups"), null);
 * ```
 */
export function resourceServerOf(scope: string): string | null {
  const bare = rootScopeOf(scope);
  if (OIDC_SCOPES.includes(bare)) return AuthScopes.resourceServer;
  const urn = /^urn:globus:auth:scope:([^:\s]+):[^\s:]+$/.exec(bare);
  if (urn?.[1]) return urn[1];
  const url = /^https:\/\/auth\.globus\.org\/scopes\/([^/\s]+)\/[^\s]+$/.exec(bare);
  return url?.[1] ?? null;
}

/**
 * Groups scopes by resource server, in order of first appearance. Throws a
 * `RangeError` naming the first unrecognised scope.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { groupByResourceServer } from "./scope_rules.ts";
 *
 * const all = "urn:globus:auth:scope:groups.api.globus.org:all";
 * assert.deepEqual(
 *   groupByResourceServer(["openid", all, "email"]),
 *   new Map([["auth.globus.org", ["openid", "email"]], ["groups.api.globus.org", [all]]]),
 * );
 * assert.throws(() => groupByResourceServer(["openid", "groups"]), /Unknown scope: groups/);
 * ```
 */
export function groupByResourceServer(scopes: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const scope of scopes) {
    const rs = resourceServerOf(scope);
    if (rs === null) throw new RangeError(`Unknown scope: ${scope}`);
    const bucket = groups.get(rs) ?? [];
    if (!bucket.includes(scope)) bucket.push(scope);
    groups.set(rs, bucket);
  }
  return groups;
}
