/**
 * State shared by the fake Auth and Groups handlers, and look-ups of users,
 * clients and the identities they act as.
 *
 * @module
 */

import type { FakeClient, FakeDataset, FakeUser } from "./dataset.ts";
import type { SigningKey } from "./jwt.ts";
import type { Principal } from "./token_types.ts";
import type { TokenStore } from "./tokens.ts";

/**
 * What one running fake knows and how it is configured.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FakeContext } from "./context.ts";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore } from "./tokens.ts";
 * import { defaultDataset } from "./default_dataset.ts";
 * import { route } from "./router.ts";
 *
 * const url = "http://127.0.0.1:8765"; // the origin written into answers; nothing listens
 * const key = await generateSigningKey();
 * const store = new TokenStore({
 *   now: Date.now, issuer: url, key, accessTokenLifetimeSeconds: 60, rotateRefreshTokens: false,
 * });
 * const ctx: FakeContext = {
 *   url, dataset: defaultDataset(), store, key, now: Date.now, codeLifetimeSeconds: 600,
 * };
 * // Every handler takes the context: no server is needed to call one.
 * const res = await route(ctx, new Request(`${url}/.well-known/openid-configuration`), {});
 * assert.equal((await res.json()).issuer, url);
 * ```
 */
export interface FakeContext {
  /** Server origin without trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Users, groups and clients. */
  dataset: FakeDataset;
  /** Issued tokens and codes. */
  store: TokenStore;
  /** Signing key of id_tokens. */
  key: SigningKey;
  /** Millisecond clock. */
  now: () => number;
  /** Lifetime of authorization codes, seconds. */
  codeLifetimeSeconds: number;
}

/**
 * Facts a handler reports for the request log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RequestNote } from "./context.ts";
 * import type { FakeContext } from "./context.ts";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore } from "./tokens.ts";
 * import { defaultDataset, TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import { handleToken } from "./fake_token_endpoint.ts";
 *
 * const url = "http://127.0.0.1:8765"; // the origin written into answers; nothing listens
 * const key = await generateSigningKey();
 * const store = new TokenStore({
 *   now: Date.now, issuer: url, key, accessTokenLifetimeSeconds: 60, rotateRefreshTokens: false,
 * });
 * const ctx: FakeContext = {
 *   url, dataset: defaultDataset(), store, key, now: Date.now, codeLifetimeSeconds: 600,
 * };
 * const note: RequestNote = {};
 * const form = new URLSearchParams({
 *   "grant_type": "refresh_token",
 *   "client_id": TUTORIAL_CLIENT_ID,
 *   "refresh_token": "never-issued",
 * });
 * const req = new Request(`${url}/v2/oauth2/token`, { method: "POST", body: form });
 * const res = await handleToken(ctx, req, note);
 * assert.equal(res.status, 400); // invalid_grant, yet the note says who asked for what
 * assert.deepEqual(note, { grantType: "refresh_token", clientId: TUTORIAL_CLIENT_ID });
 * ```
 */
export interface RequestNote {
  /** `grant_type` of a token request. */
  grantType?: string;
  /** The client that made the call, as far as it could be told. */
  clientId?: string;
}

/**
 * Finds a user by full username (`alice@globusid.org`) or by the part before
 * the `@` (`alice`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_IDS, defaultDataset } from "./default_dataset.ts";
 * import { findUser } from "./context.ts";
 *
 * const data = defaultDataset();
 * assert.equal(findUser(data, "alice")?.username, "alice@globusid.org");
 * assert.equal(findUser(data, "alice@globusid.org")?.identityId, DEFAULT_IDS.alice);
 * assert.equal(findUser(data, "mallory"), undefined);
 * ```
 */
export function findUser(dataset: FakeDataset, username: string): FakeUser | undefined {
  return dataset.users.find((u) => u.username === username) ??
    dataset.users.find((u) => u.username.split("@")[0] === username);
}

/**
 * Finds a registered client by id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CONFIDENTIAL_CLIENT_ID, defaultDataset, TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import { findClient } from "./context.ts";
 *
 * const data = defaultDataset();
 * assert.equal(findClient(data, TUTORIAL_CLIENT_ID)?.type, "native");
 * assert.equal(findClient(data, CONFIDENTIAL_CLIENT_ID)?.type, "confidential");
 * assert.equal(findClient(data, "no-such-client"), undefined);
 * ```
 */
export function findClient(dataset: FakeDataset, clientId: string): FakeClient | undefined {
  return dataset.clients.find((c) => c.clientId === clientId);
}

/**
 * The principal a user's tokens speak for.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_IDS, defaultDataset } from "./default_dataset.ts";
 * import { findUser, principalOfUser } from "./context.ts";
 *
 * const alice = findUser(defaultDataset(), "alice")!;
 * assert.deepEqual(principalOfUser(alice), {
 *   identityId: DEFAULT_IDS.alice,
 *   username: "alice@globusid.org",
 *   name: "Alice Liddell",
 *   email: "alice@example.org",
 *   identitySet: [DEFAULT_IDS.alice, DEFAULT_IDS.aliceLinked], // primary first, then linked
 * });
 * ```
 */
export function principalOfUser(user: FakeUser): Principal {
  return {
    identityId: user.identityId,
    username: user.username,
    name: user.name,
    email: user.email,
    identitySet: [user.identityId, ...(user.linkedIdentityIds ?? [])],
  };
}

/**
 * The principal of a client acting as itself (client credentials).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CONFIDENTIAL_CLIENT_ID, defaultDataset } from "./default_dataset.ts";
 * import { findClient, principalOfClient } from "./context.ts";
 *
 * const client = findClient(defaultDataset(), CONFIDENTIAL_CLIENT_ID)!;
 * assert.deepEqual(principalOfClient(client), {
 *   identityId: CONFIDENTIAL_CLIENT_ID, // a client's identity id is its client id, as at Globus
 *   username: `${CONFIDENTIAL_CLIENT_ID}@clients.auth.globus.org`,
 *   name: client.name,
 *   email: null,
 *   identitySet: [CONFIDENTIAL_CLIENT_ID],
 * });
 * ```
 */
export function principalOfClient(client: FakeClient): Principal {
  return {
    identityId: client.identityId,
    username: `${client.clientId}@clients.auth.globus.org`,
    name: client.name,
    email: null,
    identitySet: [client.identityId],
  };
}
