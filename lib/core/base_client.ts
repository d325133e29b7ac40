/**
 * The base of every service client: a base URL, an authorizer and a
 * transport, and the rule for a 401 — renew the credential once, retry once.
 * Python: `globus_sdk.BaseClient`.
 *
 * @module
 */

import { type EnvReader, getServiceUrl, type ServiceName } from "./config.ts";
import {
  type APIErrorInit,
  GlobusAPIError,
  GlobusSDKUsageError,
  UnexpectedResponseError,
} from "./errors.ts";
import { checkShape, type Shape } from "./shape.ts";
import type { AuthorizationRequiredError } from "./authorization_requirements.ts";
import { Transport, type TransportOptions, type TransportResponse } from "./transport.ts";
import { urlencode } from "./_urlencode.ts";

/**
 * Supplies the `Authorization` header of requests and is told when a service
 * answered 401. Python: `GlobusAuthorizer`. Implemented by the classes in
 * `authorizers.ts`.
 *
 * @example A fixed header
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Authorizer } from "./base_client.ts";
 *
 * const authorizer: Authorizer = {
 *   getAuthorizationHeader: () => Promise.resolve("Bearer AT"),
 *   handleMissingAuthorization: () => Promise.resolve(false),
 * };
 * assert.equal(await authorizer.getAuthorizationHeader(), "Bearer AT");
 * ```
 */
export interface Authorizer {
  /** The header value to send, or undefined to send none. Called before every attempt. */
  getAuthorizationHeader(): Promise<string | undefined>;
  /**
   * Called after a 401, with the header the failed request carried. Returns
   * true when the authorizer changed its credential, so that one retry may
   * succeed.
   */
  handleMissingAuthorization(sentHeader?: string): Promise<boolean>;
}

/**
 * Where a client built with `app` gets its authorizer: a `UserApp` or
 * `ClientApp` (lib/app), seen through the few methods a client needs, so
 * that this floor does not depend on the app's. Python: the `app=` of
 * `BaseClient`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { AuthorizerSource } from "./base_client.ts";
 *
 * const wanted: Record<string, readonly string[]> = {};
 * const source: AuthorizerSource = {
 *   addScopeRequirements: (r) => void Object.assign(wanted, r),
 *   getAuthorizer: () => Promise.reject(new Error("not logged in")),
 * };
 * source.addScopeRequirements({ "groups.api.globus.org": ["s"] });
 * assert.deepEqual(wanted, { "groups.api.globus.org": ["s"] });
 * ```
 */
export interface AuthorizerSource {
  /** The app's Globus environment; a client built with the app uses it unless told otherwise. */
  readonly environment?: string;
  /** Adds scopes the app must get for these resource servers (each string may carry `[…]` dependencies). */
  addScopeRequirements(requirements: Readonly<Record<string, readonly string[]>>): void;
  /** The authorizer for a resource server; it may log in first. Called before every request. */
  getAuthorizer(resourceServer: string): Promise<Authorizer>;
  /**
   * Called when a service answered with authorization requirements. Resolves
   * true when the app logged in to meet them, so the request is sent once
   * more; false (or absent) throws the error to the caller.
   */
  handleAuthorizationRequired?(
    resourceServer: string,
    error: AuthorizationRequiredError,
  ): Promise<boolean>;
}

/**
 * Options shared by every client.
 *
 * @example One transport for two clients, or options for a client's own
 * ```ts
 * import assert from "node:assert/strict";
 * import { BaseClient, type BaseClientOptions } from "./base_client.ts";
 * import { GlobusAPIError } from "./errors.ts";
 * import { Transport } from "./transport.ts";
 *
 * const shared = new Transport({ maxRetries: 2 });
 * const options: BaseClientOptions = { transport: shared, env: () => undefined };
 * assert.equal(new BaseClient("transfer", GlobusAPIError, options).transport, shared);
 * const own = new BaseClient("search", GlobusAPIError, { transport: { maxRetries: 0 }, env: () => undefined });
 * assert.equal(own.transport.maxRetries, 0);
 * ```
 */
