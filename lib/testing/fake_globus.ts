/**
 * Starting and stopping a fake Globus (Auth + Groups on one local HTTP
 * origin), and the control API tests use to steer it.
 *
 * @module
 */

import {
  type FakeContext,
  findClient,
  findUser,
  principalOfUser,
  type RequestNote,
} from "./context.ts";
import type { FakeDataset } from "./dataset.ts";
import { defaultDataset } from "./default_dataset.ts";
import { applyFault, type Fault, FaultList, type RequestLogEntry } from "./faults.ts";
import { handleAuthorize } from "./fake_auth.ts";
import { DROP_CONNECTION, type Http1Answer, serveHttp1 } from "./http1.ts";
import { parseBasic } from "./http_util.ts";
import { generateSigningKey, type SigningKey } from "./jwt.ts";
import { route } from "./router.ts";
import type { TokenIssue } from "./token_types.ts";
import { TokenStore } from "./tokens.ts";

/**
 * Options of {@linkcode startFakeGlobus}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import { type FakeGlobusOptions, startFakeGlobus } from "./fake_globus.ts";
 *
 * let clock = 0;
 * const options: FakeGlobusOptions = { now: () => clock, accessTokenLifetimeSeconds: 60 };
 * await using fake = await startFakeGlobus(options);
 * const { access_token: token } = fake.issueTokens({
 *   username: "alice",
 *   clientId: TUTORIAL_CLIENT_ID,
 *   scopes: ["openid"],
 * });
 * const userinfoStatus = async () => {
 *   const res = await fetch(`${fake.authUrl}v2/oauth2/userinfo`, {
 *     headers: { authorization: `Bearer ${token}` },
 *   });
 *   await res.body?.cancel();
 *   return res.status;
 * };
 * assert.equal(await userinfoStatus(), 200);
 * clock += 61_000; // every token issued so far is now expired
 * assert.equal(await userinfoStatus(), 401);
 * ```
 */
export interface FakeGlobusOptions {
  /** Address to bind (default `127.0.0.1`). */
  hostname?: string;
  /** Port to bind (default 0: a free port). */
  port?: number;
  /** Users, groups and clients (default {@linkcode defaultDataset}()). */
  dataset?: FakeDataset;
  /** Access token lifetime, seconds (default 172800, as Globus). */
  accessTokenLifetimeSeconds?: number;
  /** Whether refresh grants rotate refresh tokens (default false, as Globus). */
  rotateRefreshTokens?: boolean;
  /** Authorization code lifetime, seconds (default 600). */
  codeLifetimeSeconds?: number;
  /** Millisecond clock for expiry of tokens and codes (default `Date.now`). */
  now?: () => number;
}

/**
 * A running fake Globus. Close it with `close()` or `await using`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startFakeGlobus } from "./fake_globus.ts";
 *
 * await using fake = await startFakeGlobus();
 * fake.addFault({ pathPrefix: "/v2/groups/", status: 503, retryAfter: "1" });
 * const res = await fetch(`${fake.groupsUrl}v2/groups/my_groups`);
 * await res.body?.cancel();
 * assert.equal(res.status, 503);
 * assert.equal(res.headers.get("retry-after"), "1");
 * assert.deepEqual(fake.requests.at(-1), {
 *   method: "GET",
 *   path: "/v2/groups/my_groups",
 *   status: 503,
 *   faulted: true,
 * });
 * assert.equal(fake.pendingFaults(), 0); // the fault was for one request
 * ```
 */
