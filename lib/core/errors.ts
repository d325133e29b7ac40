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
 * ├─ UnexpectedResponseError      Globus answered with something this SDK cannot use
 * │  │                            (a 2xx body of the wrong shape, too large, a redirect)
 * │  └─ IdTokenError              an id_token failed verification (lib/tokens/errors.ts)
 * ├─ NetworkError                 no usable answer arrived
 * │  ├─ GlobusTimeoutError
 * │  └─ GlobusConnectionError
 * └─ TokenStorageError            the token file cannot be used as it is
 * ```
 *
 * The body parser is in `_error_body.ts`.
 *
 * No message built here contains a token or a client secret: messages carry
 * the method, URL, status and what Globus said, never request bodies or headers.
 *
 * @module
 */

import { parseErrorBody } from "./_error_body.ts";
import { isObject } from "./json.ts";

/**
 * Base class of every error this SDK throws on purpose. Python: `GlobusError`.
 *
 * @example Catch anything the SDK raised
 * ```ts
 * import assert from "node:assert/strict";
 * import { GlobusError, GlobusTimeoutError } from "./errors.ts";
 *
 * let caught = "";
 * try {
 *   throw new GlobusTimeoutError("GET https://groups.api.globus.org/ timed out");
 * } catch (err) {
 *   if (err instanceof GlobusError) caught = `${err.name}: ${err.message}`;
 * }
 * assert.equal(caught, "GlobusTimeoutError: GET https://groups.api.globus.org/ timed out");
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
 * import assert from "node:assert/strict";
 * import { GlobusError, GlobusSDKUsageError } from "./errors.ts";
 *
 * const err = new GlobusSDKUsageError("verifier contained invalid characters");
 * assert.equal(err.name, "GlobusSDKUsageError");
 * assert.ok(err instanceof GlobusError);
 * ```
 */
export class GlobusSDKUsageError extends GlobusError {}

/**
 * One entry of an API error's `errors` list, in whatever shape Globus sent it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ErrorSubdocument, GlobusAPIError } from "./errors.ts";
 *
 * const err = new GlobusAPIError({
 *   method: "GET", url: "https://auth.globus.org/v2/api/identities?foo=1", httpStatus: 400,
 *   httpReason: "Bad Request", headers: new Headers({ "content-type": "application/json" }),
 *   text: '{"errors":[{"code":"UNKNOWN_PARAM","detail":"unknown parameter foo"}]}',
 * });
 * const sub: ErrorSubdocument | undefined = err.errors[0];
 * assert.equal(sub?.code, "UNKNOWN_PARAM");
 * assert.equal(sub?.message, "unknown parameter foo");
 * assert.deepEqual(sub?.raw, { code: "UNKNOWN_PARAM", detail: "unknown parameter foo" });
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
 * import assert from "node:assert/strict";
 * import { type APIErrorInit, GlobusAPIError } from "./errors.ts";
 *
 * const init: APIErrorInit = {
 *   method: "GET", url: "https://groups.api.globus.org/v2/groups/x",
 *   httpStatus: 404, httpReason: "Not Found", headers: new Headers(), text: "",
 * };
 * // With no body to parse, the reason phrase stands in for what Globus said.
 * assert.equal(
 *   new GlobusAPIError(init).message,
 *   "GET https://groups.api.globus.org/v2/groups/x 404 Not Found",
 * );
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
 * not.
 *
 * `message` is the one-line summary, e.g.
 * `GET https://groups.api.globus.org/v2/groups/x 404 GroupNotFound: Group not found (request_id=rid-1)`.
 * What Globus itself said is `apiMessage` (Python's `.message`) and `messages`.
 *
 * @example Tell a missing group from other failures
 * ```ts
 * import assert from "node:assert/strict";
 * import { GlobusAPIError } from "./errors.ts";
 *
 * const err = new GlobusAPIError({
 *   method: "GET", url: "https://groups.api.globus.org/v2/groups/x", httpStatus: 404,
 *   httpReason: "Not Found", headers: new Headers({ "content-type": "application/json" }),
 *   text: '{"code":"GroupNotFound","message":"Group not found","request_id":"rid-1"}',
 * });
 * assert.deepEqual([err.httpStatus, err.code, err.requestId], [404, "GroupNotFound", "rid-1"]);
 * assert.equal(err.apiMessage, "Group not found");
 * assert.equal(
 *   err.message,
 *   "GET https://groups.api.globus.org/v2/groups/x 404 GroupNotFound: Group not found (request_id=rid-1)",
 * );
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
 * import assert from "node:assert/strict";
 * import { AuthAPIError } from "./errors.ts";
 *
 * const err = new AuthAPIError({
 *   method: "GET", url: "https://auth.globus.org/v2/api/identities?ids=x", httpStatus: 400,
 *   httpReason: "Bad Request", headers: new Headers({ "content-type": "application/json" }),
 *   text: '{"errors":[{"id":"rid-7","code":"INVALID_PARAMETERS","detail":"bad id"}]}',
 * });
 * assert.equal(err.code, "INVALID_PARAMETERS");
 * assert.equal(err.requestId, "rid-7");
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
 * import assert from "node:assert/strict";
 * import { GroupsAPIError } from "./errors.ts";
 *
 * function isMissingGroup(err: unknown): boolean {
 *   return err instanceof GroupsAPIError && err.httpStatus === 404;
 * }
 * const missing = new GroupsAPIError({
 *   method: "GET", url: "https://groups.api.globus.org/v2/groups/x", httpStatus: 404,
 *   httpReason: "Not Found", headers: new Headers(), text: "",
 * });
 * assert.equal(isMissingGroup(missing), true);
 * assert.equal(isMissingGroup(new Error("x")), false);
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
 * import assert from "node:assert/strict";
 * import { AuthAPIError, RefreshTokenRejectedError } from "./errors.ts";
 *
 * function handle(err: unknown): string {
 *   return err instanceof RefreshTokenRejectedError ? "please log in again" : "other failure";
 * }
 * const rejection = new AuthAPIError({
 *   method: "POST", url: "https://auth.globus.org/v2/oauth2/token", httpStatus: 400,
 *   httpReason: "Bad Request", headers: new Headers({ "content-type": "application/json" }),
 *   text: '{"error":"invalid_grant"}',
 * });
 * const err = new RefreshTokenRejectedError(rejection);
 * assert.equal(handle(err), "please log in again");
 * assert.equal(handle(rejection), "other failure");
 * assert.ok(err instanceof AuthAPIError);
 * assert.equal(err.code, "invalid_grant");
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
 * Globus answered with a success status, but the body is not what this SDK
 * expects (not JSON, a field missing or of the wrong type, a number out of
 * range). Every client raises it from the one place that checks what Globus
 * sent, so past that place the types are true. `problem` says what was
 * wrong; the message names the request too: `GET <url>: unexpected answer
 * from Globus: <problem>`. Nothing from the body but the problem is kept.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GlobusError, UnexpectedResponseError } from "./errors.ts";
 *
 * const err = new UnexpectedResponseError("'expires_in' must be a number", {
 *   method: "POST",
 *   url: "https://auth.globus.org/v2/oauth2/token",
 * });
 * assert.ok(err instanceof GlobusError);
 * assert.equal(
 *   err.message,
 *   "POST https://auth.globus.org/v2/oauth2/token: unexpected answer from Globus: 'expires_in' must be a number",
 * );
 * ```
 */
export class UnexpectedResponseError extends GlobusError {
  /** What was wrong with the answer, in one line. */
  readonly problem: string;
  /** The request's method, when known. */
  readonly method: string | undefined;
  /** The request's URL, when known. */
  readonly url: string | undefined;
  /** The HTTP status of the answer, when known. */
  readonly httpStatus: number | undefined;

  /** Builds the message from the request (when given) and the problem. */
  constructor(
    problem: string,
    request: { method?: string; url?: string; httpStatus?: number } = {},
    options?: ErrorOptions,
  ) {
    const where = request.method && request.url ? `${request.method} ${request.url}: ` : "";
    super(`${where}unexpected answer from Globus: ${problem}`, options);
    this.problem = problem;
    this.method = request.method;
    this.url = request.url;
    this.httpStatus = request.httpStatus;
  }
}

/**
 * No usable HTTP answer arrived: the connection failed, timed out, or the URL
 * could not be requested. Python: `NetworkError`. `cause` holds what `fetch` threw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GlobusError, NetworkError } from "./errors.ts";
 *
 * const cause = new TypeError("error sending request");
 * const err = new NetworkError("GET https://example.org/ failed", { cause });
 * assert.ok(err instanceof GlobusError);
 * assert.equal(err.cause, cause);
 * ```
 */
export class NetworkError extends GlobusError {}

/**
 * The request did not complete within the HTTP timeout.
 * Python: `GlobusTimeoutError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GlobusTimeoutError, NetworkError } from "./errors.ts";
 *
 * assert.ok(new GlobusTimeoutError("timed out") instanceof NetworkError);
 * ```
 */
export class GlobusTimeoutError extends NetworkError {}

/**
 * The connection could not be made or was dropped (refused, reset, DNS).
 * Python: `GlobusConnectionError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GlobusConnectionError, NetworkError } from "./errors.ts";
 *
 * assert.ok(new GlobusConnectionError("refused") instanceof NetworkError);
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
 * import assert from "node:assert/strict";
 * import { TokenStorageError } from "./errors.ts";
 *
 * const err = new TokenStorageError("/home/me/tokens.json", "not valid JSON");
 * assert.equal(err.message, "token file /home/me/tokens.json: not valid JSON");
 * assert.equal(err.path, "/home/me/tokens.json");
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
