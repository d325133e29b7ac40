/**
 * Parsing of error bodies the way the Python SDK does (its "Type Zero",
 * JSON:API and undefined formats), plus OAuth 2's `error` and
 * `error_description`. {@linkcode GlobusAPIError} is its one user.
 *
 * @module
 */

import { isObject } from "./json.ts";

/** What the parser needs of a failed exchange. */
interface ErrorBodyInput {
  readonly headers: Headers;
  readonly text: string;
}

/** One sub-error (the same shape as the public `Subdocument`). */
interface Subdocument {
  readonly code: string | undefined;
  readonly message: string | undefined;
  readonly raw: Record<string, unknown>;
}

/** The parts of an error body. */
export interface ParsedBody {
  rawJson: unknown;
  code: string | undefined;
  messages: string[];
  requestId: string | undefined;
  errors: Subdocument[];
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function mimeType(headers: Headers): string {
  return (headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

function parseJson(init: ErrorBodyInput): unknown {
  const mime = mimeType(init.headers);
  const isJson = mime === "application/json" ||
    (mime.startsWith("application/") && mime.endsWith("+json"));
  if (!isJson) return undefined;
  try {
    return JSON.parse(init.text);
  } catch {
    return undefined;
  }
}

/** The sub-errors: the `errors` list when it is a list of objects (even an empty one, as Python), else the root. */
function subdocuments(
  root: Record<string, unknown>,
  messageKeys: readonly string[],
): Subdocument[] {
  const list = Array.isArray(root.errors) && root.errors.every(isObject)
    ? root.errors as Record<string, unknown>[]
    : [root];
  return toSubdocuments(list, messageKeys);
}

function toSubdocuments(
  list: readonly Record<string, unknown>[],
  messageKeys: readonly string[],
): Subdocument[] {
  return list.map((raw) => ({
    raw,
    code: str(raw.code),
    message: messageKeys.map((k) => str(raw[k])).find((m) => m !== undefined),
  }));
}

function singleCode(errors: readonly Subdocument[]): string | undefined {
  const codes = new Set(errors.map((e) => e.code).filter((c) => c !== undefined));
  return codes.size === 1 ? [...codes][0] : undefined;
}

/** The Python SDK's three body formats, plus OAuth 2's `error`/`error_description`. */
export function parseErrorBody(init: ErrorBodyInput): ParsedBody {
  const rawJson = parseJson(init);
  const none: ParsedBody = {
    rawJson,
    code: undefined,
    messages: [],
    requestId: undefined,
    errors: [],
  };
  if (!isObject(rawJson)) return none;

  // JSON:API
  if (mimeType(init.headers) === "application/vnd.api+json") {
    const list = rawJson.errors;
    if (Array.isArray(list) && list.length > 0 && list.every(isObject)) {
      const errors = subdocuments(rawJson, ["detail", "title"]);
      return {
        ...none,
        errors,
        code: singleCode(errors),
        messages: errors.map((e) => e.message).filter((m) => m !== undefined),
      };
    }
  } else if (
    typeof rawJson.code === "string" && typeof rawJson.message === "string" &&
    (rawJson.request_id === undefined || typeof rawJson.request_id === "string")
  ) {
    // "Type Zero": {code, message, request_id?}
    return {
      ...none,
      code: rawJson.code,
      messages: [rawJson.message],
      requestId: str(rawJson.request_id),
      errors: subdocuments(rawJson, ["message", "detail", "title"]),
    };
  }

  // Undefined format, with OAuth 2's fields understood.
  const errors = subdocuments(rawJson, ["message", "detail", "title"]);
  // An empty `errors` list: the messages come from the root, as in Python.
  const messages =
    (errors.length > 0 ? errors : toSubdocuments([rawJson], ["message", "detail", "title"]))
      .map((e) => e.message).filter((m) => m !== undefined);
  const oauthDescription = str(rawJson.error_description);
  if (messages.length === 0 && oauthDescription) messages.push(oauthDescription);
  return {
    ...none,
    errors,
    code: str(rawJson.code) ?? singleCode(errors) ?? str(rawJson.error),
    messages,
    requestId: str(rawJson.request_id),
  };
}
