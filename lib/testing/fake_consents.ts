/**
 * The fake Globus Auth's consents: `GET /v2/api/identities/<id>/consents`.
 *
 * Consents come from the data set (`FakeDataset.consents`) and from logins:
 * every scope a user's tokens were issued for is a consent of that user to
 * that client, its dependencies (`transfer:all[*<collection>/data_access]`)
 * consents below it, as Globus records them when a person approves a login.
 * Each consent of a tree has a stable numeric id and a `dependency_path`
 * from its root; an optional (`*`) dependency is `atomically_revocable`.
 *
 * Refusals: an id that is not a UUID (400); an identity not among the
 * caller's own (403); `all=true` without `view_consents` (403); client
 * credentials (403: consents are a person's).
 *
 * The scope strings are parsed here, not with lib/scopes/scope.ts, so the
 * SDK's parser is never tested against itself.
 *
 * @module
 */

import { AuthScopes } from "../scopes/scopes.ts";
import { authApiError, authCaller, booleanParam, IDENTITY_ID } from "./auth_api_util.ts";
import type { FakeContext, RequestNote } from "./context.ts";
import { json } from "./http_util.ts";
import { resourceServerOf } from "./scope_rules.ts";

/** A scope and its dependencies, as parsed from `a[b *c[d]]`. */
interface ScopeNode {
  name: string;
  optional: boolean;
  dependencies: ScopeNode[];
}

/**
 * Parses a scope string into trees. Lenient (this is a fake): a string
 * that does not parse yields what was read so far.
 */
function parseScopeTrees(text: string): ScopeNode[] {
  const tokens = text.match(/\*|\[|\]|[^\s*[\]]+/g) ?? [];
  let at = 0;
  const list = (): ScopeNode[] => {
    const out: ScopeNode[] = [];
    while (at < tokens.length && tokens[at] !== "]") {
      const optional = tokens[at] === "*";
      if (optional) at++;
      const name = tokens[at++];
      if (name === undefined || name === "[" || name === "*") break;
      const node: ScopeNode = { name, optional, dependencies: [] };
      if (tokens[at] === "[") {
        at++;
        node.dependencies = list();
        at++; // the closing ']'
      }
      out.push(node);
    }
    return out;
  };
  return list();
}

/** One consent, in Globus's wire names. */
interface WireConsent {
  id: number;
  client: string;
  scope: string;
  "scope_name": string;
  "effective_identity": string;
  "dependency_path": number[];
  created: string;
  updated: string;
  "last_used": string;
  status: "approved";
  "allows_refresh": boolean;
  "auto_approved": boolean;
  "atomically_revocable": boolean;
}

/** Every consent a running fake has recorded, by identity + root client + scope path. */
interface Ledger {
  byKey: Map<string, WireConsent>;
  /** The client each consent's tree was granted to (its root's client), by consent id. */
  rootClient: Map<number, string>;
  nextId: number;
}

const ledgers = new WeakMap<FakeContext, Ledger>();

