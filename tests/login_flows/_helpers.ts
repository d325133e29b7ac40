/**
 * What the login-flow tests share: a fake Globus with the tutorial's native
 * client, a recording io, and a check that a port is free again.
 *
 * @module
 */

import { NativeAppAuthClient } from "../../lib/mod.ts";
import type { LoginFlowIo } from "../../lib/login_flows/mod.ts";
import type { FakeGlobus } from "../../lib/testing/mod.ts";
import { TUTORIAL_CLIENT_ID } from "../../lib/testing/mod.ts";

/** The groups scope the tutorial asks for. */
export const GROUPS_SCOPE =
  "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships";

/** The tutorial's native client, pointed at the fake. */
export function nativeClient(fake: FakeGlobus): NativeAppAuthClient {
  return new NativeAppAuthClient(TUTORIAL_CLIENT_ID, { baseUrl: fake.authUrl });
}

/** An io that records what is written and answers reads from `lines` (then null). */
export function recordingIo(
  lines: Array<string | (() => Promise<string | null>)> = [],
): LoginFlowIo & { text(): string } {
  const written: string[] = [];
  return {
    write: (text) => void written.push(text),
    readLine: () => {
      const next = lines.shift();
      return typeof next === "function" ? next() : Promise.resolve(next ?? null);
    },
    text: () => written.join(""),
  };
}

/** The first http(s) URL in `text`. */
export function firstUrl(text: string): string {
  const url = /https?:\/\/\S+/.exec(text)?.[0];
  if (url === undefined) throw new Error(`no URL in: ${text}`);
  return url;
}

/** Whether 127.0.0.1:`port` can be listened on again (the flow released it). */
export function portIsFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) return false;
    throw error;
  }
}
