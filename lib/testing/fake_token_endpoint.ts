/**
 * The fake Globus Auth token endpoints: `POST /v2/oauth2/token` (grants
 * `authorization_code`, `refresh_token`, `client_credentials`),
 * `POST /v2/oauth2/token/revoke` and `POST /v2/oauth2/token/introspect`,
 * with client authentication as Globus does it (native: `client_id` in the
 * form; confidential: HTTP Basic) and OAuth2 error bodies.
 *
 * @module
 */

import type { FakeClient } from "./dataset.ts";
import { type FakeContext, findClient, principalOfClient, type RequestNote } from "./context.ts";
import { json, parseBasic } from "./http_util.ts";
import { base64url } from "./jwt.ts";
import { splitScopeString } from "./scope_rules.ts";

function oauthError(status: number, error: string, description: string): Response {
  const headers: Record<string, string> = status === 401
    ? { "www-authenticate": 'Basic realm="fake-globus-auth"' }
    : {};
  return json(status, { error, error_description: description }, headers);
}

async function readForm(req: Request): Promise<URLSearchParams | Response> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    return oauthError(
      400,
      "invalid_request",
      "Content-Type must be application/x-www-form-urlencoded",
    );
  }
  return new URLSearchParams(await req.text());
}

/** Finds and authenticates the calling client, or answers the error Globus would. */
function authenticateClient(
  ctx: FakeContext,
  req: Request,
  form: URLSearchParams,
  note: RequestNote,
): FakeClient | Response {
  const formId = form.get("client_id");
  if (req.headers.has("authorization")) {
    const basic = parseBasic(req.headers);
    if (!basic) return oauthError(401, "invalid_client", "Unsupported client authentication");
    note.clientId = basic.id;
    const client = findClient(ctx.dataset, basic.id);
    if (client?.type !== "confidential" || client.secret !== basic.secret) {
      return oauthError(401, "invalid_client", "Invalid client credentials");
    }
    if (formId !== null && formId !== basic.id) {
      return oauthError(
        400,
        "invalid_request",
        "client_id does not match the authenticated client",
      );
    }
    return client;
  }
  if (formId === null) return oauthError(401, "invalid_client", "Client authentication required");
  note.clientId = formId;
  const client = findClient(ctx.dataset, formId);
  if (!client) return oauthError(401, "invalid_client", "Invalid client_id");
  if (client.type !== "native") {
    return oauthError(401, "invalid_client", "Confidential clients must authenticate");
  }
  return client;
}

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

async function codeGrant(ctx: FakeContext, client: FakeClient, form: URLSearchParams) {
  const rec = ctx.store.codes.get(form.get("code") ?? "");
  if (!rec || rec.clientId !== client.clientId) {
    return oauthError(400, "invalid_grant", "Invalid authorization code");
  }
  if (rec.used) return oauthError(400, "invalid_grant", "Authorization code has already been used");
  if (rec.expiresAt <= ctx.now()) {
    return oauthError(400, "invalid_grant", "Authorization code has expired");
  }
  if (form.get("redirect_uri") !== rec.redirectUri) {
    return oauthError(400, "invalid_grant", "redirect_uri does not match the authorize request");
  }
  if (rec.codeChallenge !== undefined) {
    const verifier = form.get("code_verifier");
    if (verifier === null || !/^[A-Za-z0-9~_.-]{43,128}$/.test(verifier)) {
      return oauthError(400, "invalid_grant", "code_verifier is missing or malformed");
    }
    if ((await s256(verifier)) !== rec.codeChallenge) {
      return oauthError(400, "invalid_grant", "code_verifier does not match code_challenge");
    }
  }
  rec.used = true;
  return json(
    200,
    ctx.store.issue({
      principal: rec.principal,
      clientId: client.clientId,
      scopes: rec.scopes,
      offline: rec.offline,
      state: rec.state,
    }),
  );
}

function refreshGrant(ctx: FakeContext, client: FakeClient, form: URLSearchParams): Response {
  const rec = ctx.store.activeRefresh(form.get("refresh_token") ?? "");
  if (!rec || rec.clientId !== client.clientId) {
    return oauthError(400, "invalid_grant", "Invalid refresh token");
  }
  return json(200, ctx.store.refreshGrant(rec));
}