export interface FakeGlobus extends AsyncDisposable {
  /** Origin, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** `${url}/`: base URL of Auth, for `GLOBUS_SDK_SERVICE_URL_AUTH`. */
  readonly authUrl: string;
  /** `${url}/`: base URL of Groups, for `GLOBUS_SDK_SERVICE_URL_GROUPS`. */
  readonly groupsUrl: string;
  /** `{GLOBUS_SDK_SERVICE_URL_AUTH, GLOBUS_SDK_SERVICE_URL_GROUPS}`. */
  readonly env: Record<string, string>;
  /** Every request served, oldest first (a live array). */
  readonly requests: RequestLogEntry[];
  /** Empties {@linkcode FakeGlobus.requests}. */
  clearLog(): void;
  /**
   * Adds an injected failure (see {@linkcode Fault}). `dropConnection` closes
   * the TCP socket after reading the request, without any HTTP answer, so the
   * client's `fetch` rejects with a `TypeError`.
   */
  addFault(fault: Fault): void;
  /** Removes every pending fault. */
  clearFaults(): void;
  /**
   * How many more requests the pending faults will catch. A test can wait
   * for 0 to know a delayed request has arrived and is being held.
   */
  pendingFaults(): number;
  /** Makes every access token issued so far expired. */
  expireAllAccessTokens(): void;
  /** Revokes every refresh token issued so far. */
  revokeAllRefreshTokens(): void;
  /** Turns refresh token rotation on or off. */
  setRotateRefreshTokens(on: boolean): void;
  /** Sets the lifetime of access tokens issued from now on. */
  setAccessTokenLifetime(seconds: number): void;
  /**
   * Simulates `username` signing in at `authorizeUrl` (any origin; path and
   * query are used) and returns the authorization code Globus would hand
   * out. It calls the authorize handler directly (no HTTP, no faults) and
   * logs it as `GET /v2/oauth2/authorize`. Rejects with Globus's error
   * description if the authorize request is invalid.
   */
  loginCode(authorizeUrl: string, username: string): Promise<string>;
  /**
   * Plays the person's browser: opens `authorizeUrl` at the fake (any
   * origin; path and query are used) over HTTP, signs in as `username` (or,
   * with `decline: true`, declines), follows the redirect with a GET, and
   * returns the status, URL and body of the page it lands on: for a
   * loopback redirect, the app's own local server. Rejects with Globus's
   * error when the authorize request is refused.
   */
  playBrowser(
    authorizeUrl: string,
    options: { username?: string; decline?: boolean },
  ): Promise<{ status: number; url: string; body: string }>;
  /**
   * Issues tokens directly, returning the exact body a code exchange would
   * carry (`state` is `"_default"`). Throws on an unknown user, client or
   * scope. No request is logged.
   */
  issueTokens(
    opts: { username: string; clientId: string; scopes: string[]; offline?: boolean },
  ): TokenIssue;
  /** Stops the server and waits until every socket and timer is gone. */
  close(): Promise<void>;
}

/**
 * One signing key per process: RSA key generation costs 100-400 ms, and
 * Globus too signs every id_token with the same published key.
 */
let sharedKey: Promise<SigningKey> | undefined;

/** Fills the request log note of a token-endpoint request that a fault answers. */
async function peekNote(req: Request, note: RequestNote): Promise<void> {
  const basic = parseBasic(req.headers);
  if (basic) note.clientId = basic.id;
  if (!new URL(req.url).pathname.startsWith("/v2/oauth2/token")) return;
  const form = new URLSearchParams(await req.clone().text());
  const grant = form.get("grant_type");
  const clientId = form.get("client_id");
  if (grant !== null) note.grantType = grant;
  if (clientId !== null && !basic) note.clientId = clientId;
}

/**
 * Starts a fake Globus Auth + Groups on `http://127.0.0.1:<free port>`.
 *
 * @example Point the SDK at the fake
 * ```ts
 * import assert from "node:assert/strict";
 * import { startFakeGlobus } from "./fake_globus.ts";
 *
 * await using fake = await startFakeGlobus();
 * assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+$/); // a free port
 * const res = await fetch(`${fake.url}/.well-known/openid-configuration`);
 * assert.equal((await res.json()).issuer, fake.url);
 * // What the SDK (and its scripts) read to use the fake in place of Globus:
 * assert.deepEqual(fake.env, {
 *   GLOBUS_SDK_SERVICE_URL_AUTH: `${fake.url}/`,
 *   GLOBUS_SDK_SERVICE_URL_GROUPS: `${fake.url}/`,
 * });
 * ```
 */
