/**
 * Private: the token response classes, loaded with a client's first token
 * answer. A login client that exists in case a refresh is needed (an app on
 * a warm run, whose access token is still valid) never gets one, and then
 * neither the responses nor the `id_token` verifier under them are loaded
 * (issue 15: about 1.5 ms of the app script's warm run). A literal
 * `import()`, which `deno bundle` and `deno compile` follow.
 *
 * @module
 */

/** The module of the token response classes, loaded on the first call. */
export function tokenResponses(): Promise<typeof import("../tokens/token_response.ts")> {
  return import("../tokens/token_response.ts");
}