export interface BaseClientOptions {
  /** Globus environment (`production`, `sandbox`, …). Default: `GLOBUS_SDK_ENVIRONMENT`, else production. */
  readonly environment?: string;
  /** Explicit base URL; wins over every other rule. */
  readonly baseUrl?: string;
  /** Supplies the Authorization header. Not with `app`. */
  readonly authorizer?: Authorizer;
  /**
   * An app that supplies the authorizer and logs in when needed; the client
   * adds its scopes (`appScopes`, else its class's `defaultScopeRequirements`)
   * to the app's requirements. Not with `authorizer`.
   */
  readonly app?: AuthorizerSource;
  /** With `app`: the scopes this client needs, instead of its class's defaults. */
  readonly appScopes?: readonly string[];
  /**
   * A transport to share between clients, or the options of one built for
   * this client alone (retries, timeout, `fetch`, `onRetry`, …). Default: a
   * transport with every default.
   */
  readonly transport?: Transport | TransportOptions;
  /** Where `GLOBUS_SDK_*` variables are read from (base URL, and a transport built here). */
  readonly env?: EnvReader;
  /** The wall clock in ms, for the clients that keep time (token expiry, caches). */
  readonly now?: () => number;
}

/** Options of one request. */
export interface RequestOptions {
  /** Query parameters; undefined values are left out. */
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** A JSON body. */
  readonly json?: unknown;
  /** A form body (`application/x-www-form-urlencoded`), in order; undefined values are left out. */
  readonly form?: ReadonlyArray<readonly [string, string | undefined]>;
  /** Extra headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Overrides the transport's idempotency guess for retries. */
  readonly idempotent?: boolean;
  /** Cancels the request. */
  readonly signal?: AbortSignal;
  /** `false` sends no Authorization header at all (Python: `automatic_authorization=False`). */
  readonly authorize?: boolean;
}

/**
 * A successful answer (status below 400). Python: `GlobusHTTPResponse`.
 *
 * @example Check the body's shape at the boundary
 * ```ts
 * import assert from "node:assert/strict";
 * import { GlobusHTTPResponse } from "./base_client.ts";
 * import { shape } from "./shape.ts";
 *
 * const answer = { status: 200, statusText: "OK", headers: new Headers(), text: "[1, null]" };
 * const r = new GlobusHTTPResponse(answer, { method: "GET", url: "https://x.api.globus.org/v1/n" });
 * assert.deepEqual(r.data, [1, null]);
 * assert.throws(() => r.parse(shape.array(shape.number)), {
 *   name: "UnexpectedResponseError",
 *   message: "GET https://x.api.globus.org/v1/n: unexpected answer from Globus: [1] is null, not a number",
 * });
 * ```
 */
export class GlobusHTTPResponse {
  /** HTTP status. */
  readonly httpStatus: number;
  /** Response headers. */
  readonly headers: Headers;
  /** The body as text. */
  readonly text: string;
  /** The request's method, when known (for error messages). */
  readonly method: string | undefined;
  /** The request's URL, when known (for error messages). */
  readonly url: string | undefined;
  #data: unknown;
  #parsed = false;

  /** Wraps a transport answer to the request described by `request`. */
  constructor(response: TransportResponse, request: { method?: string; url?: string } = {}) {
    this.httpStatus = response.status;
    this.headers = response.headers;
    this.text = response.text;
    this.method = request.method;
    this.url = request.url;
  }

  /**
   * The body parsed as JSON and checked against `s`: the one place every
   * client turns Globus's answer into typed data.
   *
   * @throws {UnexpectedResponseError} when the body is not JSON or does not
   *   fit `s`; the message names the request and the field.
   */
  parse<T>(s: Shape<T>): T {
    const request = {
      ...(this.method === undefined ? {} : { method: this.method }),
      ...(this.url === undefined ? {} : { url: this.url }),
      httpStatus: this.httpStatus,
    };
    const data = this.data;
    if (data === undefined) {
      const problem = this.text.trim() === ""
        ? "the body is empty, not JSON"
        : "the body is not JSON";
      throw new UnexpectedResponseError(problem, request);
    }
    try {
      return checkShape(data, s);
    } catch (error) {
      if (!(error instanceof UnexpectedResponseError)) throw error;
      throw new UnexpectedResponseError(error.problem, request, { cause: error });
    }
  }

  /** The body parsed as JSON (on first use), or undefined when it is not JSON. */
  get data(): unknown {
    if (!this.#parsed) {
      this.#parsed = true;
      try {
        this.#data = JSON.parse(this.text);
      } catch {
        this.#data = undefined;
      }
    }
    return this.#data;
  }
}

