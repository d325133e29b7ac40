/**
 * The fake Globus Auth API under `/v2/api/`: `GET /v2/api/identities`,
 * `GET /v2/api/identity_providers` and (in `fake_consents.ts`)
 * `GET /v2/api/identities/<id>/consents`, with Globus's shapes and
 * refusals. Callers authenticate with a Bearer token for `auth.globus.org`
 * or, as Globus allows, a confidential client's HTTP Basic credentials.
 *
 * What it refuses, as Globus does: both or neither of `usernames` and `ids`
 * (400), more than 100 of them in one call (400), an id that is not a UUID
 * (400), a token without `view_identities` for identities (403). Unknown
 * usernames and ids are simply absent from the answer. `provision=true`
 * creates an `unused` identity for an unknown username of a known provider's
 * domain.
 *
 * @module
 */

import { AuthScopes } from "../scopes/scopes.ts";
import {
  authApiError,
  authCaller,
  booleanParam,
  commaParam,
  IDENTITY_ID,
} from "./auth_api_util.ts";
import type { FakeContext, RequestNote } from "./context.ts";
import { handleConsents } from "./fake_consents.ts";
import { json } from "./http_util.ts";

/** Globus Auth's limit of usernames or ids per identities call. */
const MAX_PER_CALL = 100;

/** An identity provider the fake knows, by username domain. */
interface FakeIdentityProvider {
  id: string;
  name: string;
  "short_name": string;
  domains: string[];
  "alternative_names": string[];
  /** The `organization` of its identities. */
  organization: string | null;
}

const PROVIDERS: readonly FakeIdentityProvider[] = [
  {
    // Globus ID's real id, so that code comparing against it works here too.
    id: "41143743-f3c8-4d60-bbdb-eeecaba85bd9",
    name: "Globus ID",
    short_name: "globusid",
    domains: ["globusid.org"],
    alternative_names: [],
    organization: null,
  },
  {
    id: "e0a1d000-0000-4000-8000-0000000000e1",
    name: "Example University",
    short_name: "example",
    domains: ["university.example.edu"],
    alternative_names: ["EU"],
    organization: "Example University",
  },
  {
    id: "c1e0d000-0000-4000-8000-0000000000c1",
    name: "Globus Auth clients",
    short_name: "clients",
    domains: ["clients.auth.globus.org"],
    alternative_names: [],
    organization: null,
  },
];

function providerOf(username: string): FakeIdentityProvider | undefined {
  const domain = username.slice(username.lastIndexOf("@") + 1).toLowerCase();
  return username.includes("@") ? PROVIDERS.find((p) => p.domains.includes(domain)) : undefined;
}

/** An identity as `GET /v2/api/identities` answers it. */
interface WireIdentity {
  id: string;
  username: string;
  name: string | null;
  email: string | null;
  "identity_provider": string;
  organization: string | null;
  status: "used" | "unused";
}

/** Identities created by `provision=true`, per running fake. */
const provisioned = new WeakMap<FakeContext, WireIdentity[]>();

function wireIdentity(
  id: string,
  username: string,
  name: string | null,
  email: string | null,
  status: WireIdentity["status"] = "used",
): WireIdentity | undefined {
  const idp = providerOf(username);
  if (!idp) return undefined;
  return {
    id,
    username,
    name,
    email,
    identity_provider: idp.id,
    organization: idp.organization,
    status,
  };
}

/** Every identity the fake knows: users, their linked identities, clients, provisioned ones. */
function directory(ctx: FakeContext): WireIdentity[] {
  const out: (WireIdentity | undefined)[] = [];
  for (const u of ctx.dataset.users) {
    out.push(wireIdentity(u.identityId, u.username, u.name, u.email));
  }
  const known = new Set(out.map((i) => i?.id));
  for (const g of ctx.dataset.groups) {
    for (const m of g.memberships) {
      if (known.has(m.identity_id)) continue;
      known.add(m.identity_id);
      const owner = ctx.dataset.users.find((u) => u.linkedIdentityIds?.includes(m.identity_id));
      out.push(wireIdentity(m.identity_id, m.username, owner?.name ?? null, null));
    }
  }
  for (const c of ctx.dataset.clients) {
    if (known.has(c.identityId)) continue;
    known.add(c.identityId);
    out.push(wireIdentity(c.identityId, `${c.clientId}@clients.auth.globus.org`, c.name, null));
  }
  out.push(...(provisioned.get(ctx) ?? []));
  return out.filter((i) => i !== undefined);
}

