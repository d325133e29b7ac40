/**
 * The errors of the login flows: a login that did not complete, one that
 * timed out, and a browser that cannot work here (the cue to fall back to
 * copy-paste). They extend the SDK's one hierarchy:
 *
 * ```
 * GlobusError
 * └─ LoginFlowError               an interactive login did not complete
 *    ├─ LoginFlowTimeoutError         nobody came back from the browser in time
 *    └─ BrowserUnavailableError       no browser can work here: use copy-paste
 * ```
 *
 * @module
 */

import { GlobusError } from "../core/errors.ts";

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
