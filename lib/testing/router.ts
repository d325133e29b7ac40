/**
 * Maps method and path to the fake Auth and Groups handlers. Auth is served
 * at the root (`/v2/oauth2/*`, `/v2/web/*`, `/.well-known/*`, `/jwk.json`)
 * and Groups under `/v2/groups/`, so one origin serves both services.
 *
 * @module
 */

import type { FakeContext, RequestNote } from "./context.ts";
import {
  handleAuthCodePage,
  handleAuthorize,
  handleUserinfo,
  jwkDocument,
  openidConfiguration,
} from "./fake_auth.ts";
import { handleGroups } from "./fake_groups.ts";
import { handleAuthApi } from "./fake_identities.ts";
import { handleIntrospect, handleRevoke, handleToken } from "./fake_token_endpoint.ts";
import { json } from "./http_util.ts";

type Route = (ctx: FakeContext, req: Request, url: URL, note: RequestNote) =>
  | Response
  | Promise<Response>;

const ROUTES: Record<string, Record<string, Route>> = {
  "/v2/oauth2/authorize": { GET: (ctx, _req, url, note) => handleAuthorize(ctx, url, note) },
  "/v2/web/auth-code": { GET: (_ctx, _req, url) => handleAuthCodePage(url) },
  "/v2/oauth2/token": { POST: (ctx, req, _url, note) => handleToken(ctx, req, note) },
  "/v2/oauth2/token/revoke": { POST: (ctx, req, _url, note) => handleRevoke(ctx, req, note) },
  "/v2/oauth2/token/introspect": {
    POST: (ctx, req, _url, note) => handleIntrospect(ctx, req, note),
  },
  "/v2/oauth2/userinfo": {
    GET: (ctx, req, _url, note) => handleUserinfo(ctx, req.headers, note),
  },
  "/.well-known/openid-configuration": { GET: (ctx) => openidConfiguration(ctx) },
  "/jwk.json": { GET: (ctx) => jwkDocument(ctx) },
};

/**
 * Serves one request against the fake services (no faults, no logging).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FakeContext } from "./context.ts";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore } from "./tokens.ts";
 * import { defaultDataset } from "./default_dataset.ts";
 * import { route } from "./router.ts";
 *
 * const url = "http://127.0.0.1:8765"; // the origin written into answers; nothing listens
 * const key = await generateSigningKey();
 * const store = new TokenStore({
 *   now: Date.now, issuer: url, key, accessTokenLifetimeSeconds: 60, rotateRefreshTokens: false,
 * });
 * const ctx: FakeContext = {
 *   url, dataset: defaultDataset(), store, key, now: Date.now, codeLifetimeSeconds: 600,
 * };
 * const jwk = await route(ctx, new Request(`${url}/jwk.json`), {});
 * assert.equal((await jwk.json()).keys[0].kid, key.kid);
 * assert.equal((await route(ctx, new Request(`${url}/nowhere`), {})).status, 404);
 * const post = await route(ctx, new Request(`${url}/jwk.json`, { method: "POST" }), {});
 * assert.equal(post.status, 405);
 * assert.equal(post.headers.get("allow"), "GET");
 * ```
 */
export async function route(ctx: FakeContext, req: Request, note: RequestNote): Promise<Response> {
  const url = new URL(req.url);
  if (url.pathname.startsWith("/v2/groups/")) return handleGroups(ctx, req, url, note);
  if (url.pathname.startsWith("/v2/api/")) return handleAuthApi(ctx, req, url, note);
  const methods = ROUTES[url.pathname];
  if (!methods) {
    return json(404, { code: "NotFound", message: `No such path: ${url.pathname}` });
  }
  const handler = methods[req.method];
  if (!handler) {
    return json(405, { code: "MethodNotAllowed", message: `${req.method} is not allowed here` }, {
      allow: Object.keys(methods).join(", "),
    });
  }
  return await handler(ctx, req, url, note);
}