/** Either `a` or `b` (not both, not neither), each at most 100 items; else Globus's 400. */
function oneList(url: URL, a: string, b: string): { name: string; items: string[] } | Response {
  const first = commaParam(url, a), second = commaParam(url, b);
  if ((first === null) === (second === null)) {
    return authApiError(400, "INVALID_PARAMETERS", `Exactly one of '${a}' and '${b}' is required`);
  }
  const name = first !== null ? a : b;
  const items = [...new Set(first ?? second!)];
  if (items.length > MAX_PER_CALL) {
    return authApiError(
      400,
      "INVALID_PARAMETERS",
      `At most ${MAX_PER_CALL} values may be given in '${name}', got ${items.length}`,
    );
  }
  const badId = name === "ids" ? items.find((id) => !IDENTITY_ID.test(id)) : undefined;
  if (badId !== undefined) {
    return authApiError(400, "INVALID_PARAMETERS", `Invalid identity id: '${badId}'`);
  }
  return { name, items };
}

function handleIdentities(ctx: FakeContext, req: Request, url: URL, note: RequestNote): Response {
  const who = authCaller(ctx, req.headers, note);
  if (who instanceof Response) return who;
  if ("token" in who && !who.token.scopes.includes(AuthScopes.viewIdentities)) {
    return authApiError(403, "FORBIDDEN", "Token lacks the 'view_identities' scope");
  }
  const asked = oneList(url, "usernames", "ids");
  if (asked instanceof Response) return asked;
  const provision = booleanParam(url, "provision", false);
  if (provision === null) {
    return authApiError(400, "INVALID_PARAMETERS", "'provision' must be 'true' or 'false'");
  }
  const all = directory(ctx);
  const found: WireIdentity[] = [];
  for (const value of asked.items) {
    const lower = value.toLowerCase();
    let identity = asked.name === "ids"
      ? all.find((i) => i.id === lower)
      : all.find((i) => i.username.toLowerCase() === lower);
    if (!identity && asked.name === "usernames" && provision) {
      identity = wireIdentity(crypto.randomUUID(), lower, null, null, "unused");
      if (identity) provisioned.set(ctx, [...(provisioned.get(ctx) ?? []), identity]);
    }
    if (identity && !found.includes(identity)) found.push(identity);
  }
  return json(200, { identities: found });
}

function handleIdentityProviders(
  ctx: FakeContext,
  req: Request,
  url: URL,
  note: RequestNote,
): Response {
  const who = authCaller(ctx, req.headers, note);
  if (who instanceof Response) return who;
  const asked = oneList(url, "domains", "ids");
  if (asked instanceof Response) return asked;
  const found = PROVIDERS.filter((p) =>
    asked.items.some((x) =>
      asked.name === "ids" ? p.id === x.toLowerCase() : p.domains.includes(x.toLowerCase())
    )
  ).map(({ organization: _, ...wire }) => wire);
  return json(200, { identity_providers: found });
}

/**
 * Serves `GET /v2/api/identities`, `GET /v2/api/identity_providers` and
 * `GET /v2/api/identities/<id>/consents`; 404 for other `/v2/api/` paths.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type FakeContext, findUser, principalOfUser } from "./context.ts";
 * import { DEFAULT_IDS, defaultDataset, TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import { handleAuthApi } from "./fake_identities.ts";
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
 *   scopes: ["urn:globus:auth:scope:auth.globus.org:view_identities"],
 *   offline: false,
 * });
 * const get = (path: string) => {
 *   const req = new Request(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
 *   return handleAuthApi(ctx, req, new URL(req.url), {});
 * };
 * const found = await get("/v2/api/identities?usernames=alice@globusid.org").json();
 * assert.deepEqual(found.identities.map((i: { id: string }) => i.id), [DEFAULT_IDS.alice]);
 * const missing = get("/v2/api/nothing");
 * assert.equal(missing.status, 404);
 * assert.equal((await missing.json()).errors[0].code, "NOT_FOUND");
 * ```
 */
export function handleAuthApi(
  ctx: FakeContext,
  req: Request,
  url: URL,
  note: RequestNote,
): Response {
  const consents = /^\/v2\/api\/identities\/([^/]*)\/consents$/.exec(url.pathname);
  const handler = url.pathname === "/v2/api/identities"
    ? handleIdentities
    : url.pathname === "/v2/api/identity_providers"
    ? handleIdentityProviders
    : consents
    ? (c: FakeContext, r: Request, u: URL, n: RequestNote) =>
      handleConsents(c, r.headers, u, n, consents[1]!)
    : undefined;
  if (!handler) return authApiError(404, "NOT_FOUND", `No such path: ${url.pathname}`);
  if (req.method !== "GET") {
    return json(405, { code: "MethodNotAllowed", message: `${req.method} is not allowed here` }, {
      allow: "GET",
    });
  }
  return handler(ctx, req, url, note);
}
