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
 * ```ts ignore
 * const ctx: FakeContext = { url, dataset, store, key, now: Date.now, codeLifetimeSeconds: 600 };
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
 * import type { RequestNote } from "./context.ts";
 * const note: RequestNote = { grantType: "refresh_token" };
 * console.log(note.grantType);
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
 * import { defaultDataset } from "./default_dataset.ts";
 * import { findUser } from "./context.ts";
 * console.log(findUser(defaultDataset(), "alice")?.username); // "alice@globusid.org"
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
 * import { defaultDataset, TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import { findClient } from "./context.ts";
 * console.log(findClient(defaultDataset(), TUTORIAL_CLIENT_ID)?.type); // "native"
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
 * import { defaultDataset } from "./default_dataset.ts";
 * import { principalOfUser } from "./context.ts";
 * const alice = defaultDataset().users[0]!;
 * console.log(principalOfUser(alice).identitySet.length); // 2
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
 * import { defaultDataset } from "./default_dataset.ts";
 * import { principalOfClient } from "./context.ts";
 * const client = defaultDataset().clients[1]!;
 * console.log(principalOfClient(client).username.endsWith("@clients.auth.globus.org"));
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
