/**
 * The errors of the token floor. Kept apart from the `id_token` verifier so
 * that code which only needs to recognise the error (the scripts' error
 * messages) does not load the verifier.
 *
 * @module
 */

import { UnexpectedResponseError } from "../core/errors.ts";

/**
 * An `id_token` failed verification. `message` says which check failed. It
 * is an {@linkcode UnexpectedResponseError}: Auth answered, but with a token
 * this SDK cannot trust.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnexpectedResponseError } from "../core/errors.ts";
 * import { IdTokenError } from "./errors.ts";
 *
 * const err = new IdTokenError("id_token has expired");
 * assert.ok(err instanceof UnexpectedResponseError);
 * assert.equal(err.message, "id_token has expired");
 * ```
 */
export class IdTokenError extends UnexpectedResponseError {
  /** `message` is the failed check, as before it joined the hierarchy. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, {}, options);
    this.message = message;
  }
}
