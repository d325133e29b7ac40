/**
 * The browser-facing and discovery parts of the fake Globus Auth:
 * `GET /v2/oauth2/authorize`, the "Native App Authorization Code" page at
 * `GET /v2/web/auth-code`, `GET /v2/oauth2/userinfo`,
 * `GET /.well-known/openid-configuration` and `GET /jwk.json`.
 * The token endpoints live in `fake_token_endpoint.ts`.
 *
 * @module
 */

import { AuthScopes } from "../scopes/scopes.ts";
import {
  type FakeContext,
  findClient,
  findUser,
  principalOfUser,
  type RequestNote,
} from "./context.ts";
import { escapeHtml, html, json, parseBearer, randomToken } from "./http_util.ts";
import { jwks } from "./jwt.ts";
import { splitScopeString } from "./scope_rules.ts";
import { resourceServerOf } from "./scope_rules.ts";

function authorizeError(error: string, description: string): Response {
  return json(400, { error, error_description: description });
}

/** Whether `uri` is plain http to this machine, on any port and path. */
function isLoopbackHttp(uri: URL): boolean {
  return uri.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(uri.hostname);
}

/** Whether a confidential client may use this redirect URI (https, or http to the loopback). */
function confidentialRedirectOk(uri: URL): boolean {
  return uri.protocol === "https:" || isLoopbackHttp(uri);
}

/**
 * Whether a native client may use this redirect URI: Globus's code page, or
 * (as Globus allows native apps) http to the loopback on any port.
 */
function nativeRedirectOk(ctx: FakeContext, uri: string, parsed: URL): boolean {
  return uri === `${ctx.url}/v2/web/auth-code` || isLoopbackHttp(parsed);
}

/**
 * `GET /v2/oauth2/authorize`: validates the request as Globus does, then
 * either lists the users to sign in as (HTML) or, with `fake_login=<username>`,
 * signs that user in and redirects (302) to `redirect_uri?code=…&state=…`;
 * with `fake_decline`, the person declines: `redirect_uri?error=access_denied&…`.
 * A native client may redirect to Globus's code page or, as with Globus, to
 * `http://127.0.0.1`, `localhost` or `[::1]` on any port.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FakeContext } from "./context.ts";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore } from "./tokens.ts";
 * import { defaultDataset, TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import { handleAuthorize } from "./fake_auth.ts";
 *
 * const url = "http://127.0.0.1:8765"; // the origin written into answers; nothing listens
 * const key = await generateSigningKey();
 * const store = new TokenStore({
 *   now: Date.now, issuer: url, key, accessTokenLifetimeSeconds: 60, rotateRefreshTokens: false,
 * });
 * const ctx: FakeContext = {
 *   url, dataset: defaultDataset(), store, key, now: Date.now, codeLifetimeSeconds: 600,
 * };
 * const authorize = new URL(`${url}/v2/oauth2/authorize`);
 * authorize.search = new URLSearchParams({
 *   "client_id": TUTORIAL_CLIENT_ID,
 *   "redirect_uri": `${url}/v2/web/auth-code`, // the only one a native client may use
 *   "response_type": "code",
 *   scope: "openid",
 *   "code_challenge": "x".repeat(43),
 *   "code_challenge_method": "S256",
 *   state: "s1",
 * }).toString();
 * assert.equal(handleAuthorize(ctx, authorize, {}).status, 200); // the page listing the users
 *
 * authorize.searchParams.set("fake_login", "alice");
 * const res = handleAuthorize(ctx, authorize, {});
 * assert.equal(res.status, 302);
 * const location = new URL(res.headers.get("location")!);
 * assert.equal(location.pathname, "/v2/web/auth-code");
 * assert.equal(location.searchParams.get("state"), "s1");
 * assert.ok(ctx.store.codes.has(location.searchParams.get("code")!));
 * ```
 */