function clientCredentialsGrant(
  ctx: FakeContext,
  client: FakeClient,
  form: URLSearchParams,
): Response {
  if (client.type !== "confidential") {
    return oauthError(400, "unauthorized_client", "Native clients cannot use client_credentials");
  }
  const scopes = splitScopeString(form.get("scope") ?? "");
  if (scopes.length === 0) return oauthError(400, "invalid_scope", "scope is required");
  try {
    const principal = principalOfClient(client);
    return json(
      200,
      ctx.store.issue({ principal, clientId: client.clientId, scopes, offline: false }),
    );
  } catch (err) {
    return oauthError(400, "invalid_scope", err instanceof Error ? err.message : String(err));
  }
}

/**
 * `POST /v2/oauth2/token`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FakeContext } from "./context.ts";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore } from "./tokens.ts";
 * import {
 *   CONFIDENTIAL_CLIENT_ID,
 *   CONFIDENTIAL_CLIENT_SECRET,
 *   defaultDataset,
 * } from "./default_dataset.ts";
 * import { handleToken } from "./fake_token_endpoint.ts";
 *
 * const url = "http://127.0.0.1:8765"; // the origin written into answers; nothing listens
 * const key = await generateSigningKey();
 * const store = new TokenStore({
 *   now: Date.now, issuer: url, key, accessTokenLifetimeSeconds: 60, rotateRefreshTokens: false,
 * });
 * const ctx: FakeContext = {
 *   url, dataset: defaultDataset(), store, key, now: Date.now, codeLifetimeSeconds: 600,
 * };
 * const tokenRequest = (secret: string) =>
 *   new Request(`${url}/v2/oauth2/token`, {
 *     method: "POST",
 *     headers: { authorization: `Basic ${btoa(`${CONFIDENTIAL_CLIENT_ID}:${secret}`)}` },
 *     body: new URLSearchParams({ "grant_type": "client_credentials", scope: "openid" }),
 *   });
 * const ok = await handleToken(ctx, tokenRequest(CONFIDENTIAL_CLIENT_SECRET), {});
 * assert.equal(ok.status, 200);
 * assert.equal((await ok.json()).resource_server, "auth.globus.org");
 * const bad = await handleToken(ctx, tokenRequest("wrong"), {});
 * assert.equal(bad.status, 401);
 * assert.equal((await bad.json()).error, "invalid_client");
 * ```
 */
export async function handleToken(
  ctx: FakeContext,
  req: Request,
  note: RequestNote,
): Promise<Response> {
  const form = await readForm(req);
  if (form instanceof Response) return form;
  const grant = form.get("grant_type");
  if (grant !== null) note.grantType = grant;
  const client = authenticateClient(ctx, req, form, note);
  if (client instanceof Response) return client;
  switch (grant) {
    case null:
      return oauthError(400, "invalid_request", "grant_type is required");
    case "authorization_code":
      return await codeGrant(ctx, client, form);
    case "refresh_token":
      return refreshGrant(ctx, client, form);
    case "client_credentials":
      return clientCredentialsGrant(ctx, client, form);
    default:
      return oauthError(400, "unsupported_grant_type", `Unsupported grant_type: ${grant}`);
  }
}

/**
 * `POST /v2/oauth2/token/revoke`: revokes an access or refresh token issued
 * to the calling client; always `{"active": false}` once the client is known.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findUser, principalOfUser } from "./context.ts";
 * import type { FakeContext } from "./context.ts";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore } from "./tokens.ts";
 * import { defaultDataset, TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import { handleRevoke } from "./fake_token_endpoint.ts";
 *
 * const url = "http://127.0.0.1:8765"; // the origin written into answers; nothing listens
 * const key = await generateSigningKey();
 * const store = new TokenStore({
 *   now: Date.now, issuer: url, key, accessTokenLifetimeSeconds: 60, rotateRefreshTokens: false,
 * });
 * const ctx: FakeContext = {
 *   url, dataset: defaultDataset(), store, key, now: Date.now, codeLifetimeSeconds: 600,
 * };
 * const { access_token: token } = store.issue({
 *   principal: principalOfUser(findUser(ctx.dataset, "alice")!),
 *   clientId: TUTORIAL_CLIENT_ID,
 *   scopes: ["openid"],
 *   offline: false,
 * });
 * const request = new Request(`${url}/v2/oauth2/token/revoke`, {
 *   method: "POST",
 *   body: new URLSearchParams({ "client_id": TUTORIAL_CLIENT_ID, token }),
 * });
 * const res = await handleRevoke(ctx, request, {});
 * assert.deepEqual(await res.json(), { active: false });
 * assert.equal(store.activeAccess(token), undefined);
 * ```
 */
