/**
 * Shared set-up of the end-to-end tests: the scripts' paths, the permission
 * flags they are run with (the narrow ones the README documents, with
 * 127.0.0.1 in place of the Globus hosts), and a temporary home.
 */

import {
  type FakeGlobus,
  type LoginAnswer,
  runScript,
  type ScriptRun,
  TUTORIAL_CLIENT_ID,
} from "../../lib/testing/mod.ts";
import { JSONTokenStorage } from "../../lib/token_storage/json_storage.ts";
import { noappPermissions, storagePermissions } from "../../scripts/_cli.ts";

export const NOAPP = new URL("../../scripts/list_groups_noapp.ts", import.meta.url).pathname;
export const WITH_STORAGE = new URL("../../scripts/list_groups_with_storage.ts", import.meta.url)
  .pathname;

/** The permissions the README gives for the first script, with the fake's address. */
export const NOAPP_FLAGS = noappPermissions("127.0.0.1");

/** The permissions the README gives for the storage script, for a given token file. */
export const storageFlags = (tokenFile: string) => storagePermissions(tokenFile, "127.0.0.1");

/** A temporary home directory, removed on dispose. */
export async function tempHome(): Promise<
  { home: string; tokenFile: string } & AsyncDisposable
> {
  const home = await Deno.makeTempDir({ prefix: "globus-deno-e2e-" });
  return {
    home,
    tokenFile: `${home}/.list-my-globus-groups-tokens.json`,
    [Symbol.asyncDispose]: () => Deno.remove(home, { recursive: true }),
  };
}

/** `list_groups.ts`, the UserApp script. */
export const LIST_GROUPS = new URL("../../scripts/list_groups.ts", import.meta.url).pathname;

/** A temporary home with `list_groups.ts`'s app directory and token file in it (not created). */
export interface AppHome extends AsyncDisposable {
  home: string;
  /** `~/.globus/app/<tutorial client id>/my-user-app`, Python's `UserApp` directory. */
  dir: string;
  tokenFile: string;
}

/** A temporary home for `list_groups.ts`, removed on dispose. */
export async function appHome(): Promise<AppHome> {
  const home = await Deno.makeTempDir({ prefix: "globus-deno-app-e2e-" });
  const dir = `${home}/.globus/app/${TUTORIAL_CLIENT_ID}/my-user-app`;
  return {
    home,
    dir,
    tokenFile: `${dir}/tokens.json`,
    [Symbol.asyncDispose]: () => Deno.remove(home, { recursive: true }),
  };
}

/** Runs the storage script with the narrow permissions in `home`. */
export function runWithStorage(
  fake: FakeGlobus,
  home: { home: string; tokenFile: string },
  logins: LoginAnswer[] = [],
  args: string[] = [],
): Promise<ScriptRun> {
  return runScript(fake, {
    script: WITH_STORAGE,
    denoFlags: storageFlags(home.tokenFile),
    env: { HOME: home.home },
    args,
    logins,
  });
}

/** The calls the script made (the person's visit to the authorize page excluded). */
export function scriptCalls(fake: FakeGlobus): string[] {
  return fake.requests
    .filter((r) => !r.path.startsWith("/v2/oauth2/authorize"))
    .map((r) => `${r.method} ${r.path}${r.grantType ? ` ${r.grantType}` : ""} ${r.status}`);
}

/** Alice's groups as the tutorial's CSV (active memberships; roles sorted; quotes doubled). */
export const ALICE_CSV = [
  "ID,Name,Roles",
  `9a1e0001-0000-4000-8000-00000000a001,"Alice's Lab",admin`,
  `9a1e0002-0000-4000-8000-00000000a002,"Physics, Chemistry & ""Friends""",manager|member`,
  `9a1e0003-0000-4000-8000-00000000a003,"Ünïcødé 研究 group",manager`,
  "",
].join("\n");

/** Asserts that a failed run printed exactly one line on stderr after the login dialogue, no stack trace and no token. */
export function lastErrorLine(run: ScriptRun, tokens: readonly string[] = []): string {
  const lines = run.stderr.trimEnd().split("\n");
  const last = lines[lines.length - 1] ?? "";
  if (/^\s+at /m.test(run.stderr)) throw new Error(`stack trace on stderr:\n${run.stderr}`);
  for (const token of tokens) {
    if (run.stderr.includes(token) || run.stdout.includes(token)) {
      throw new Error("a token was printed");
    }
  }
  return last;
}

/**
 * A fake browser opener: a directory holding an executable `xdg-open` that
 * records its URL argument and exits 0, to put first on PATH. `env` makes a
 * "display" exist and the opener found; `opened()` reads what it was given.
 */
export async function fakeOpener(): Promise<
  { env: Record<string, string>; opened(): Promise<string[]> } & AsyncDisposable
> {
  const dir = await Deno.makeTempDir({ prefix: "globus-deno-opener-" });
  const log = `${dir}/opened.txt`;
  await Deno.writeTextFile(
    `${dir}/xdg-open`,
    `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\n`,
    { mode: 0o755 },
  );
  return {
    env: { PATH: `${dir}:${Deno.env.get("PATH") ?? ""}`, DISPLAY: ":99", WAYLAND_DISPLAY: "" },
    opened: async () =>
      (await Deno.readTextFile(log).catch(() => "")).split("\n").filter((l) => l !== ""),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** No graphical display: a browser login cannot work. */
export const NO_DISPLAY = { DISPLAY: "", WAYLAND_DISPLAY: "" };

/** Holds the token file's lock, as another process renewing would, until `release()`. */
export async function holdLock(
  tokenFile: string,
  resourceServer = "groups.api.globus.org",
): Promise<{ release: () => Promise<void> }> {
  let fail: ((e: Error) => void) | undefined;
  const held = new JSONTokenStorage(tokenFile).renewTokenData(
    resourceServer,
    () => new Promise((_, reject) => fail = reject),
    { isUsable: () => false, timeoutMs: 60_000 },
  ).catch(() => {});
  while (fail === undefined) await new Promise((r) => setTimeout(r, 5));
  return {
    release: async () => {
      fail!(new Error("released"));
      await held;
    },
  };
}