export function handleAuthorize(ctx: FakeContext, url: URL, note: RequestNote): Response {
  const q = url.searchParams;
  const clientId = q.get("client_id") ?? "";
  const client = findClient(ctx.dataset, clientId);
  if (!client) return authorizeError("invalid_request", `Unknown client_id: "${clientId}"`);
  note.clientId = clientId;

  const redirectUri = q.get("redirect_uri") ?? "";
  let redirect: URL;
  try {
    redirect = new URL(redirectUri);
  } catch {
    return authorizeError("invalid_request", "redirect_uri is missing or not a URL");
  }
  if (
    client.type === "native"
      ? !nativeRedirectOk(ctx, redirectUri, redirect)
      : !confidentialRedirectOk(redirect)
  ) {
    return authorizeError("invalid_request", `redirect_uri is not allowed for this client`);
  }
  if (q.get("response_type") !== "code") {
    return authorizeError("unsupported_response_type", "response_type must be 'code'");
  }
  const scopes = splitScopeString(q.get("scope") ?? "");
  if (scopes.length === 0) return authorizeError("invalid_scope", "scope is required");
  const unknown = scopes.find((s) => resourceServerOf(s) === null);
  if (unknown !== undefined) return authorizeError("invalid_scope", `Unknown scope: ${unknown}`);

  const challenge = q.get("code_challenge");
  const method = q.get("code_challenge_method");
  if (challenge !== null || client.type === "native") {
    if (challenge === null || !/^[A-Za-z0-9_-]{43,128}$/.test(challenge)) {
      return authorizeError("invalid_request", "code_challenge is missing or malformed");
    }
    if (method !== "S256") {
      return authorizeError("invalid_request", "code_challenge_method must be 'S256'");
    }
  }
  const accessType = q.get("access_type") ?? "online";
  if (accessType !== "online" && accessType !== "offline") {
    return authorizeError("invalid_request", "access_type must be 'online' or 'offline'");
  }

  const state = q.get("state") ?? "";
  if (q.has("fake_decline")) {
    // What Globus does when the person declines the consent: back to the app with an error.
    redirect.searchParams.set("error", "access_denied");
    redirect.searchParams.set("error_description", "The user declined the request.");
    if (q.has("state")) redirect.searchParams.set("state", state);
    return new Response(null, { status: 302, headers: { location: redirect.href } });
  }
  const login = q.get("fake_login");
  if (login === null) return loginPage(ctx, url);
  const user = findUser(ctx.dataset, login);
  if (!user) return authorizeError("invalid_request", `Unknown fake_login user: "${login}"`);

  const code = randomToken(24);
  ctx.store.codes.set(code, {
    clientId,
    redirectUri,
    scopes,
    ...(challenge !== null ? { codeChallenge: challenge } : {}),
    state,
    offline: accessType === "offline",
    principal: principalOfUser(user),
    expiresAt: ctx.now() + ctx.codeLifetimeSeconds * 1000,
    used: false,
  });
  redirect.searchParams.set("code", code);
  if (q.has("state")) redirect.searchParams.set("state", state);
  return new Response(null, { status: 302, headers: { location: redirect.href } });
}

function loginPage(ctx: FakeContext, url: URL): Response {
  const items = ctx.dataset.users.map((u) => {
    const link = new URL(url.pathname + url.search, ctx.url);
    link.searchParams.set("fake_login", u.username);
    return `<li><a class="fake-login" href="${escapeHtml(link.href)}">${
      escapeHtml(u.username)
    }</a>` +
      ` (${escapeHtml(u.name)})</li>`;
  });
  const decline = new URL(url.pathname + url.search, ctx.url);
  decline.searchParams.set("fake_decline", "1");
  return html(
    200,
    `<!DOCTYPE html><html><head><title>Globus (fake) — Log in</title></head><body>` +
      `<h1>Log in to use this app</h1><ul id="fake-users">${items.join("")}</ul>` +
      `<p><a id="fake-decline" href="${escapeHtml(decline.href)}">Decline</a></p></body></html>`,
  );
}

/**
 * `GET /v2/web/auth-code`: the page a native app's user copies the code from.
 * The code is in `<code id="auth-code">…</code>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { handleAuthCodePage } from "./fake_auth.ts";
 *
 * const page = handleAuthCodePage(new URL("http://127.0.0.1:8765/v2/web/auth-code?code=a<b"));
 * assert.equal(page.status, 200);
 * assert.equal(/<code id="auth-code">([^<]*)<\/code>/.exec(await page.text())?.[1], "a&lt;b");
 * assert.equal(handleAuthCodePage(new URL("http://127.0.0.1:8765/v2/web/auth-code")).status, 400);
 * ```
 */
export function handleAuthCodePage(url: URL): Response {
  const code = url.searchParams.get("code");
  if (!code) {
    return html(400, `<!DOCTYPE html><html><body><h1>Error</h1><p>No code.</p></body></html>`);
  }
  return html(
    200,
    `<!DOCTYPE html><html><head><title>Native App Authorization Code</title></head><body>` +
      `<h1>Native App Authorization Code</h1><p>Copy this code and paste it into the app:</p>` +
      `<code id="auth-code">${escapeHtml(code)}</code></body></html>`,
  );
}

/**
 * `GET /.well-known/openid-configuration`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FakeContext } from "./context.ts";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore } from "./tokens.ts";
 * import { defaultDataset } from "./default_dataset.ts";
 * import { openidConfiguration } from "./fake_auth.ts";
 *
 * const url = "http://127.0.0.1:8765"; // the origin written into answers; nothing listens
 * const key = await generateSigningKey();
 * const store = new TokenStore({
 *   now: Date.now, issuer: url, key, accessTokenLifetimeSeconds: 60, rotateRefreshTokens: false,
 * });
 * const ctx: FakeContext = {
 *   url, dataset: defaultDataset(), store, key, now: Date.now, codeLifetimeSeconds: 600,
 * };
 * const doc = await openidConfiguration(ctx).json();
 * assert.equal(doc.issuer, url);
 * assert.equal(doc.jwks_uri, `${url}/jwk.json`);
 * assert.equal(doc.token_endpoint, `${url}/v2/oauth2/token`);
 * ```
 */
