/**
 * What the storage script and the app script say about their token file:
 * that it was readable by others (and is now private), and that renewed
 * tokens could not be saved. One wording for both scripts.
 *
 * @module
 */

import type { JSONTokenStorage } from "../lib/token_storage/json_storage.ts";
import { describeError } from "./_errors.ts";
import type { Io } from "./_io.ts";

/** Says so on stderr when the token file is readable by others (and makes it private). */
export async function warnIfReadableByOthers(storage: JSONTokenStorage, io: Io): Promise<void> {
  const loose = await storage.secureFile();
  if (loose === null) return;
  const mode = loose.mode.toString(8);
  await io.err(
    loose.fixed
      ? `warning: ${storage.path} was readable by others (mode ${mode}); it is now 600\n`
      : `warning: ${storage.path} is readable by others (mode ${mode}) and could not be made private; run chmod 600 on it\n`,
  );
}

/**
 * The warning for tokens that were renewed but could not be written: the
 * run goes on with them, the next one may need a login.
 */
export function warnTokensNotSaved(io: Io, error: unknown): Promise<void> {
  return io.err(
    `warning: the renewed tokens could not be saved (${
      describeError(error)
    }); the next run may need a new login\n`,
  );
}
