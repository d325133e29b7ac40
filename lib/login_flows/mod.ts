/**
 * Login flows: how a person logs in (copy-paste at a terminal, or a browser
 * and a local server). Python: `globus_sdk.login_flows`.
 *
 * @example A login flow is anything with runLoginFlow()
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LoginFlowManager } from "./mod.ts";
 *
 * const asked: unknown[] = [];
 * const flow: LoginFlowManager = {
 *   runLoginFlow(parameters) {
 *     asked.push(parameters.requiredScopes);
 *     return Promise.reject(new Error("no person here"));
 *   },
 * };
 * await assert.rejects(flow.runLoginFlow({ requiredScopes: "openid" }), /no person here/);
 * assert.deepEqual(asked, ["openid"]);
 * ```
 *
 * @module
 */

export type { AuthorizationParameters, LoginFlowManager } from "./login_flow_manager.ts";
