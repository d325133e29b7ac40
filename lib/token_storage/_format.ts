/**
 * Private: the JSON token file format shared with the Python SDK's
 * `JSONTokenStorage` (format_version 2.0, reading 1.0), its validation, and a
 * serializer that writes exactly what Python's `json.dump` writes.
 *
 * Nothing here does I/O. Messages never contain a token: they name keys,
 * namespaces, resource servers and JSON types, never values.
 *
 * @module
 */

import { GlobusSDKUsageError, TokenStorageError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";

/**
 * The tokens stored for one resource server. Python: `TokenStorageData`. On
 * disk the fields have Python's snake_case names; null fields are omitted.
 *
 * @example
 * ```ts
 * import type { TokenStorageData } from "./token_storage.ts";
 * const data: TokenStorageData = {
 *   resourceServer: "groups.api.globus.org", identityId: null,
 *   scope: "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
 *   accessToken: "AT", refreshToken: "RT", expiresAtSeconds: 1796183373, tokenType: "Bearer",
 *   extra: {},
 * };
 * console.log(data.expiresAtSeconds * 1000 > Date.now());
 * ```
 */
export interface TokenStorageData {
  /** The service the tokens are for, e.g. `groups.api.globus.org`. */
  resourceServer: string;
  /** The Globus identity (id_token `sub`) that logged in, when known. */
  identityId: string | null;
  /** Space-separated scopes of the access token. */
  scope: string;
  /** The access token. */
  accessToken: string;
  /** The refresh token, if there is one. */
  refreshToken: string | null;
  /** When the access token expires, in integer POSIX seconds. */
  expiresAtSeconds: number;
  /** Normally `"Bearer"`. */
  tokenType: string | null;
  /** Fields this SDK does not know, kept and written back unchanged. */
  extra: Record<string, unknown>;
}

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** Appended to every "bad file" message. */
const FIX = "fix or remove the file";

/** The record fields in the order Python's `TokenStorageData.to_dict()` writes them. */
const FIELDS = [
  ["resource_server", "resourceServer", "string"],
  ["identity_id", "identityId", "nullable"],
  ["scope", "scope", "string"],
  ["access_token", "accessToken", "string"],
  ["refresh_token", "refreshToken", "nullable"],
  ["expires_at_seconds", "expiresAtSeconds", "integer"],
  ["token_type", "tokenType", "nullable"],
] as const;

const WIRE_NAMES: ReadonlySet<string> = new Set(FIELDS.map(([wire]) => wire));

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `obj[key]` when `key` is an own property (so "constructor" or "__proto__" find nothing inherited). */
export function own(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Sets an own property; an existing key keeps its position, "__proto__" stays a plain key. */
export function setOwn(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const t = typeof value;
  return t === "object"
    ? "an object"
    : t === "number" && !Number.isSafeInteger(value)
    ? "a non-integer number"
    : `a ${t}`;
}

function fieldProblem(name: string, kind: string, value: unknown): string | null {
  const ok = kind === "string"
    ? typeof value === "string"
    : kind === "nullable"
    ? value === undefined || value === null || typeof value === "string"
    : typeof value === "number" && Number.isSafeInteger(value); // booleans rejected (W32)
  if (ok) return null;
  const want = kind === "string"
    ? "a string"
    : kind === "nullable"
    ? "a string or null"
    : "an integer";
  return `'${name}' must be ${want} (it is ${describe(value)})`;
}

/** What is wrong with a stored record (wire names), or null when it is valid. */
export function recordProblem(record: unknown): string | null {
  if (!isObject(record)) return `is ${describe(record)}, not an object`;
  for (const [wire, , kind] of FIELDS) {
    const problem = fieldProblem(wire, kind, own(record, wire));
    if (problem) return problem;
  }
  return null;
}

/** Converts a valid stored record to {@linkcode TokenStorageData}; unknown keys go to `extra`. */
export function recordToData(record: JsonObject): TokenStorageData {
  const value = (wire: string) => own(record, wire) ?? null;
  return {
    resourceServer: value("resource_server") as string,
    identityId: value("identity_id") as string | null,
    scope: value("scope") as string,
    accessToken: value("access_token") as string,
    refreshToken: value("refresh_token") as string | null,
    expiresAtSeconds: value("expires_at_seconds") as number,
    tokenType: value("token_type") as string | null,
    extra: Object.fromEntries(Object.entries(record).filter(([k]) => !WIRE_NAMES.has(k))),
  };
}

/** The stored record of `data`: known fields in Python's order, nulls omitted, then `extra`. */
export function dataToRecord(data: TokenStorageData): JsonObject {
  const entries: [string, unknown][] = [];
  for (const [wire, camel] of FIELDS) {
    const value = data[camel];
    if (value !== null && value !== undefined) entries.push([wire, value]);
  }
  entries.push(...Object.entries(data.extra));
  return Object.fromEntries(entries);
}

/**
 * Throws {@linkcode GlobusSDKUsageError} when `data` cannot be stored under `key`.
 * Returns a copy that shares nothing with the caller's object.
 */
export function checkedData(key: string, data: TokenStorageData): TokenStorageData {
  const where = `TokenStorageData for ${JSON.stringify(key)}`;
  if (!isObject(data)) throw new GlobusSDKUsageError(`${where} must be an object`);
  for (const [, camel, kind] of FIELDS) {
    const problem = fieldProblem(camel, kind, data[camel]);
    if (problem) throw new GlobusSDKUsageError(`${where}: ${problem}`);
  }
  if (data.resourceServer !== key) {
    throw new GlobusSDKUsageError(
      `${where}: its resourceServer is ${JSON.stringify(data.resourceServer)}`,
    );
  }
  if (!isObject(data.extra)) throw new GlobusSDKUsageError(`${where}: 'extra' must be an object`);
  const clash = Object.keys(data.extra).find((k) => WIRE_NAMES.has(k));
  if (clash) throw new GlobusSDKUsageError(`${where}: 'extra' must not hold the field '${clash}'`);
  return recordToData(JSON.parse(JSON.stringify(dataToRecord(data))));
}

/** A file that does not exist yet, as Python's `_load` pictures it. */
export function emptyTokenFile(): JsonObject {
  return { data: {}, format_version: "2.0", "globus-sdk.version": VERSION };
}

/**
 * Parses and validates a token file, returning it in 2.0 shape (a 1.0 file is
 * rebuilt in memory as namespace `DEFAULT`, as Python does). Every namespace
 * and every record is checked, so a write never builds on a bad file.
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
  for (const [namespace, records] of Object.entries(data)) {
    const ns = `namespace ${JSON.stringify(namespace)}`;
    if (!isObject(records)) throw bad(`${ns} is ${describe(records)}, not an object`);
    for (const [rs, record] of Object.entries(records)) {
      const problem = recordProblem(record);
      if (problem) throw bad(`record ${JSON.stringify(rs)} in ${ns}: ${problem}`);
    }
  }
  return doc;
}

/** The records object of `namespace` in a parsed file, if any. */
export function namespaceRecords(doc: JsonObject, namespace: string): JsonObject | undefined {
  return own(own(doc, "data") as JsonObject, namespace) as JsonObject | undefined;
}

// ---- Python json.dump(obj) with default settings -----------------------------

/**
 * Serializes `value` exactly as Python's `json.dumps(value)` does by default:
 * one line, separators `", "` and `": "`, every character outside printable
 * ASCII escaped as lowercase `\uXXXX` (astral characters as surrogate pairs),
 * no trailing newline.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value).replace(
        /[\u007f-\uffff]/g,
        (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
      );
    case "number":
      return pythonNumber(value);
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
      const items = Object.entries(value as JsonObject)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`);
      return `{${items.join(", ")}}`;
    }
  }
  throw new TypeError(`cannot serialize a ${typeof value} as JSON`);
}

/**
 * A number as Python writes it. Integral values are written as integers
 * (JSON.parse cannot tell `1.0` from `1`); other values use Python's float
 * repr: the shortest round-trip digits (same as JavaScript), in exponent form
 * when the exponent is below -4 or at least 16.
 */
function pythonNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError("cannot serialize a non-finite number as JSON");
  if (Number.isInteger(n)) return Object.is(n, -0) ? "0" : BigInt(n).toString();
  const [mantissa, expText] = n.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) return String(n); // JS uses fixed notation here too
  const sign = exp < 0 ? "-" : "+";
  return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
}
