/**
 * Turns many usernames and identity ids into identities with few calls:
 * collect them first, then each lookup resolves a batch of up to 100 of the
 * same kind at once and caches every answer by id and by username.
 * Python: `globus_sdk.IdentityMap`.
 *
 * @module
 */

import { GlobusSDKUsageError } from "../../core/errors.ts";
import { type AuthClient, IDENTITIES_BATCH_LIMIT, type Identity } from "./auth_client.ts";

/**
 * Options of an {@linkcode IdentityMap}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { IdentityMapOptions } from "./identity_map.ts";
 *
 * const small: IdentityMapOptions = { batchSize: 10, provision: false };
 * assert.equal(small.batchSize, 10);
 * ```
 */
export interface IdentityMapOptions {
  /** Usernames or ids per call, 1 to 100. Default 100 (Python: `id_batch_size`). */
  readonly batchSize?: number;
  /** Ask Globus to create identities for unknown usernames (status `unused`). Default false. */
  readonly provision?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `value` is looked up as a username: anything that is not a UUID,
 * as Python's `is_username` decides.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isUsername } from "./identity_map.ts";
 *
 * assert.equal(isUsername("alice@globusid.org"), true);
 * assert.equal(isUsername("a11ce000-0000-4000-8000-000000000001"), false);
 * ```
 */
export function isUsername(value: string): boolean {
  return !UUID.test(value);
}

/**
 * The cache key of a username or id. Globus usernames, and the hex of
 * UUIDs, are case-insensitive: `Alice@GlobusID.org` must find the identity
 * Globus answers as `alice@globusid.org`.
 */
function keyOf(value: string): string {
  return value.toLowerCase();
}

/**
 * A lazy, batching, caching map from usernames and identity ids to
 * identities. `add()` collects names; the first `get()` of a name resolves
 * it together with up to 99 other collected names of the same kind
 * (usernames or ids) in one `getIdentities()` call. Each identity is
 * cached under its id and its username; a name Globus does not know is
 * remembered as unknown (Python asks again every time) and answers
 * `undefined`. Concurrent `get()`s of names in the same batch share one call.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IdentityMap } from "./identity_map.ts";
 * import { AuthClient } from "./auth_client.ts";
 * import { AccessTokenAuthorizer } from "../../authorizers/mod.ts";
 * import { DEFAULT_IDS, startFakeGlobus, TUTORIAL_CLIENT_ID } from "../../testing/mod.ts";
 *
 * await using fake = await startFakeGlobus();
 * const token = fake.issueTokens({
 *   username: "alice", clientId: TUTORIAL_CLIENT_ID, scopes: [AuthClient.scopes.viewIdentities],
 * }).access_token;
 * const auth = new AuthClient({ baseUrl: fake.authUrl, authorizer: new AccessTokenAuthorizer(token) });
 *
 * const map = new IdentityMap(auth, ["bob@globusid.org", "nobody@globusid.org", DEFAULT_IDS.carol]);
 * assert.equal((await map.get("bob@globusid.org"))?.id, DEFAULT_IDS.bob);
 * assert.equal(await map.get("nobody@globusid.org"), undefined); // answered by the same call
 * assert.equal((await map.get(DEFAULT_IDS.carol))?.username, "carol@globusid.org");
 * assert.equal((await map.get(DEFAULT_IDS.bob))?.username, "bob@globusid.org"); // cached by id too
 * ```
 */
export class IdentityMap {
  /** The client the lookups go through. */
  readonly authClient: AuthClient;
  /** Names per call. */
  readonly batchSize: number;
  /** Whether unknown usernames are provisioned. */
  readonly provision: boolean;
  /** Collected, not yet looked up: key -> the name as given. */
  readonly #unresolvedUsernames = new Map<string, string>();
  readonly #unresolvedIds = new Map<string, string>();
  /** Looked up: key -> the identity, or null for "Globus does not know it". */
  readonly #cache = new Map<string, Identity | null>();
  /** Being looked up: key -> the call that will answer it. */
  readonly #inFlight = new Map<string, Promise<void>>();

  /**
   * A map over `authClient`, seeded with `identityIds` (usernames and ids,
   * mixed). No network I/O.
   *
   * @throws {GlobusSDKUsageError} for a batch size outside 1..100.
   */
  constructor(
    authClient: AuthClient,
    identityIds: Iterable<string> = [],
    options: IdentityMapOptions = {},
  ) {
    const batchSize = options.batchSize ?? IDENTITIES_BATCH_LIMIT;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > IDENTITIES_BATCH_LIMIT) {
      throw new GlobusSDKUsageError(
        `IdentityMap batchSize must be an integer from 1 to ${IDENTITIES_BATCH_LIMIT}, got ${batchSize}`,
      );
    }
    this.authClient = authClient;
    this.batchSize = batchSize;
    this.provision = options.provision ?? false;
    for (const value of identityIds) this.add(value);
  }

  /**
   * Collects a username or id for a later batch. Returns false when it is
   * already collected, being looked up, or looked up. Python: `add`.
   */
  add(value: string): boolean {
    const key = keyOf(value);
    const pending = isUsername(value) ? this.#unresolvedUsernames : this.#unresolvedIds;
    if (this.#cache.has(key) || this.#inFlight.has(key) || pending.has(key)) return false;
    pending.set(key, value);
    return true;
  }

  /**
   * The identity of a username or id, or `undefined` when Globus does not
   * know it. A name not yet looked up is, along with other collected names
   * of its kind. Python: `get` (and `map[key]`, which raises `KeyError`
   * where this answers undefined).
   *
   * @throws {GlobusAPIError} when the lookup fails; the names of that batch
   *   are collected again, so a later `get()` retries them.
   */
  async get(value: string): Promise<Identity | undefined> {
    const key = keyOf(value);
    if (!this.#cache.has(key)) await (this.#inFlight.get(key) ?? this.#fetchBatchIncluding(value));
    return this.#cache.get(key) ?? undefined;
  }

  /**
   * Forgets a cached answer (by the key given only: an identity looked up by
   * id stays cached under its username). Returns whether there was one.
   * Python: `del map[key]`.
   */
  delete(value: string): boolean {
    return this.#cache.delete(keyOf(value));
  }

  #fetchBatchIncluding(value: string): Promise<void> {
    const byUsername = isUsername(value);
    const pending = byUsername ? this.#unresolvedUsernames : this.#unresolvedIds;
    const batch = new Map<string, string>([[keyOf(value), value]]);
    pending.delete(keyOf(value));
    for (const [key, name] of pending) {
      if (batch.size >= this.batchSize) break;
      pending.delete(key);
      batch.set(key, name);
    }
    const call = this.#lookUp([...batch.values()], byUsername).then(
      (identities) => {
        for (const identity of identities) {
          this.#cache.set(keyOf(identity.id), identity);
          this.#cache.set(keyOf(identity.username), identity);
        }
        for (const key of batch.keys()) if (!this.#cache.has(key)) this.#cache.set(key, null);
      },
      (error: unknown) => {
        for (const [key, name] of batch) if (!this.#cache.has(key)) pending.set(key, name);
        throw error;
      },
    ).finally(() => {
      for (const key of batch.keys()) this.#inFlight.delete(key);
    });
    for (const key of batch.keys()) this.#inFlight.set(key, call);
    return call;
  }

  #lookUp(names: string[], byUsername: boolean): Promise<Identity[]> {
    return byUsername
      ? this.authClient.getIdentities({ usernames: names, provision: this.provision })
      : this.authClient.getIdentities({ ids: names });
  }
}
