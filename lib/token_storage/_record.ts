/**
 * Private: one stored record — its fields in Python's order and types, the
 * checks that say what is wrong with one, and the conversion between the
 * wire form (snake_case, nulls omitted, unknown keys kept) and
 * {@linkcode TokenStorageData}.
 *
 * Messages never contain a token: they name fields and JSON types, never values.
 *
 * @module
 */

import { GlobusSDKUsageError } from "../core/errors.ts";
import { isObject } from "../core/json.ts";
import type { TokenStorageData } from "./token_storage.ts";

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

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

export { isObject } from "../core/json.ts";

/** `obj[key]` when `key` is an own property (so "constructor" or "__proto__" find nothing inherited). */
export function own(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Sets an own property; an existing key keeps its position, "__proto__" stays a plain key. */
export function setOwn(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** What a value is, for messages: a JSON type, never the value. */
export function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const t = typeof value;
  return t === "object"
    ? "an object"
    : t === "number" && !Number.isInteger(value)
    ? "a non-integer number"
    : `a ${t}`;
}

function fieldProblem(name: string, kind: string, value: unknown): string | null {
  // Any integral number passes, as any Python int does: a file with an absurd
  // expiry (older versions wrote one) stays readable, and the next 401 renews it.
  // Booleans are refused, unlike Python (where bool is an int).
  const ok = kind === "string"
    ? typeof value === "string"
    : kind === "nullable"
    ? value === undefined || value === null || typeof value === "string"
    : typeof value === "number" && Number.isInteger(value);
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

/** The namespace option, checked; `"DEFAULT"` when absent. */
export function checkNamespace(options: { namespace?: string } | undefined): string {
  const namespace = options?.namespace ?? "DEFAULT";
  if (typeof namespace !== "string") throw new GlobusSDKUsageError("namespace must be a string");
  return namespace;
}