/** The error class a client raises; it receives what failed. */
export type APIErrorClass = new (init: APIErrorInit) => GlobusAPIError;

/**
 * Joins a base URL and a path with exactly one `/`; a path that is already an
 * absolute http(s) URL is used as it is. Path segments are percent-encoded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinUrl } from "./base_client.ts";
 *
 * assert.equal(
 *   joinUrl("https://groups.api.globus.org/", "/v2/groups/a b"),
 *   "https://groups.api.globus.org/v2/groups/a%20b",
 * );
 * assert.equal(joinUrl("https://groups.api.globus.org/", "https://x.org/y"), "https://x.org/y");
 * ```
 */
export function joinUrl(baseUrl: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  if (encoded === "") return baseUrl;
  return `${baseUrl.replace(/\/+$/, "")}/${encoded.replace(/^\/+/, "")}`;
}

/**
 * One id or name placed in a URL path, checked so that it cannot leave its
 * segment: `getGroup("../../v2/oauth2/userinfo")` must not send the token to
 * another endpoint of the host. Other characters (`?`, `#`, `%`, spaces,
 * non-ASCII) are percent-encoded by {@linkcode BaseClient.request} as usual.
 *
 * @throws {GlobusSDKUsageError} for an empty value, `.`, `..`, or one that
 *   holds `/` or `\`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathSegment } from "./base_client.ts";
 *
 * assert.equal(pathSegment("9a1e0001-0000-4000-8000-00000000a001", "group id"),
 *   "9a1e0001-0000-4000-8000-00000000a001");
 * assert.throws(() => pathSegment("../../v2/oauth2/userinfo", "group id"), {
 *   name: "GlobusSDKUsageError",
 *   message: 'group id "../../v2/oauth2/userinfo" cannot be put in a URL path: it must not be empty, "." or "..", nor hold "/" or "\\"',
 * });
 * ```
 */
export function pathSegment(value: string, what: string): string {
  if (value === "" || value === "." || value === ".." || /[/\\]/.test(value)) {
    throw new GlobusSDKUsageError(
      `${what} ${
        JSON.stringify(value)
      } cannot be put in a URL path: it must not be empty, "." or "..", nor hold "/" or "\\"`,
    );
  }
  return value;
}

/**
 * HTTP plumbing shared by the service clients: a base URL from Python's
 * rules for any Globus service, an authorizer, a transport, and the 401 rule.
 *
 * @example A client for a service this SDK does not wrap yet
 * ```ts
 * import assert from "node:assert/strict";
 * import { BaseClient } from "./base_client.ts";
 * import { GlobusAPIError } from "./errors.ts";
 * import { shape } from "./shape.ts";
 *
 * const fetch = (input: RequestInfo | URL) =>
 *   Promise.resolve(Response.json({ DATA: [{ id: "ep1" }], url: String(input) }));
 * const transfer = new BaseClient("transfer", GlobusAPIError, {
 *   env: () => undefined,
 *   transport: { fetch },
 * });
 * const res = await transfer.request("GET", "/v0.10/endpoint_search", { query: { filter_fulltext: "x" } });
 * const body = res.parse(shape.object<{ DATA: unknown[]; url: string }>({
 *   DATA: shape.array(shape.record),
 *   url: shape.string,
 * }));
 * assert.equal(body.url, "https://transfer.api.globus.org/v0.10/endpoint_search?filter_fulltext=x");
 * ```
 */
export class BaseClient {
  /** Base URL of the service, ending in `/`. */
  readonly baseUrl: string;
  /** The transport requests go through. */
  readonly transport: Transport;
  /** Supplies the Authorization header; undefined sends none. */
  authorizer: Authorizer | undefined;
  readonly #errorClass: APIErrorClass;
  readonly #app: { source: AuthorizerSource; resourceServer: string } | undefined;