export function openidConfiguration(ctx: FakeContext): Response {
  const u = ctx.url;
  return json(200, {
    issuer: u,
    authorization_endpoint: `${u}/v2/oauth2/authorize`,
    token_endpoint: `${u}/v2/oauth2/token`,
    userinfo_endpoint: `${u}/v2/oauth2/userinfo`,
    revocation_endpoint: `${u}/v2/oauth2/token/revoke`,
    introspection_endpoint: `${u}/v2/oauth2/token/introspect`,
    jwks_uri: `${u}/jwk.json`,
    response_types_supported: ["code"],
    grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
    scopes_supported: [AuthScopes.openid, AuthScopes.email, AuthScopes.profile],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    token_endpoint_auth_methods_supported: ["client_secret_basic"],
    code_challenge_methods_supported: ["S256"],
    claims_supported: ["iss", "sub", "aud", "iat", "exp", "name", "email", "preferred_username"],
  });
}

/**
 * `GET /jwk.json`: the JWKS with the one id_token signing key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FakeContext } from "./context.ts";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore } from "./tokens.ts";
 * import { defaultDataset } from "./default_dataset.ts";
 * import { jwkDocument } from "./fake_auth.ts";
 *
 * const url = "http://127.0.0.1:8765"; // the origin written into answers; nothing listens
 * const key = await generateSigningKey();
 * const store = new TokenStore({
 *   now: Date.now, issuer: url, key, accessTokenLifetimeSeconds: 60, rotateRefreshTokens: false,
 * });
 * const ctx: FakeContext = {
 *   url, dataset: defaultDataset(), store, key, now: Date.now, codeLifetimeSeconds: 600,
 * };
 * const { keys } = await jwkDocument(ctx).json();
 * assert.deepEqual(keys, [key.publicJwk]);
 * assert.equal(keys[0]?.alg, "RS256");
 * ```
 */
export function jwkDocument(ctx: FakeContext): Response {
  return json(200, jwks(ctx.key));
}

function authApiError(status: number, code: string, detail: string): Response {
  const id = crypto.randomUUID();
  return json(status, {
    errors: [{ status: String(status), id, code, title: code, detail }],
    error: code.toLowerCase(),
    error_description: detail,
  });
}

/**
 * `GET /v2/oauth2/userinfo`: needs an active Bearer token for
 * `auth.globus.org` with `openid`; `profile` adds name/username, `email`
 * adds email, `view_identity_set` adds `identity_set`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findUser, principalOfUser } from "./context.ts";
 * import type { FakeContext } from "./context.ts";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore } from "./tokens.ts";
 * import { DEFAULT_IDS, defaultDataset, TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import { handleUserinfo } from "./fake_auth.ts";
 *
 * const url = "http://127.0.0.1:8765"; // the origin written into answers; nothing listens
 * const key = await generateSigningKey();
 * const store = new TokenStore({
 *   now: Date.now, issuer: url, key, accessTokenLifetimeSeconds: 60, rotateRefreshTokens: false,
 * });
 * const ctx: FakeContext = {
 *   url, dataset: defaultDataset(), store, key, now: Date.now, codeLifetimeSeconds: 600,
 * };
 * const principal = principalOfUser(findUser(ctx.dataset, "alice")!);
 * const { access_token: token } = store.issue({
 *   principal,
 *   clientId: TUTORIAL_CLIENT_ID,
 *   scopes: ["openid", "email"],
 *   offline: false,
 * });
 * const res = handleUserinfo(ctx, new Headers({ authorization: `Bearer ${token}` }), {});
 * // No `profile`, so no name or username.
 * assert.deepEqual(await res.json(), { sub: DEFAULT_IDS.alice, email: "alice@example.org" });
 * assert.equal(handleUserinfo(ctx, new Headers(), {}).status, 401);
 * ```
 */
export function handleUserinfo(ctx: FakeContext, headers: Headers, note: RequestNote): Response {
  const token = parseBearer(headers);
  const rec = token ? ctx.store.activeAccess(token) : undefined;
  if (!rec) return authApiError(401, "UNAUTHORIZED", "Call must be authenticated");
  note.clientId = rec.clientId;
  if (rec.resourceServer !== AuthScopes.resourceServer || !rec.scopes.includes(AuthScopes.openid)) {
    return authApiError(403, "FORBIDDEN", "Token lacks the 'openid' scope");
  }
  const p = rec.principal;
  const body: Record<string, unknown> = { sub: p.identityId };
  if (rec.scopes.includes(AuthScopes.profile)) {
    body.preferred_username = p.username;
    if (p.name !== null) body.name = p.name;
  }
  if (rec.scopes.includes(AuthScopes.email) && p.email !== null) body.email = p.email;
  if (rec.scopes.includes(AuthScopes.viewIdentitySet)) {
    body.identity_set = p.identitySet.map((sub) => ({ sub, username: usernameOf(ctx, sub) }));
  }
  return json(200, body);
}

function usernameOf(ctx: FakeContext, identityId: string): string | null {
  const user = ctx.dataset.users.find((u) => u.identityId === identityId);
  if (user) return user.username;
  for (const g of ctx.dataset.groups) {
    const m = g.memberships.find((x) => x.identity_id === identityId);
    if (m) return m.username;
  }
  return null;
}
