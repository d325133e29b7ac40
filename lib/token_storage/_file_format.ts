/**
 * Private: the JSON token file format shared with the Python SDK's
 * `JSONTokenStorage` (format_version 2.0, reading 1.0).
 *
 * A file is checked in two steps, as Python checks it: its outer structure
 * on every read, and the records of one namespace only when that namespace
 * is used. A malformed record in a namespace this run does not use keeps the
 * file usable, and is written back exactly as it was parsed.
 *
 * Nothing here does I/O. Messages never contain a token.
 *
 * @module
 */

import { TokenStorageError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import { describe, isObject, type JsonObject, own, recordProblem } from "./_record.ts";

/** Appended to every "bad file" message. */
const FIX = "fix or remove the file";

/** A file that does not exist yet, as Python's `_load` pictures it. */
export function emptyTokenFile(): JsonObject {
  return { data: {}, format_version: "2.0", "globus-sdk.version": VERSION };
}

/**
 * Parses a token file and checks its outer structure, returning it in 2.0
 * shape (a 1.0 file is rebuilt in memory as namespace `DEFAULT`, as Python
 * does). Records are checked by {@linkcode namespaceRecords}.
 *
 * @throws {TokenStorageError} naming the path and the problem.
 */
export function parseTokenFile(path: string, bytes: Uint8Array): JsonObject {
  const bad = (problem: string) => new TokenStorageError(path, `${problem}; ${FIX}`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw bad("not valid UTF-8");
  }
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    // V8 quotes a piece of the input in some messages (it could be a token):
    // keep only messages without quoted input, and attach no cause.
    const msg = err instanceof Error ? err.message : "";
    const safe = text.trim() === ""
      ? "the file is empty"
      : msg && !msg.includes('"')
      ? msg
      : "unexpected character";
    throw bad(`not valid JSON (${safe})`);
  }
  if (!isObject(root)) throw bad(`the top level is ${describe(root)}, not a JSON object`);
  const version = own(root, "format_version");
  if (version === "1.0") {
    const byRs = own(root, "by_rs");
    if (!isObject(byRs)) {
      throw bad(`format_version 1.0 needs a "by_rs" object (it is ${describe(byRs)})`);
    }
    root = { data: { DEFAULT: byRs }, format_version: "2.0", "globus-sdk.version": VERSION };
  } else if (version !== "2.0") {
    const what = version === undefined
      ? "no format_version"
      : `unknown format_version ${JSON.stringify(version)}`;
    throw new TokenStorageError(
      path,
      `${what} (this SDK reads "1.0" and "2.0"); if a newer SDK wrote it, upgrade, otherwise ${FIX}`,
    );
  }
  const doc = root as JsonObject;
  const sdkVersion = own(doc, "globus-sdk.version");
  if (typeof sdkVersion !== "string") {
    throw bad(`"globus-sdk.version" must be a string (it is ${describe(sdkVersion)})`);
  }
  const data = own(doc, "data");
  if (!isObject(data)) throw bad(`"data" must be an object (it is ${describe(data)})`);
  return doc;
}

/**
 * The records of `namespace` in a parsed file (empty when it has none),
 * each checked.
 *
 * @throws {TokenStorageError} for a namespace or record of the wrong shape.
 */
export function namespaceRecords(path: string, doc: JsonObject, namespace: string): JsonObject {
  const records = own(own(doc, "data") as JsonObject, namespace);
  if (records === undefined) return {};
  const ns = `namespace ${JSON.stringify(namespace)}`;
  if (!isObject(records)) {
    throw new TokenStorageError(path, `${ns} is ${describe(records)}, not an object; ${FIX}`);
  }
  for (const [rs, record] of Object.entries(records)) {
    const problem = recordProblem(record);
    if (problem) {
      throw new TokenStorageError(
        path,
        `record ${JSON.stringify(rs)} in ${ns}: ${problem}; ${FIX}`,
      );
    }
  }
  return records;
}