  /**
   * Resolves the base URL and builds (or takes) the transport; no network I/O.
   * With `options.app`, registers the client's scopes with the app; the
   * class must then have a static `resourceServer`.
   *
   * @param service Which service's URL to look up when `baseUrl` is not given.
   * @param errorClass The error raised for status ≥ 400.
   * @throws {GlobusSDKUsageError} for `app` with `authorizer`, with another environment, or on a class without `resourceServer`.
   */
  constructor(service: ServiceName, errorClass: APIErrorClass, options: BaseClientOptions = {}) {
    const app = options.app;
    if (app !== undefined) {
      if (options.authorizer !== undefined) {
        throw new GlobusSDKUsageError("A client cannot use both an 'app' and an 'authorizer'.");
      }
      if (options.environment && app.environment && options.environment !== app.environment) {
        throw new GlobusSDKUsageError(
          `[Environment Mismatch] The client's environment (${options.environment}) does not match the app's (${app.environment}).`,
        );
      }
    }
    const environment = options.environment || app?.environment;
    this.baseUrl = options.baseUrl ?? getServiceUrl(service, { environment, env: options.env });
    const transport = options.transport;
    this.transport = transport instanceof Transport
      ? transport
      : new Transport({ ...(options.env ? { env: options.env } : {}), ...transport });
    this.authorizer = options.authorizer;
    this.#errorClass = errorClass;
    if (app !== undefined) {
      // Python's class attributes resource_server and default_scope_requirements.
      const cls = new.target as unknown as {
        resourceServer?: string;
        defaultScopeRequirements?: readonly string[];
      };
      if (!cls.resourceServer) {
        throw new GlobusSDKUsageError(
          "Unable to use an 'app' with a client with no 'resourceServer' defined.",
        );
      }
      app.addScopeRequirements({
        [cls.resourceServer]: options.appScopes ?? cls.defaultScopeRequirements ?? [],
      });
      this.#app = { source: app, resourceServer: cls.resourceServer };
    }
  }

  /**
   * Sends a request and returns the answer.
   *
   * A 401 is followed by at most one retry, made at once, and only when the
   * authorizer says a retry can help (it renewed its token) and the body does
   * not carry `authorization_parameters` (Globus asking for a new login, which
   * no renewal can give).
   *
   * With an `app`, the authorizer is the app's (asked before the request; it
   * may log in), and an answer carrying authorization parameters is an
   * {@linkcode AuthorizationRequiredError} — unless the app logs in to meet
   * it, and then the request is sent once more.
   *
   * @throws {GlobusAPIError} (the client's subclass) for a status of 400 or more.
   * @throws {AuthorizationRequiredError} with an `app`, for an answer carrying authorization parameters.
   */
  async request(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<GlobusHTTPResponse> {
    const query = options.query ? urlencode(Object.entries(options.query)) : "";
    const url = joinUrl(this.baseUrl, path) + (query ? `?${query}` : "");
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.form !== undefined) {
      body = urlencode(options.form);
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers["Content-Type"] = "application/json";
    }
    const app = options.authorize === false ? undefined : this.#app;
    let authorizer = options.authorize === false
      ? undefined
      : this.authorizer ?? await app?.source.getAuthorizer(app.resourceServer);
    for (let renewed = false, redriven = false;;) {
      const authorization = await authorizer?.getAuthorizationHeader();
      if (authorizer !== undefined) delete headers["Authorization"];
      if (authorization) headers["Authorization"] = authorization;
      const response = await this.transport.request({
        method,
        url,
        headers,
        ...(body === undefined ? {} : { body }),
        ...(options.idempotent === undefined ? {} : { idempotent: options.idempotent }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      if (response.status < 400) return new GlobusHTTPResponse(response, { method, url });
      const error = new this.#errorClass({
        method,
        url,
        httpStatus: response.status,
        httpReason: response.statusText,
        headers: response.headers,
        text: response.text,
      });
      if (
        response.status === 401 && !renewed && authorizer !== undefined &&
        error.authorizationParameters === undefined &&
        await authorizer.handleMissingAuthorization(authorization)
      ) {
        renewed = true;
        continue;
      }
      // Loaded here, on an error answer to an app's request: most runs never get one (issue 15).
      const required = app &&
        (await import("./authorization_requirements.ts")).AuthorizationRequiredError
          .fromError(error);
      if (app && required) {
        if (
          !redriven &&
          await app.source.handleAuthorizationRequired?.(app.resourceServer, required)
        ) {
          redriven = true;
          authorizer = await app.source.getAuthorizer(app.resourceServer);
          continue;
        }
        throw required;
      }
      throw error;
    }
  }
}