export async function startFakeGlobus(options: FakeGlobusOptions = {}): Promise<FakeGlobus> {
  const hostname = options.hostname ?? "127.0.0.1";
  const now = options.now ?? Date.now;
  sharedKey ??= generateSigningKey();
  const key = await sharedKey;
  const faults = new FaultList();
  const requests: RequestLogEntry[] = [];
  const ready: { ctx?: FakeContext } = {};

  const log = (req: Request, status: number, note: RequestNote, faulted: boolean) => {
    requests.push({
      method: req.method,
      path: new URL(req.url).pathname,
      ...(note.grantType !== undefined ? { grantType: note.grantType } : {}),
      status,
      ...(note.clientId !== undefined ? { clientId: note.clientId } : {}),
      ...(faulted ? { faulted } : {}),
    });
  };

  const server = serveHttp1({ hostname, port: options.port ?? 0 }, async (req) => {
    const note: RequestNote = {};
    const fault = faults.take(req.method, new URL(req.url).pathname);
    if (fault) {
      const answer: Http1Answer | undefined = await applyFault(fault, server.signal);
      if (answer !== undefined) {
        await peekNote(req, note).catch(() => {});
        log(req, answer === DROP_CONNECTION ? 0 : answer.status, note, true);
        return answer;
      }
    }
    if (!ready.ctx) throw new Error("fake Globus is not ready");
    const res = await route(ready.ctx, req, note);
    log(req, res.status, note, false);
    return res;
  });

  const url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${server.port}`;
  const store = new TokenStore({
    now,
    issuer: url,
    key,
    accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 172800,
    rotateRefreshTokens: options.rotateRefreshTokens ?? false,
  });
  const context: FakeContext = {
    url,
    dataset: options.dataset ?? defaultDataset(),
    store,
    key,
    now,
    codeLifetimeSeconds: options.codeLifetimeSeconds ?? 600,
  };
  ready.ctx = context;

  return {
    url,
    authUrl: `${url}/`,
    groupsUrl: `${url}/`,
    env: { GLOBUS_SDK_SERVICE_URL_AUTH: `${url}/`, GLOBUS_SDK_SERVICE_URL_GROUPS: `${url}/` },
    requests,
    clearLog: () => void requests.splice(0),
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    pendingFaults: () => faults.pending,
    expireAllAccessTokens: () => store.expireAllAccessTokens(),
    revokeAllRefreshTokens: () => store.revokeAllRefreshTokens(),
    setRotateRefreshTokens: (on) => void (store.rotateRefreshTokens = on),
    setAccessTokenLifetime: (seconds) => void (store.accessTokenLifetimeSeconds = seconds),
    loginCode(authorizeUrl, username) {
      const given = new URL(authorizeUrl);
      if (given.pathname !== "/v2/oauth2/authorize") {
        return Promise.reject(new Error(`Not an authorize URL: ${authorizeUrl}`));
      }
      const target = new URL(`${url}${given.pathname}${given.search}`);
      target.searchParams.set("fake_login", username);
      const note: RequestNote = {};
      const res = handleAuthorize(context, target, note);
      log(new Request(target), res.status, note, false);
      const location = res.headers.get("location");
      const code = location ? new URL(location).searchParams.get("code") : null;
      if (res.status !== 302 || code === null) {
        return res.text().then((body) => {
          throw new Error(`fake Globus refused the login (${res.status}): ${body}`);
        });
      }
      return Promise.resolve(code);
    },
    async playBrowser(authorizeUrl, { username, decline }) {
      const given = new URL(authorizeUrl);
      if (given.pathname !== "/v2/oauth2/authorize") {
        throw new Error(`Not an authorize URL: ${authorizeUrl}`);
      }
      const target = new URL(`${url}${given.pathname}${given.search}`);
      if (decline) target.searchParams.set("fake_decline", "1");
      else if (username !== undefined) target.searchParams.set("fake_login", username);
      else throw new Error("playBrowser needs a username or decline: true");
      const login = await fetch(target, { redirect: "manual" });
      const location = login.headers.get("location");
      if (login.status !== 302 || location === null) {
        throw new Error(`fake Globus refused the login (${login.status}): ${await login.text()}`);
      }
      await login.body?.cancel();
      const next = new URL(location);
      if (
        next.protocol !== "http:" || !["127.0.0.1", "localhost", "[::1]"].includes(next.hostname)
      ) {
        throw new Error(`playBrowser follows redirects to this machine only, not ${next.origin}`);
      }
      const landing = await fetch(next);
      return { status: landing.status, url: location, body: await landing.text() };
    },
    issueTokens({ username, clientId, scopes, offline }) {
      const user = findUser(context.dataset, username);
      if (!user) throw new Error(`Unknown fake user: ${username}`);
      if (!findClient(context.dataset, clientId)) throw new Error(`Unknown client: ${clientId}`);
      return store.issue({
        principal: principalOfUser(user),
        clientId,
        scopes,
        offline: offline ?? false,
        state: "_default",
      });
    },
    close: () => server.close(),
    [Symbol.asyncDispose]: () => server.close(),
  };
}
