/**
 * The one error hierarchy of this SDK. Everything it throws on purpose is a
 * {@linkcode GlobusError}; callers catch the subclass that matches what they
 * can do something about.
 *
 * ```
 * GlobusError
 * ├─ GlobusSDKUsageError          the caller used the SDK wrongly
 * ├─ GlobusAPIError               Globus answered 4xx/5xx
 * │  ├─ AuthAPIError
 * │  │  └─ RefreshTokenRejectedError   the stored login is dead: log in again
 * │  └─ GroupsAPIError
 * ├─ NetworkError                 no usable answer arrived
 * │  ├─ GlobusTimeoutError
 * │  └─ GlobusConnectionError
 * ├─ TokenStorageError            the token file cannot be used as it is
 * └─ LoginFlowError               an interactive login did not complete
 *    ├─ LoginFlowTimeoutError         nobody came back from the browser in time
 *    └─ BrowserUnavailableError       no browser can work here: use copy-paste
 * ```
 *
 * No message built here contains a token or a client secret: messages carry
 * the method, URL, status and what Globus said, never request bodies or headers.
 *
 * @module
 */

/**
 * Base class of every error this SDK throws on purpose. Python: `GlobusError`.
 *
 * @example Catch anything the SDK raised
 * ```ts
 * import { GlobusError } from "./errors.ts";
 * try {
 *   throw new GlobusError("something went wrong");
 * } catch (err) {
 *   if (err instanceof GlobusError) console.error(err.message);
 * }
 * ```
 */
export class GlobusError extends Error {
  /** Creates the error; `options.cause` chains the underlying failure. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The SDK was called in a way that cannot work (a missing argument, an
 * invalid PKCE verifier, a flow that was never started).
 * Python: `GlobusSDKUsageError`.
 *
 * @example
 * ```ts
 * import { GlobusSDKUsageError } from "./errors.ts";
 * const err = new GlobusSDKUsageError("verifier contained invalid characters");
 * console.log(err.name); // "GlobusSDKUsageError"
 * ```
 */
export class GlobusSDKUsageError extends GlobusError {}

/**
 * One entry of an API error's `errors` list, in whatever shape Globus sent it.
 *
 * @example
 * ```ts
 * import type { ErrorSubdocument } from "./errors.ts";
 * const sub: ErrorSubdocument = { code: "UNKNOWN_PARAM", message: "unknown 'foo'", raw: {} };
 * console.log(sub.code);
 * ```
 */
export interface ErrorSubdocument {
  /** The sub-error's `code`, when it is a string. */
  readonly code: string | undefined;
  /** The sub-error's message (`message`, `detail` or `title`, by the body's format). */
  readonly message: string | undefined;
  /** The sub-error object exactly as received. */
  readonly raw: Record<string, unknown>;
}

/**
 * What a client knows about a failed HTTP exchange, enough to build a
 * {@linkcode GlobusAPIError} from.
 *
 * @example
 * ```ts
 * import { GlobusAPIError, type APIErrorInit } from "./errors.ts";
 * const init: APIErrorInit = {
 *   method: "GET", url: "https://groups.api.globus.org/v2/groups/x",
 *   httpStatus: 404, httpReason: "Not Found", headers: new Headers(), text: "",
 * };
 * console.log(new GlobusAPIError(init).message);
 * ```
 */
export interface APIErrorInit {
  /** HTTP method of the request. */
  readonly method: string;
  /** Full URL of the request. */
  readonly url: string;
  /** HTTP status of the response. */
  readonly httpStatus: number;
  /** HTTP reason phrase of the response (may be empty). */
  readonly httpReason: string;
  /** Response headers. */
  readonly headers: Headers;
  /** Response body as text. */
  readonly text: string;
}

/**
 * Globus answered with an HTTP status of 400 or more. Python: `GlobusAPIError`.
 *
 * The body is parsed the way the Python SDK parses it (its "Type Zero",
 * JSON:API and undefined formats), and also understands OAuth 2 error bodies
 * (`{"error": "invalid_grant", "error_description": "…"}`), which Python does
 * not (its weakness W21).
 *
 * `message` is the one-line summary, e.g.
 * `GET https://groups.api.globus.org/v2/groups/x 404 GroupNotFound: Group not found (request_id=rid-1)`.
 * What Globus itself said is `apiMessage` (Python's `.message`) and `messages`.
 *
 * @example Tell a missing group from other failures
 * ```ts
 * import { GlobusAPIError } from "./errors.ts";
 * const err = new GlobusAPIError({
 *   method: "GET", url: "https://groups.api.globus.org/v2/groups/x", httpStatus: 404,
 *   httpReason: "Not Found", headers: new Headers({ "content-type": "application/json" }),
 *   text: '{"code":"GroupNotFound","message":"Group not found","request_id":"rid-1"}',
 * });
 * console.log(err.httpStatus, err.code, err.requestId); // 404 GroupNotFound rid-1
 * ```
 */
export class GlobusAPIError extends GlobusError {
  /** HTTP method of the failed request. */
  readonly method: string;
  /** URL of the failed request. */
  readonly url: string;
  /** HTTP status code. Python: `http_status`. */
  readonly httpStatus: number;
  /** HTTP reason phrase. Python: `http_reason`. */
  readonly httpReason: string;
  /** Response headers. */
  readonly headers: Headers;
  /** Raw response body. */
  readonly text: string;
  /** Parsed JSON body when the response declared JSON and it parsed; otherwise undefined. Python: `raw_json`. */
  readonly rawJson: unknown;
  /** The error code Globus gave, if any. Python: `code`. */
  readonly code: string | undefined;
  /** Every message Globus gave. Python: `messages`. */
  readonly messages: readonly string[];
  /** The messages joined with `"; "`, or undefined when there are none. Python: `message`. */
  readonly apiMessage: string | undefined;
  /** Globus's request id, for support requests. Python: `request_id`. */
  readonly requestId: string | undefined;
  /** The error's sub-documents. Python: `errors`. */
  readonly errors: readonly ErrorSubdocument[];

