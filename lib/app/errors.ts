/**
 * Why an app's stored tokens cannot be used. Python:
 * `globus_sdk.token_storage.v2.validating_token_storage.errors`.
 *
 * ```
 * GlobusError
 * └─ TokenValidationError            stored tokens cannot serve the app as they are
 *    ├─ MissingTokenError            none for a resource server (or no refresh token)
 *    ├─ ExpiredTokenError            the access token has expired, with no way to renew
 *    ├─ UnmetScopeRequirementsError  they do not cover the scopes the app needs
 *    ├─ StoredLoginRejectedError     Globus Auth refused the stored refresh token
 *    ├─ MissingIdentityError         a login brought no id_token (no `openid`)
 *    └─ IdentityMismatchError        a login, or the storage, is of another identity
 * ```
 *
 * The app answers the first four with a new login; the last two with the
 * error, because a login cannot fix them.
 *
 * @module
 */

import { GlobusError, type RefreshTokenRejectedError } from "../core/errors.ts";

/**
 * The stored tokens cannot serve the app as they are. Python: `TokenValidationError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ExpiredTokenError, TokenValidationError } from "./errors.ts";
 *
 * assert.ok(new ExpiredTokenError("groups.api.globus.org", 1_700_000_000) instanceof TokenValidationError);
 * ```
 */
export class TokenValidationError extends GlobusError {}

/**
 * No stored tokens for a resource server, or no refresh token when the app
 * asks for refresh tokens. Python: `MissingTokenError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MissingTokenError } from "./errors.ts";
 *
 * const error = new MissingTokenError("No token data for groups.api.globus.org", "groups.api.globus.org");
 * assert.equal(error.resourceServer, "groups.api.globus.org");
 * ```
 */
export class MissingTokenError extends TokenValidationError {
  /** The resource server concerned. */
  readonly resourceServer: string;
  /** Builds the error. */
  constructor(message: string, resourceServer: string) {
    super(message);
    this.resourceServer = resourceServer;
  }
}

/**
 * The stored access token has expired and the app has no refresh token to
 * renew it. Python: `ExpiredTokenError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ExpiredTokenError } from "./errors.ts";
 *
 * assert.equal(new ExpiredTokenError("groups.api.globus.org", 1_700_000_000).expiresAtSeconds, 1_700_000_000);
 * ```
 */
export class ExpiredTokenError extends TokenValidationError {
  /** The resource server concerned. */
  readonly resourceServer: string;
  /** When the token expired, POSIX seconds. */
  readonly expiresAtSeconds: number;
  /** Builds the error. */
  constructor(resourceServer: string, expiresAtSeconds: number) {
    super(`The access token for ${resourceServer} expired at ${expiresAtSeconds}`);
    this.resourceServer = resourceServer;
    this.expiresAtSeconds = expiresAtSeconds;
  }
}

/**
 * The stored tokens do not cover the scopes the app needs for a resource
 * server: a root scope is missing from the token's `scope`, or the
 * dependent-scope check said no. Python: `UnmetScopeRequirementsError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnmetScopeRequirementsError } from "./errors.ts";
 *
 * const error = new UnmetScopeRequirementsError("groups.api.globus.org", ["urn:x:all"]);
 * assert.deepEqual(error.missingScopes, ["urn:x:all"]);
 * ```
 */
export class UnmetScopeRequirementsError extends TokenValidationError {
  /** The resource server concerned. */
  readonly resourceServer: string;
  /** The required scopes (canonical strings) that are not covered. */
  readonly missingScopes: readonly string[];
  /** Builds the error. */
  constructor(resourceServer: string, missingScopes: readonly string[], what = "Unmet scope") {
    super(`${what} requirements for ${resourceServer}: ${missingScopes.join(" ")}`);
    this.resourceServer = resourceServer;
    this.missingScopes = Object.freeze([...missingScopes]);
  }
}

/**
 * A login brought no id_token, so who logged in is unknown (the flow did not
 * ask for `openid`). Python: `MissingIdentityError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MissingIdentityError, TokenValidationError } from "./errors.ts";
 *
 * assert.ok(new MissingIdentityError("no id_token") instanceof TokenValidationError);
 * ```
 */
export class MissingIdentityError extends TokenValidationError {}

/**
 * A login was of another Globus identity than the one whose tokens are
 * stored (or the storage holds tokens of two identities). The stored tokens
 * are kept and the new ones dropped: log in as the stored identity, or log
 * out first. Python: `IdentityMismatchError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IdentityMismatchError } from "./errors.ts";
 *
 * const error = new IdentityMismatchError("id-alice", "id-bob");
 * assert.equal(error.storedId, "id-alice");
 * assert.equal(error.newId, "id-bob");
 * ```
 */
export class IdentityMismatchError extends TokenValidationError {
  /** The identity of the stored tokens. */
  readonly storedId: string;
  /** The identity of the new login (or of the other stored tokens). */
  readonly newId: string;
  /** `login`: a new login was of another identity; `storage`: the stored tokens already disagree. */
  readonly found: "login" | "storage";
  /** Builds the error; `message` replaces the default one. */
  constructor(
    storedId: string,
    newId: string,
    message?: string,
    found: "login" | "storage" = "login",
  ) {
    super(
      message ??
        `Detected a change in identity associated with the token data: the stored login is of identity ${storedId}, the new one of ${newId}; log in as the stored identity, or log out first`,
    );
    this.storedId = storedId;
    this.newId = newId;
    this.found = found;
  }
}

/**
 * Globus Auth refused the stored refresh token of a resource server (the
 * login expired or was revoked), so the stored login is dead; its record has
 * been removed. `cause` is Auth's refusal. The app's handler logs in again.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StoredLoginRejectedError, TokenValidationError } from "./errors.ts";
 *
 * const error = new StoredLoginRejectedError("groups.api.globus.org", new Error("invalid_grant"));
 * assert.ok(error instanceof TokenValidationError);
 * assert.match(error.message, /expired or been revoked/);
 * ```
 */
export class StoredLoginRejectedError extends TokenValidationError {
  /** The resource server whose login died. */
  readonly resourceServer: string;
  /** Builds the error around Auth's refusal. */
  constructor(resourceServer: string, rejection: RefreshTokenRejectedError | Error) {
    super(
      `the stored Globus login for ${resourceServer} has expired or been revoked (Globus Auth refused its refresh token)`,
      { cause: rejection },
    );
    this.resourceServer = resourceServer;
  }
}