/** A stable UUID-shaped id from a string (FNV-1a), for scope and service-client ids. */
function stableUuid(seed: string): string {
  let hex = "";
  for (let round = 0; hex.length < 32; round++) {
    let h = 0x811c9dc5 ^ round;
    for (const ch of seed) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
    hex += h.toString(16).padStart(8, "0");
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${
    hex.slice(20, 32)
  }`;
}

/** Records `scope` (with its dependencies) as consented by `identityId` to `clientId`. */
function record(
  ledger: Ledger,
  identityId: string,
  clientId: string,
  scope: ScopeNode,
  at: number,
) {
  const when = new Date(at).toISOString();
  const walk = (node: ScopeNode, path: number[], names: string, client: string) => {
    const key = `${identityId}|${clientId}|${names}`;
    let consent = ledger.byKey.get(key);
    if (!consent) {
      const id = ledger.nextId++;
      consent = {
        id,
        client,
        scope: stableUuid(`scope:${node.name}`),
        scope_name: node.name,
        effective_identity: identityId,
        dependency_path: [...path, id],
        created: when,
        updated: when,
        last_used: when,
        status: "approved",
        allows_refresh: true,
        auto_approved: false,
        atomically_revocable: node.optional,
      };
      ledger.byKey.set(key, consent);
      ledger.rootClient.set(id, clientId);
    }
    // A dependency is consented to the service of its parent scope, which
    // uses it on the person's behalf.
    const service = stableUuid(`client:${resourceServerOf(node.name) ?? node.name}`);
    for (const dep of node.dependencies) {
      walk(dep, consent.dependency_path, `${names} > ${dep.name}`, service);
    }
  };
  walk(scope, [], scope.name, clientId);
}

/** The ledger of `ctx`, brought up to date with the data set and every user token issued so far. */
function ledgerOf(ctx: FakeContext): Ledger {
  let ledger = ledgers.get(ctx);
  if (!ledger) {
    ledger = { byKey: new Map(), rootClient: new Map(), nextId: 142632 };
    ledgers.set(ctx, ledger);
    for (const c of ctx.dataset.consents ?? []) {
      for (const tree of parseScopeTrees(c.scope)) {
        record(ledger, c.identityId, c.clientId, tree, ctx.now());
      }
    }
  }
  for (const rec of ctx.store.access.values()) {
    // Client credentials grants are no person's consent.
    if (rec.principal.username.endsWith("@clients.auth.globus.org")) continue;
    for (const scope of rec.scopes) {
      for (const tree of parseScopeTrees(scope)) {
        record(ledger, rec.principal.identityId, rec.clientId, tree, rec.issuedAt);
      }
    }
  }
  return ledger;
}

/**
 * `GET /v2/api/identities/<id>/consents[?all=true]`: the identity's consents
 * rooted at the calling client, or with `all` (needs `view_consents`) every
 * one, in id order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type FakeContext, findUser, principalOfUser } from "./context.ts";
 * import {
 *   DEFAULT_IDS,
 *   defaultDataset,
 *   FAKE_COLLECTION_ID,
 *   TUTORIAL_CLIENT_ID,
 * } from "./default_dataset.ts";
 * import { handleConsents } from "./fake_consents.ts";
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
 *   principal: principalOfUser(findUser(ctx.dataset, "bob")!),
 *   clientId: TUTORIAL_CLIENT_ID,
 *   scopes: ["openid"],
 *   offline: false,
 * });
 * const consentsUrl = new URL(`${url}/v2/api/identities/${DEFAULT_IDS.bob}/consents`);
 * const headers = new Headers({ authorization: `Bearer ${token}` });
 * const res = handleConsents(ctx, headers, consentsUrl, {}, DEFAULT_IDS.bob);
 * const { consents } = await res.json();
 * // bob's Transfer consent and its data_access dependency, then the openid login just made.
 * assert.deepEqual(consents.map((c: { scope_name: string }) => c.scope_name), [
 *   "urn:globus:auth:scope:transfer.api.globus.org:all",
 *   `https://auth.globus.org/scopes/${FAKE_COLLECTION_ID}/data_access`,
 *   "openid",
 * ]);
 * ```
 */
export function handleConsents(
  ctx: FakeContext,
  headers: Headers,
  url: URL,
  note: RequestNote,
  rawIdentityId: string,
): Response {
  const who = authCaller(ctx, headers, note);
  if (who instanceof Response) return who;
  if (!("token" in who)) {
    return authApiError(403, "FORBIDDEN", "Consents can only be read with a user's token");
  }
  let identityId: string;
  try {
    identityId = decodeURIComponent(rawIdentityId);
  } catch {
    identityId = rawIdentityId;
  }
  if (!IDENTITY_ID.test(identityId)) {
    return authApiError(400, "INVALID_PARAMETERS", `Invalid identity id: '${identityId}'`);
  }
  identityId = identityId.toLowerCase();
  if (!who.token.principal.identitySet.includes(identityId)) {
    return authApiError(403, "FORBIDDEN", "You may only view your own identities' consents");
  }
  const all = booleanParam(url, "all", false);
  if (all === null) return authApiError(400, "INVALID_PARAMETERS", "'all' must be true or false");
  if (all && !who.token.scopes.includes(AuthScopes.viewConsents)) {
    return authApiError(403, "FORBIDDEN", "Token lacks the 'view_consents' scope");
  }
  const ledger = ledgerOf(ctx);
  const consents = [...ledger.byKey.values()]
    .filter((c) => c.effective_identity === identityId)
    .filter((c) => all || ledger.rootClient.get(c.id) === who.token.clientId)
    .sort((a, b) => a.id - b.id);
  return json(200, { consents });
}
