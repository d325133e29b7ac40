/**
 * Where tokens live between runs: {@linkcode JSONTokenStorage} (the Python
 * SDK's file format, written atomically under a lock with mode 0600) and
 * {@linkcode MemoryTokenStorage}, both a small backend plus the shared rules
 * of {@linkcode BackedTokenStorage}. Python: `globus_sdk.token_storage`.
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
  isRenewingTokenStorage,
  type RemoveOptions,
  type RenewContext,
  type RenewingTokenStorage,
  type RenewOptions,
  type TokenStorage,
  type TokenStorageData,
} from "./token_storage.ts";
export {
  BackedTokenStorage,
  LockingTokenStorage,
  type RecordChanges,
  type RecordUpdate,
  type StoredRecords,
  type TokenStorageBackend,
} from "./backed_storage.ts";
export { MemoryTokenStorage } from "./memory_storage.ts";
export {
  JSONTokenStorage,
  type JSONTokenStorageOptions,
  type LockWaitInfo,
  type ModeFix,
} from "./json_storage.ts";
