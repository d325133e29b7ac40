/**
 * The authorizers that never renew: none at all, HTTP Basic (a confidential
 * client's id and secret), and a fixed access token.
 * Python: `NullAuthorizer`, `BasicAuthorizer`, `AccessTokenAuthorizer`.
 *
 * @module
 */

import type { Authorizer } from "../core/base_client.ts";

/**
 * Sends no `Authorization` header at all. Python: `NullAuthorizer`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NullAuthorizer } from "./simple.ts";
 * assert.deepEqual(await new NullAuthorizer().getAuthorizationHeader(), undefined);
 * ```
 */
export class NullAuthorizer implements Authorizer {
  /** Always undefined: no header. */
  getAuthorizationHeader(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }
  /** Always false: nothing to renew. */
  handleMissingAuthorization(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

/**
 * HTTP Basic credentials, e.g. a confidential client's id and secret.
 * Python: `BasicAuthorizer`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BasicAuthorizer } from "./simple.ts";
 * assert.deepEqual(await new BasicAuthorizer("cid", "sec").getAuthorizationHeader(), "Basic Y2lkOnNlYw==");
 * ```
 */
export class BasicAuthorizer implements Authorizer {
  readonly #header: string;
  /** The user name part (a client id). */
  readonly username: string;

  /** Encodes `username:password` (UTF-8, standard base64 with padding, no URL-encoding). */
  constructor(username: string, password: string) {
    this.username = username;
    const bytes = new TextEncoder().encode(`${username}:${password}`);
    this.#header = `Basic ${btoa(String.fromCharCode(...bytes))}`;
  }
  /** `Basic <base64>`. */
  getAuthorizationHeader(): Promise<string | undefined> {
    return Promise.resolve(this.#header);
  }
  /** Always false: a secret cannot renew itself. */
  handleMissingAuthorization(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

/**
 * A fixed access token. A 401 is final: there is nothing to renew.
 * Python: `AccessTokenAuthorizer`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AccessTokenAuthorizer } from "./simple.ts";
 * assert.deepEqual(await new AccessTokenAuthorizer("AT").getAuthorizationHeader(), "Bearer AT");
 * ```
 */
export class AccessTokenAuthorizer implements Authorizer {
  readonly #accessToken: string;
  /** Wraps the token. */
  constructor(accessToken: string) {
    this.#accessToken = accessToken;
  }
  /** `Bearer <token>`. */
  getAuthorizationHeader(): Promise<string | undefined> {
    return Promise.resolve(`Bearer ${this.#accessToken}`);
  }
  /** Always false. */
  handleMissingAuthorization(): Promise<boolean> {
    return Promise.resolve(false);
  }
}
