/**
 * Where tokens live between runs: {@linkcode JSONTokenStorage} (the Python
 * SDK's file format, written atomically under a lock with mode 0600) and
 * {@linkcode MemoryTokenStorage}. Python: `globus_sdk.token_storage`.
 *
 * @example Keep tokens in memory
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryTokenStorage } from "./mod.ts";
 *
 * const storage = new MemoryTokenStorage();
 * assert.equal(await storage.getTokenData("groups.api.globus.org"), null);
 * ```
 *
 * @module
 */

export {
  JSONTokenStorage,
  MemoryTokenStorage,
  type ModeFix,
  type RemoveOptions,
  type RenewOptions,
  type TokenStorage,
  type TokenStorageData,
} from "./token_storage.ts";