export async function handleRevoke(
  ctx: FakeContext,
  req: Request,
  note: RequestNote,
): Promise<Response> {
  const form = await readForm(req);
  if (form instanceof Response) return form;
  const client = authenticateClient(ctx, req, form, note);
  if (client instanceof Response) return client;
  const token = form.get("token");
  if (!token) return oauthError(400, "invalid_request", "token is required");
  ctx.store.revoke(token, client.clientId);
  return json(200, { active: false });
}

/**
 * `POST /v2/oauth2/token/introspect` (confidential clients only). A token is
 * reported active only to the client it was issued to or to its resource
 * server; `include=identity_set` adds the identity set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findClient, principalOfClient } from "./context.ts";
 * import type { FakeContext } from "./context.ts";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore } from "./tokens.ts";
 * import {
 *   CONFIDENTIAL_CLIENT_ID,
 *   CONFIDENTIAL_CLIENT_SECRET,
 *   defaultDataset,
 * } from "./default_dataset.ts";
 * import { handleIntrospect } from "./fake_token_endpoint.ts";
 *
 * const url = "http://127.0.0.1:8765"; // the origin written into answers; nothing listens
 * const key = await generateSigningKey();
 * const store = new TokenStore({
 *   now: Date.now, issuer: url, key, accessTokenLifetimeSeconds: 60, rotateRefreshTokens: false,
 * });
 * const ctx: FakeContext = {
 *   url, dataset: defaultDataset(), store, key, now: Date.now, codeLifetimeSeconds: 600,
 * };
 * const client = findClient(ctx.dataset, CONFIDENTIAL_CLIENT_ID)!;
 * const { access_token: token } = store.issue({
 *   principal: principalOfClient(client),
 *   clientId: client.clientId,
 *   scopes: ["openid"],
 *   offline: false,
 * });
 * const introspect = (token: string) =>
 *   handleIntrospect(
 *     ctx,
 *     new Request(`${url}/v2/oauth2/token/introspect`, {
 *       method: "POST",
 *       headers: { authorization: `Basic ${btoa(`${client.clientId}:${CONFIDENTIAL_CLIENT_SECRET}`)}` },
 *       body: new URLSearchParams({ token, include: "identity_set" }),
 *     }),
 *     {},
 *   );
 * const body = await (await introspect(token)).json();
 * assert.equal(body.active, true);
 * assert.equal(body.client_id, CONFIDENTIAL_CLIENT_ID);
 * assert.deepEqual(body.identity_set, [CONFIDENTIAL_CLIENT_ID]);
 * assert.deepEqual(await (await introspect("unknown")).json(), { active: false });
 * ```
 */
export async function handleIntrospect(
  ctx: FakeContext,
  req: Request,
  note: RequestNote,
): Promise<Response> {
  const form = await readForm(req);
  if (form instanceof Response) return form;
  const client = authenticateClient(ctx, req, form, note);
  if (client instanceof Response) return client;
  if (client.type !== "confidential") {
    return oauthError(401, "invalid_client", "Only confidential clients may introspect tokens");
  }
  const token = form.get("token");
  if (!token) return oauthError(400, "invalid_request", "token is required");
  const rec = ctx.store.activeAccess(token);
  if (!rec || (rec.clientId !== client.clientId && rec.resourceServer !== client.clientId)) {
    return json(200, { active: false });
  }
  const p = rec.principal;
  const body: Record<string, unknown> = {
    active: true,
    "token_type": "Bearer",
    scope: rec.scopes.join(" "),
    "client_id": rec.clientId,
    sub: p.identityId,
    username: p.username,
    name: p.name,
    email: p.email,
    aud: [rec.resourceServer, rec.clientId],
    iss: ctx.url,
    iat: Math.floor(rec.issuedAt / 1000),
    nbf: Math.floor(rec.issuedAt / 1000),
    exp: Math.floor(rec.expiresAt / 1000),
  };
  if ((form.get("include") ?? "").split(",").includes("identity_set")) {
    body.identity_set = p.identitySet;
  }
  return json(200, body);
}
