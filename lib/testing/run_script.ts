/**
 * Runs a login script as a real process against a fake Globus and plays the
 * person: when the script prints an authorize URL, the fake signs a user in
 * and the code is typed into the script's stdin. For end-to-end tests of
 * scripts built on this SDK, and for the demo.
 *
 * @module
 */

import type { FakeGlobus } from "./fake_globus.ts";

/** What the person does when a script asks for a code, or opens a browser. */
export type LoginAnswer =
  /** Sign this user in at the fake and type the code. */
  | { readonly username: string }
  /** Play the browser of a local-server login: sign this user in, follow the redirect back. */
  | { readonly browser: string }
  /** Type this text (e.g. a wrong code). */
  | { readonly type: string }
  /** Close stdin without typing anything. */
  | { readonly closeStdin: true };

/** Options of {@linkcode runScript}. */
export interface RunScriptOptions {
  /** Path of the script to run. */
  readonly script: string;
  /** Arguments after the script. */
  readonly args?: readonly string[];
  /** Deno flags before the script, e.g. `["--allow-net=127.0.0.1"]`. */
  readonly denoFlags?: readonly string[];
  /** Extra environment; the fake's service URLs are always added. */
  readonly env?: Readonly<Record<string, string>>;
  /** What to do at each login prompt, in order; default: no login expected (stdin closed). */
  readonly logins?: readonly LoginAnswer[];
  /** Kill the process after this many ms (default 60 000). */
  readonly timeoutMs?: number;
}

/**
 * How a run ended.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runScript, type ScriptRun, startFakeGlobus } from "./mod.ts";
 *
 * await using fake = await startFakeGlobus();
 * const run: ScriptRun = await runScript(fake, {
 *   script: new URL("../../scripts/list_groups_noapp.ts", import.meta.url).href,
 *   denoFlags: [
 *     "--allow-net=127.0.0.1",
 *     "--allow-env=GLOBUS_SDK_ENVIRONMENT,GLOBUS_SDK_SERVICE_URL_AUTH,GLOBUS_SDK_SERVICE_URL_GROUPS,GLOBUS_SDK_HTTP_TIMEOUT",
 *   ],
 *   logins: [{ type: "not-a-code" }], // the person types a wrong code
 * });
 * assert.equal(run.status, 1);
 * assert.equal(run.stdout, "");
 * assert.equal(run.authorizeUrls.length, 1);
 * assert.deepEqual(run.codes, ["not-a-code"]);
 * // One line that says what went wrong and what to do:
 * assert.match(run.stderr, /\nerror: Globus Auth did not accept the code \(invalid_grant: [^\n]*\n$/);
 * ```
 */
export interface ScriptRun {
  /** Exit status. */
  readonly status: number;
  /** Everything written to stdout. */
  readonly stdout: string;
  /** Everything written to stderr. */
  readonly stderr: string;
  /** The authorize URLs the script printed, in order. */
  readonly authorizeUrls: readonly string[];
  /** The codes typed in, in order. */
  readonly codes: readonly string[];
  /**
   * The HTTP status of each local page a `{ browser }` answer landed on, in
   * order (0 when the fake refused the login or the page did not answer).
   */
  readonly browserLandings: readonly number[];
}

// Only a URL followed by white space is complete (a chunk may end mid-URL).
const AUTHORIZE_URL = /https?:\/\/\S+\/v2\/oauth2\/authorize\?\S+(?=\s)/g;

/**
 * Runs `options.script` with `deno run` and answers its login prompts.
 *
 * @example Log in as alice through the tutorial script
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_IDS, runScript, startFakeGlobus } from "./mod.ts";
 *
 * await using fake = await startFakeGlobus();
 * const run = await runScript(fake, {
 *   script: new URL("../../scripts/list_groups_noapp.ts", import.meta.url).href,
 *   denoFlags: [
 *     "--allow-net=127.0.0.1",
 *     "--allow-env=GLOBUS_SDK_ENVIRONMENT,GLOBUS_SDK_SERVICE_URL_AUTH,GLOBUS_SDK_SERVICE_URL_GROUPS,GLOBUS_SDK_HTTP_TIMEOUT",
 *   ],
 *   logins: [{ username: "alice" }],
 * });
 * assert.equal(run.status, 0, run.stderr);
 * assert.ok(run.stdout.startsWith("ID,Name,Roles\n"), run.stdout);
 * assert.ok(run.stdout.includes(`${DEFAULT_IDS.groups.alicesLab},"Alice's Lab",admin\n`));
 * assert.ok(fake.requests.some((r) => r.grantType === "authorization_code" && r.status === 200));
 * ```
 */
export async function runScript(fake: FakeGlobus, options: RunScriptOptions): Promise<ScriptRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...(options.denoFlags ?? []), options.script, ...(options.args ?? [])],
    env: { NO_COLOR: "1", ...fake.env, ...options.env },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, options.timeoutMs ?? 60_000);

  const logins = [...(options.logins ?? [])];
  const authorizeUrls: string[] = [];
  const codes: string[] = [];
  const browserLandings: number[] = [];
  const stdin = child.stdin.getWriter();
  let stdinOpen = true;
  const closeStdin = async () => {
    if (!stdinOpen) return;
    stdinOpen = false;
    await stdin.close().catch(() => {});
  };
  if (logins.length === 0) await closeStdin();

  let stderr = "";
  const decoder = new TextDecoder();
  const readStderr = (async () => {
    for await (const chunk of child.stderr) {
      stderr += decoder.decode(chunk, { stream: true });
      const found = [...stderr.matchAll(AUTHORIZE_URL)].map((m) => m[0]);
      while (found.length > authorizeUrls.length) {
        const url = found[authorizeUrls.length]!;
        authorizeUrls.push(url);
        const answer = logins.shift();
        if (answer === undefined || "closeStdin" in answer) {
          await closeStdin();
          continue;
        }
        if ("browser" in answer) {
          // A refused login is the script's failure to show, not the runner's: status 0.
          const landing = await fake.playBrowser(url, { username: answer.browser })
            .catch(() => ({ status: 0 }));
          browserLandings.push(landing.status);
          if (logins.length === 0) await closeStdin();
          continue;
        }
        const code = "type" in answer ? answer.type : await fake.loginCode(url, answer.username);
        codes.push(code);
        await stdin.write(new TextEncoder().encode(`${code}\n`)).catch(() => {});
        if (logins.length === 0) await closeStdin();
      }
    }
  })();
  const readStdout = new Response(child.stdout).text();
  const [status, stdout] = await Promise.all([child.status, readStdout, readStderr]).then((
    [s, out],
  ) => [s.code, out] as const);
  clearTimeout(timer);
  await closeStdin();
  return { status, stdout, stderr, authorizeUrls, codes, browserLandings };
}