  /** Parses the response described by `init`. */
  constructor(init: APIErrorInit, options?: ErrorOptions) {
    const parsed = parseErrorBody(init);
    // As Python's post-parse hook, a request id found on the sub-errors wins.
    const requestId = new.target.requestIdFromErrors(parsed.errors) ?? parsed.requestId;
    const apiMessage = parsed.messages.length > 0 ? parsed.messages.join("; ") : undefined;
    super(summarize(init, parsed.code, apiMessage, requestId), options);
    this.method = init.method;
    this.url = init.url;
    this.httpStatus = init.httpStatus;
    this.httpReason = init.httpReason;
    this.headers = init.headers;
    this.text = init.text;
    this.rawJson = parsed.rawJson;
    this.code = parsed.code;
    this.messages = parsed.messages;
    this.apiMessage = apiMessage;
    this.requestId = requestId;
    this.errors = parsed.errors;
  }

  /** The `authorization_parameters` object of the body, when Globus asks for a new login with conditions. */
  get authorizationParameters(): Record<string, unknown> | undefined {
    const params = isObject(this.rawJson) ? this.rawJson.authorization_parameters : undefined;
    return isObject(params) ? params : undefined;
  }

  /**
   * A hook for services that put the request id on their sub-errors: the
   * base class finds none there.
   */
  protected static requestIdFromErrors(_errors: readonly ErrorSubdocument[]): string | undefined {
    return undefined;
  }
}

/**
 * An error answer from Globus Auth. Python: `AuthAPIError`. Auth puts its
 * request id in the `id` of its sub-errors; that becomes `requestId`.
 *
 * @example
 * ```ts
 * import { AuthAPIError } from "./errors.ts";
 * const err = new AuthAPIError({
 *   method: "POST", url: "https://auth.globus.org/v2/oauth2/token", httpStatus: 400,
 *   httpReason: "Bad Request", headers: new Headers({ "content-type": "application/json" }),
 *   text: '{"error":"invalid_grant"}',
 * });
 * console.log(err.code); // "invalid_grant"
 * ```
 */
export class AuthAPIError extends GlobusAPIError {
  /** The one distinct `id` of the sub-errors, if it is a string: Python's post-parse hook. */
  protected static override requestIdFromErrors(
    errors: readonly ErrorSubdocument[],
  ): string | undefined {
    // Python: the distinct ids, null and absent ones dropped; exactly one, and a string.
    const ids = new Set(
      errors.map((e) => e.raw.id).filter((id) => id !== undefined && id !== null),
    );
    const [only] = ids;
    return ids.size === 1 && typeof only === "string" ? only : undefined;
  }
}

/**
 * An error answer from Globus Groups. Python: `GroupsAPIError`.
 *
 * @example
 * ```ts
 * import { GroupsAPIError } from "./errors.ts";
 * function isMissingGroup(err: unknown): boolean {
 *   return err instanceof GroupsAPIError && err.httpStatus === 404;
 * }
 * console.log(isMissingGroup(new Error("x"))); // false
 * ```
 */
export class GroupsAPIError extends GlobusAPIError {}

/**
 * Globus Auth refused a refresh token (`invalid_grant`): it has expired
 * (unused for months), been revoked, or been replaced. Retrying cannot help;
 * the person must log in again. It is an {@linkcode AuthAPIError}, so code
 * written for the Python SDK's behaviour still catches it.
 *
 * @example Ask for a new login
 * ```ts
 * import { RefreshTokenRejectedError } from "./errors.ts";
 * function handle(err: unknown): string {
 *   return err instanceof RefreshTokenRejectedError ? "please log in again" : "other failure";
 * }
 * console.log(handle(new Error("x"))); // "other failure"
 * ```
 */
export class RefreshTokenRejectedError extends AuthAPIError {
  /** Wraps the token endpoint's `invalid_grant` answer. */
  constructor(rejection: AuthAPIError) {
    super(rejection, { cause: rejection });
    this.message =
      "the stored Globus login has expired or been revoked (Globus Auth answered invalid_grant); log in again";
  }
}

/**
 * No usable HTTP answer arrived: the connection failed, timed out, or the URL
 * could not be requested. Python: `NetworkError`. `cause` holds what `fetch` threw.
 *
 * @example
 * ```ts
 * import { NetworkError } from "./errors.ts";
 * const err = new NetworkError("GET https://example.org/ failed: bad URL");
 * console.log(err instanceof Error); // true
 * ```
 */
export class NetworkError extends GlobusError {}

/**
 * The request did not complete within the HTTP timeout.
 * Python: `GlobusTimeoutError`.
 *
 * @example
 * ```ts
 * import { GlobusTimeoutError, NetworkError } from "./errors.ts";
 * console.log(new GlobusTimeoutError("timed out") instanceof NetworkError); // true
 * ```
 */
export class GlobusTimeoutError extends NetworkError {}

/**
 * The connection could not be made or was dropped (refused, reset, DNS).
 * Python: `GlobusConnectionError`.
 *
 * @example
 * ```ts
 * import { GlobusConnectionError, NetworkError } from "./errors.ts";
 * console.log(new GlobusConnectionError("refused") instanceof NetworkError); // true
 * ```
 */
export class GlobusConnectionError extends NetworkError {}

/**
 * A token store cannot be used as it is: the file is not valid JSON, has an
 * unknown format version, holds a record of the wrong shape, or cannot be
 * read or written. The file is left as it was. `path` names it.
 *
 * @example
 * ```ts
 * import { TokenStorageError } from "./errors.ts";
 * const err = new TokenStorageError("/home/me/tokens.json", "not valid JSON");
 * console.log(err.message); // "token file /home/me/tokens.json: not valid JSON"
 * ```
 */
export class TokenStorageError extends GlobusError {
  /** The path of the token file concerned. */
  readonly path: string;
  /** Builds the message `token file <path>: <problem>`. */
  constructor(path: string, problem: string, options?: ErrorOptions) {
    super(`token file ${path}: ${problem}`, options);
    this.path = path;
  }
}

/**
 * An interactive login did not complete: the person declined (`oauthError`
 * `"access_denied"`), the redirect came back with a wrong `state`, no code
 * was entered, or the code entered was absurdly long. Python:
 * `LocalServerLoginError`. The message never holds a code or a token; text
 * that came from the browser is shown with control characters escaped.
 *
 * @example Tell a declined login from other failures
 * ```ts
 * import assert from "node:assert/strict";
 * import { LoginFlowError } from "./errors.ts";
 * const err = new LoginFlowError("the login was declined", { oauthError: "access_denied" });
 * assert.equal(err.oauthError, "access_denied");
 * assert.equal(err.name, "LoginFlowError");
 * ```
 */
export class LoginFlowError extends GlobusError {
  /** The OAuth `error` the redirect carried (e.g. `access_denied`), if any. */
  readonly oauthError: string | undefined;
  /** Creates the error; `options.oauthError` records the redirect's `error`. */
  constructor(message: string, options: ErrorOptions & { oauthError?: string } = {}) {
    super(message, options);
    this.oauthError = options.oauthError;
  }
}

/**
 * Nobody came back from the browser within the login's `timeoutMs`; the
 * local port was released. Python: `LocalServerLoginError("Login timed out")`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LoginFlowError, LoginFlowTimeoutError } from "./errors.ts";
 * const err = new LoginFlowTimeoutError(300_000);
 * assert.ok(err instanceof LoginFlowError);
 * assert.equal(err.timeoutMs, 300_000);
 * assert.match(err.message, /5 minutes/);
 * ```
 */
export class LoginFlowTimeoutError extends LoginFlowError {
  /** How long the login waited, in milliseconds. */
  readonly timeoutMs: number;
  /** Builds the message from the time waited. */
  constructor(timeoutMs: number) {
    const minutes = timeoutMs / 60_000;
    const waited = Number.isInteger(minutes) && minutes >= 1
      ? `${minutes} minute${minutes === 1 ? "" : "s"}`
      : `${Math.round(timeoutMs / 100) / 10} s`;
    super(`no login came back from the browser within ${waited}; run again to retry`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A browser login cannot work here: an SSH session without a display, no
 * display at all, a text-only browser, a missing or failing opener, or a
 * missing permission. Callers fall back to the copy-paste login; `reason`
 * says why, for the person. Python: `LocalServerEnvironmentalLoginError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BrowserUnavailableError, LoginFlowError } from "./errors.ts";
 * const err = new BrowserUnavailableError("this is an SSH session without a display");
 * assert.ok(err instanceof LoginFlowError);
 * assert.equal(err.reason, "this is an SSH session without a display");
 * assert.equal(err.message, "cannot log in with a browser here: this is an SSH session without a display");
 * ```
 */
export class BrowserUnavailableError extends LoginFlowError {
  /** Why, in a few words (no trailing period). */
  readonly reason: string;
  /** Builds the message `cannot log in with a browser here: <reason>`. */
  constructor(reason: string, options?: ErrorOptions) {
    super(`cannot log in with a browser here: ${reason}`, options ?? {});
    this.reason = reason;
  }
}

// ---- parsing of error bodies -------------------------------------------------

interface ParsedBody {
  rawJson: unknown;
  code: string | undefined;
  messages: string[];
  requestId: string | undefined;
  errors: ErrorSubdocument[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function mimeType(headers: Headers): string {
  return (headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

function parseJson(init: APIErrorInit): unknown {
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
): ErrorSubdocument[] {
  const list = Array.isArray(root.errors) && root.errors.every(isObject)
    ? root.errors as Record<string, unknown>[]
    : [root];
  return toSubdocuments(list, messageKeys);
}

function toSubdocuments(
  list: readonly Record<string, unknown>[],
  messageKeys: readonly string[],
): ErrorSubdocument[] {
  return list.map((raw) => ({
    raw,
    code: str(raw.code),
    message: messageKeys.map((k) => str(raw[k])).find((m) => m !== undefined),
  }));
}

function singleCode(errors: readonly ErrorSubdocument[]): string | undefined {
  const codes = new Set(errors.map((e) => e.code).filter((c) => c !== undefined));
  return codes.size === 1 ? [...codes][0] : undefined;
}

/** The Python SDK's three body formats, plus OAuth 2's `error`/`error_description`. */
function parseErrorBody(init: APIErrorInit): ParsedBody {
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

function summarize(
  init: APIErrorInit,
  code: string | undefined,
  apiMessage: string | undefined,
  requestId: string | undefined,
): string {
  const detail = [code, apiMessage].filter(Boolean).join(": ") || init.httpReason;
  const id = requestId ? ` (request_id=${requestId})` : "";
  return `${init.method} ${init.url} ${init.httpStatus}${detail ? " " + detail : ""}${id}`;
}
