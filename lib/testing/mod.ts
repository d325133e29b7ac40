/**
 * A faithful local fake of Globus Auth and Globus Groups over real HTTP on
 * `127.0.0.1`, for testing code that talks to Globus without the internet.
 *
 * What a client must do to succeed against it is what Globus demands: PKCE
 * (S256) for native clients, HTTP Basic for confidential clients, single-use
 * expiring codes, exact redirect URIs, tokens per resource server, refresh
 * (optionally rotating), revocation, introspection, userinfo, RS256
 * id_tokens with a JWKS, Auth's identities, identity providers and consents
 * (`/v2/api/`), and the Groups `my_groups` / `get_group` calls.
 * Tests can inject failures (status codes with `Retry-After`, delays,
 * dropped connections, non-JSON answers) and read a request log.
 *
 * @example Sign in as alice with the tutorial's native client and list her groups
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_IDS, startFakeGlobus, TUTORIAL_CLIENT_ID } from "./mod.ts";
 *
 * await using fake = await startFakeGlobus();
 * const tokens = fake.issueTokens({
 *   username: "alice",
 *   clientId: TUTORIAL_CLIENT_ID,
 *   scopes: ["urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships"],
 * });
 * const res = await fetch(`${fake.groupsUrl}v2/groups/my_groups`, {
 *   headers: { authorization: `Bearer ${tokens.access_token}` },
 * });
 * const groups: { id: string; name: string }[] = await res.json();
 * assert.deepEqual(groups.map((g) => g.id), [
 *   DEFAULT_IDS.groups.alicesLab,
 *   DEFAULT_IDS.groups.physics,
 *   DEFAULT_IDS.groups.unicode,
 * ]);
 * assert.equal(groups[0]?.name, "Alice's Lab");
 * ```
 *
 * Run it by hand with `deno task fake-globus` (see `cli.ts`).
 *
 * @module
 */

export { type FakeGlobus, type FakeGlobusOptions, startFakeGlobus } from "./fake_globus.ts";
export {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  DEFAULT_IDS,
  defaultDataset,
  FAKE_COLLECTION_ID,
  fakeGroup,
  fakeMembership,
  TUTORIAL_CLIENT_ID,
} from "./default_dataset.ts";
export type {
  FakeClient,
  FakeConsent,
  FakeDataset,
  FakeGroup,
  FakeMembership,
  FakeUser,
} from "./dataset.ts";
export type { Fault, RequestLogEntry } from "./faults.ts";
export type { TokenBody, TokenIssue } from "./token_types.ts";
export type { PublicJwk } from "./jwt.ts";
export {
  type LoginAnswer,
  runScript,
  type RunScriptOptions,
  type ScriptRun,
} from "./run_script.ts";
