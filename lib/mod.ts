/**
 * globus-deno: log a person in to Globus and call Globus services from Deno.
 * A port of the part of the Globus SDK for Python that a script needs
 * without `GlobusApp`: the Auth login clients (PKCE for native apps), token
 * responses, authorizers, a JSON token store that shares its file format with
 * Python, and the Groups client.
 *
 * @example List my groups (the tutorial)
 * ```ts ignore
 * import { AccessTokenAuthorizer, GroupsClient, NativeAppAuthClient } from "./mod.ts";
 *
 * const authClient = new NativeAppAuthClient("61338d24-54d5-408f-a10d-66c06b59f6d2");
 * authClient.oauth2StartFlow({ requestedScopes: GroupsClient.scopes.viewMyGroupsAndMemberships });
 * console.log(await authClient.oauth2GetAuthorizeUrl());
 * const tokens = await authClient.oauth2ExchangeCodeForTokens(code);
 * const accessToken = tokens.byResourceServer[GroupsClient.resourceServer]!.access_token;
 * const groupsClient = new GroupsClient({ authorizer: new AccessTokenAuthorizer(accessToken) });
 * for (const group of await groupsClient.getMyGroups()) console.log(group.name);
 * ```
 *
 * @module
 */

export * from "./version.ts";
export * from "./errors.ts";
export * from "./config.ts";
export * from "./scopes.ts";
export * from "./transport.ts";
export * from "./base_client.ts";
export * from "./pkce.ts";
export * from "./jwt.ts";
export * from "./token_response.ts";
export * from "./token_storage.ts";
export * from "./authorizers.ts";
export * from "./flow_managers.ts";
export * from "./auth_client.ts";
export * from "./groups_client.ts";
export {
  AutoLoginFlowManager,
  type AutoLoginFlowManagerOptions,
  BaseLoginFlowManager,
  type BrowserOpener,
  browserUnavailableReason,
  CommandLineLoginFlowManager,
  type CommandLineLoginFlowManagerOptions,
  type GlobusAuthorizationParameters,
  LocalServerLoginFlowManager,
  type LocalServerLoginFlowManagerOptions,
  type LoginFlowIo,
  type LoginFlowManager,
  type LoginFlowManagerOptions,
  type RunLoginFlowOptions,
  systemBrowserOpener,
  terminalLoginIo,
} from "./login_flows/mod.ts";
