/**
 * Benchmarks of the scripts as people run them: real processes against the
 * local fake Globus, side by side with `floor.ts` (the same job with no
 * library), with the goals of issue 15 beside the figures. Timings here are
 * noisy, so the figures are ratios of medians of runs interleaved in one
 * benchmark; no absolute time is a pass/fail line. Requests per run and the
 * eight-process check are exact.
 *
 * Every measured run is checked: exit status 0, nothing on stderr, exactly
 * the CSV computed from the data set, and after a refresh a renewed token in
 * the file. Any failure stops the benchmark with one line naming the measure,
 * the program, the exit code and the first stderr line, and exit status 1:
 * a failed run is never reported as a figure.
 *
 *   deno task bench [--runs 21] [--write]     (--write updates bench/RESULTS.md, keeping its hand-written "Where the time goes")
 *
 * To measure another program, add one entry to `entries()`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { runScript, startFakeGlobus, TUTORIAL_CLIENT_ID } from "../lib/testing/mod.ts";
import { appPermissions, storagePermissions } from "../scripts/_cli.ts";
import {
  assertRenewed,
  BENCH_USER,
  benchDataset,
  checkedRun,
  describe,
  expectedCsv,
  handWrittenNotes,
  type Program,
  RunFailure,
  type Setup,
  tokenFileOf,
  tokenFileText,
  whatWentWrong,
} from "./_runs.ts";

/** The measures compared with the floor as a ratio of medians. */
type RatioMeasure = "warm10" | "warm10k" | "expired" | "memory";

const RATIO_MEASURES: Record<RatioMeasure, string> = {
  warm10: "warm run, 10 groups",
  warm10k: "warm run, 10,000 groups",
  expired: "expired token, 10 groups (one refresh)",
  memory: "peak memory, 10,000 groups",
};

/** A program in the table, with its goals (ratios to the floor, at most). */
interface Entry extends Program {
  /** What it is, for the note under the table. */
  readonly label: string;
  /** Goals by measure; a measure without one is shown without a goal. */
  readonly goals: Readonly<Partial<Record<RatioMeasure, number>>>;
  /** Uses the SDK: the request counts, the login and the eight-process check apply. */
  readonly sdk: boolean;
  /** Why it cannot be measured (e.g. it does not exist yet); its goal rows say so. */
  readonly missing?: string;
  /** Builds the program before any measure (e.g. the bundle). */
  readonly build?: () => Promise<void>;
  /** Arguments for a run that logs in (after `args`). */
  readonly loginArgs?: readonly string[];
  /**
   * Logs in once in each set-up and starts every run from the file that
   * login wrote (instead of `tokenFileText`): for a program whose file holds
   * more than the one Groups record (an app's `auth.globus.org` record).
   */
  readonly ownLogin?: boolean;
  /** Exact request counts, when not {@linkcode REQUESTS_GOAL}. */
  readonly requestsGoal?: {
    readonly warm: number;
    readonly expired: number;
    readonly login: number;
  };
}

/** Exact goals for every SDK program (unless it has its own). */
const REQUESTS_GOAL = { warm: 1, expired: 2, login: 2 } as const;
const EIGHT_PROCESSES_REFRESH_GOAL = 1;

const ROOT = new URL("..", import.meta.url).pathname;
const WARMUP = 2;
const MEMORY_RUNS = 5;
const TIME = "/usr/bin/time";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The programs measured, floor first. One entry per program. */
async function entries(buildDir: string): Promise<Entry[]> {
  const sdkFlags = (tokenFile: string) => storagePermissions(tokenFile, "127.0.0.1");
  const script = `${ROOT}scripts/list_groups_with_storage.ts`;
  const bundle = `${buildDir}/list_groups_with_storage.js`;
  const app = `${ROOT}scripts/list_groups.ts`;
  const appTokenFile = (home: string) =>
    `${home}/.globus/app/${TUTORIAL_CLIENT_ID}/my-user-app/tokens.json`;
  return [
    {
      name: "floor",
      label: "`bench/floor.ts`, the same job with no library (a durable rewrite, no lock)",
      path: `${ROOT}bench/floor.ts`,
      args: (tokenFile) => [tokenFile],
      flags: sdkFlags,
      goals: {},
      sdk: false,
    },
    {
      name: "script",
      label: "`deno run scripts/list_groups_with_storage.ts` (token file in `$HOME`)",
      path: script,
      args: () => [],
      flags: sdkFlags,
      goals: { warm10: 1.20, warm10k: 1.05, expired: 1.30, memory: 1.05 },
      sdk: true,
    },
    {
      name: "bundle",
      label: "the same script as one file (`deno task bundle`)",
      path: bundle,
      args: () => [],
      flags: sdkFlags,
      goals: { warm10: 1.10 },
      sdk: true,
      build: async () => {
        const out = await new Deno.Command(Deno.execPath(), {
          args: ["bundle", "--quiet", "-o", bundle, script],
          stdout: "null",
          stderr: "piped",
        }).output();
        const stderr = new TextDecoder().decode(out.stderr);
        const wrong = whatWentWrong({ code: out.code, stdout: "", stderr }, "", true);
        if (wrong !== null) throw new RunFailure("build", `deno bundle ${script}`, wrong);
      },
    },
    {
      name: "app",
      label:
        "`deno run scripts/list_groups.ts` (the app script, issue 14; Python's UserApp token file in `$HOME`)",
      path: app,
      // Issue 14 gives it --token-file; if it reads another file layout, give
      // it its own token file text here.
      args: () => [],
      loginArgs: ["--no-local-server"],
      // Python's UserApp file in the temporary HOME, as the script keeps it by default.
      tokenFile: appTokenFile,
      flags: (tokenFile) => appPermissions(tokenFile, "127.0.0.1"),
      ownLogin: true,
      // A login also fetches Auth's OpenID configuration and keys, to check the ID token.
      requestsGoal: { warm: 1, expired: 2, login: 4 },
      goals: { warm10: 1.25 },
      sdk: true,
      ...(await exists(app) ? {} : { missing: "scripts/list_groups.ts does not exist yet" }),
    },
  ];
}

/** Runs `fn` with a fake Globus serving `n` groups and an empty temporary HOME. */
async function withSetup<T>(
  n: number,
  rotateRefreshTokens: boolean,
  fn: (setup: Setup) => Promise<T>,
): Promise<T> {
  const dataset = benchDataset(n);
  const expected = expectedCsv(dataset, BENCH_USER);
  await using fake = await startFakeGlobus({ dataset, rotateRefreshTokens });
  const home = await Deno.makeTempDir({ prefix: "globus-deno-bench-" });
  try {
    return await fn({
      fake,
      home,
      tokenFile: `${home}/.list-my-globus-groups-tokens.json`,
      expected,
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/**
 * The token file text every run of `program` starts from in `setup`: the
 * bench user's login, fresh or with an expired Groups token. A program with
 * `ownLogin` logs in once here (a checked run, as in `loginRequests`) and its
 * file is kept; the expired version has the Groups record expired.
 */
async function startingText(program: Entry, setup: Setup, expired: boolean): Promise<string> {
  if (!program.ownLogin) return tokenFileText(setup.fake, expired);
  const measure = "set-up login";
  const run = await loginRun(program, setup);
  const wrong = whatWentWrong(run, setup.expected, true);
  if (wrong !== null) throw new RunFailure(measure, describe(program), wrong);
  const tokenFile = tokenFileOf(program, setup);
  const text = await Deno.readTextFile(tokenFile);
  await Deno.remove(tokenFile);
  if (!expired) return text;
  const doc = JSON.parse(text);
  const record = doc?.data?.DEFAULT?.["groups.api.globus.org"];
  if (!record) throw new RunFailure(measure, describe(program), "stored no Groups login");
  record.expires_at_seconds = Math.trunc(Date.now() / 1000) - 100;
  return JSON.stringify(doc);
}

/** One run of `program` that logs in as the bench user (the login page answered by the fake). */
async function loginRun(program: Entry, setup: Setup) {
  const tokenFile = tokenFileOf(program, setup);
  const run = await runScript(setup.fake, {
    script: program.path,
    args: [...program.args(tokenFile), ...(program.loginArgs ?? [])],
    denoFlags: program.flags(tokenFile),
    env: { HOME: setup.home },
    logins: [{ username: BENCH_USER }],
  });
  return {
    code: run.status,
    stdout: run.stdout,
    stderr: run.stderr,
    authorizeUrls: run.authorizeUrls.length,
  };
}

/** `programs` in a different order each round, so none always runs first. */
function rotated<T>(programs: readonly T[], round: number): T[] {
  const k = round % programs.length;
  return [...programs.slice(k), ...programs.slice(0, k)];
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Timing {
  /** Median ms by program. */
  readonly ms: Map<string, number>;
  /** The request counts seen (one per run, distinct) by program. */
  readonly requests: Map<string, Set<number>>;
}

/** Wall-clock times of every program, interleaved, each run from the same token file. */
async function timed(
  measure: string,
  programs: readonly Entry[],
  n: number,
  expired: boolean,
  runs: number,
): Promise<Timing> {
  return await withSetup(n, false, async (setup) => {
    const texts = new Map<string, string>();
    for (const p of programs) texts.set(p.name, await startingText(p, setup, expired));
    const times = new Map(programs.map((p) => [p.name, [] as number[]]));
    const requests = new Map(programs.map((p) => [p.name, new Set<number>()]));
    for (let round = 0; round < WARMUP + runs; round++) {
      for (const program of rotated(programs, round)) {
        const tokenFile = tokenFileOf(program, setup);
        await Deno.writeTextFile(tokenFile, texts.get(program.name)!, { mode: 0o600 });
        setup.fake.clearLog();
        const ms = await checkedRun(measure, program, setup);
        if (expired) await assertRenewed(measure, describe(program), tokenFile);
        requests.get(program.name)!.add(setup.fake.requests.length);
        if (round >= WARMUP) times.get(program.name)!.push(ms);
      }
    }
    return { ms: new Map([...times].map(([k, v]) => [k, median(v)])), requests };
  });
}

/** Whether `/usr/bin/time` is GNU time (`-v` reports the maximum resident set size). */
async function haveGnuTime(): Promise<boolean> {
  const report = await Deno.makeTempFile({ prefix: "globus-deno-bench-time-" });
  try {
    const out = await new Deno.Command(TIME, {
      args: ["-v", "-o", report, "true"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.code === 0 && (await Deno.readTextFile(report)).includes("Maximum resident set");
  } catch {
    return false;
  } finally {
    await Deno.remove(report);
  }
}

/**
 * Median peak RSS (KiB) of each program's own process on a warm run: GNU
 * time's `-v` report of the `deno run` process it starts and waits for
 * (`wait4` rusage; `deno run` starts no children). The report goes to a file
 * (`-o`), so the run's own stdout and stderr are checked as in every measure.
 */
async function peakMemoryKib(
  measure: string,
  programs: readonly Entry[],
  n: number,
): Promise<Map<string, number>> {
  return await withSetup(n, false, async (setup) => {
    const texts = new Map<string, string>();
    for (const p of programs) texts.set(p.name, await startingText(p, setup, false));
    const report = `${setup.home}/time-report.txt`;
    const kib = new Map(programs.map((p) => [p.name, [] as number[]]));
    for (let round = 0; round < MEMORY_RUNS; round++) {
      for (const program of rotated(programs, round)) {
        const tokenFile = tokenFileOf(program, setup);
        await Deno.writeTextFile(tokenFile, texts.get(program.name)!, { mode: 0o600 });
        await checkedRun(measure, program, setup, [TIME, "-v", "-o", report]);
        const max = /Maximum resident set size \(kbytes\): (\d+)/.exec(
          await Deno.readTextFile(report),
        );
        if (!max) throw new RunFailure(measure, describe(program), `${TIME} reported no RSS`);
        kib.get(program.name)!.push(Number(max[1]));
      }
    }
    return new Map([...kib].map(([k, v]) => [k, median(v)]));
  });
}

/** Requests a first run makes (the login's token exchange and the listing), not the login page. */
async function loginRequests(program: Entry): Promise<number> {
  const measure = "first run with login";
  return await withSetup(10, false, async (setup) => {
    const run = await loginRun(program, setup);
    const wrong = whatWentWrong(run, setup.expected, true);
    if (wrong !== null) throw new RunFailure(measure, describe(program), wrong);
    if (run.authorizeUrls !== 1) {
      throw new RunFailure(measure, describe(program), `asked for ${run.authorizeUrls} logins`);
    }
    return setup.fake.requests.filter((r) => !r.path.startsWith("/v2/oauth2/authorize")).length;
  });
}

/** Refresh calls that reach Auth when `processes` runs start at once on an expired login. */
async function refreshesAtOnce(program: Entry, processes: number): Promise<number> {
  const measure = `${processes} processes at once, expired login`;
  return await withSetup(10, true, async (setup) => {
    const tokenFile = tokenFileOf(program, setup);
    await Deno.writeTextFile(tokenFile, await startingText(program, setup, true), { mode: 0o600 });
    setup.fake.clearLog();
    await Promise.all(
      Array.from({ length: processes }, () => checkedRun(measure, program, setup)),
    );
    await assertRenewed(measure, describe(program), tokenFile);
    return setup.fake.requests.filter((r) => r.grantType === "refresh_token").length;
  });
}

/**
 * The stdout of a command, or "" when it fails. Deno grants /proc only to
 * --allow-all, so the benchmark reads it through `cat` (it may run anything).
 */
async function commandOutput(command: string, args: string[] = []): Promise<string> {
  try {
    const out = await new Deno.Command(command, { args, stdout: "piped", stderr: "null" }).output();
    return out.code === 0 ? new TextDecoder().decode(out.stdout).trim() : "";
  } catch {
    return "";
  }
}

/** The machine, for the record: the figures only compare within one table. */
async function machine(): Promise<string> {
  const cpuinfo = await commandOutput("cat", ["/proc/cpuinfo"]);
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown CPU";
  const nproc = (await commandOutput("nproc")) || `${navigator.hardwareConcurrency} (no nproc)`;
  return `nproc ${nproc}, ${model}, Deno ${Deno.version.deno} (${Deno.build.target})`;
}

async function loadAverage(): Promise<string> {
  const text = await commandOutput("cat", ["/proc/loadavg"]);
  return text.split(" ").slice(0, 3).join(" ") || "unknown";
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
const verdict = (ok: boolean) => (ok ? "met" : "**not met**");

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      runs: { type: "string", default: "21" },
      write: { type: "boolean", default: false },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer`);
  const started = new Date();
  const loadBefore = await loadAverage();
  const buildDir = await Deno.makeTempDir({ prefix: "globus-deno-bench-build-" });
  try {
    const all = await entries(buildDir);
    const present = all.filter((e) => e.missing === undefined);
    for (const e of present) await e.build?.();

    const timings: Partial<Record<RatioMeasure, Timing>> = {};
    timings.warm10 = await timed(RATIO_MEASURES.warm10, present, 10, false, runs);
    timings.warm10k = await timed(RATIO_MEASURES.warm10k, present, 10_000, false, runs);
    timings.expired = await timed(RATIO_MEASURES.expired, present, 10, true, runs);
    const memory = await haveGnuTime()
      ? await peakMemoryKib(RATIO_MEASURES.memory, present, 10_000)
      : undefined;
    const sdk = present.filter((e) => e.sdk);
    const login = new Map<string, number>();
    const eight = new Map<string, number>();
    for (const e of sdk) login.set(e.name, await loginRequests(e));
    for (const e of sdk) eight.set(e.name, await refreshesAtOnce(e, 8));
    const loadAfter = await loadAverage();

    let met = 0;
    let goals = 0;
    const tally = (ok: boolean) => {
      goals++;
      if (ok) met++;
      return verdict(ok);
    };
    const ratioRows: string[] = [];
    for (const [measure, title] of Object.entries(RATIO_MEASURES) as [RatioMeasure, string][]) {
      const figure = measure === "memory"
        ? memory && ((name: string) => memory.get(name)!)
        : (name: string) => timings[measure]!.ms.get(name)!;
      const unit = measure === "memory" ? mib : ms;
      for (const e of all.slice(1)) {
        const goal = e.goals[measure];
        const shown = goal === undefined ? "—" : `≤ ${goal.toFixed(2)}`;
        if (e.missing !== undefined || !figure) {
          if (goal === undefined) continue;
          const why = e.missing ??
            `${TIME} (GNU time) not found: install it (apt-get install time)`;
          ratioRows.push(`| ${title} | ${e.name} | — | — | — | ${shown} | not measured: ${why} |`);
          continue;
        }
        const ratio = figure(e.name) / figure("floor");
        const ok = goal === undefined ? "" : tally(ratio <= goal);
        ratioRows.push(
          `| ${title} | ${e.name} | ${unit(figure(e.name))} | ${unit(figure("floor"))} | ${
            ratio.toFixed(3)
          } | ${shown} | ${ok} |`,
        );
      }
    }

    const counts = (seen: Set<number>) => [...seen].sort((a, b) => a - b).join(" or ");
    const countRows: string[] = [];
    for (const e of present) {
      const exact = e.requestsGoal ?? REQUESTS_GOAL;
      const row = (title: string, seen: Set<number>, goal: number) => {
        const ok = e.sdk ? tally(seen.size === 1 && seen.has(goal)) : "";
        countRows.push(
          `| ${title} | ${e.name} | ${counts(seen)} | ${e.sdk ? goal : "—"} | ${ok} |`,
        );
      };
      row("requests per warm run", timings.warm10.requests.get(e.name)!, exact.warm);
      row("requests per expired run", timings.expired.requests.get(e.name)!, exact.expired);
      if (!e.sdk) continue;
      row("requests on a first run with login", new Set([login.get(e.name)!]), exact.login);
      row(
        "refresh calls, 8 processes at once on an expired login",
        new Set([eight.get(e.name)!]),
        EIGHT_PROCESSES_REFRESH_GOAL,
      );
    }

    const lines = [
      `Run ${started.toISOString().slice(0, 16).replace("T", " ")} UTC on ${await machine()}.`,
      `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}. The machine is`,
      "shared (other engineers' test runs), so absolute times are noisy; compare ratios.",
      "",
      "| measure | program | program | floor | program / floor | goal | |",
      "|---|---|---|---|---|---|---|",
      ...ratioRows,
      "",
      "| exact count | program | seen | goal | |",
      "|---|---|---|---|---|",
      ...countRows,
      "",
      `Goals met: ${met} of ${goals}.`,
      "",
      `Times: medians of ${runs} runs per program after ${WARMUP} warm-up rounds, the programs`,
      "interleaved (order rotating each round), wall-clock from spawning `deno run` to its exit.",
      `Peak memory: median over ${MEMORY_RUNS} interleaved warm runs of each program's own`,
      "maximum resident set size, as GNU `time -v` reports it for the `deno run` process.",
      "Every run was checked: exit status 0, nothing on stderr, exactly the CSV computed from the",
      "data set, and after a refresh a renewed token in the file. Requests are counted in the fake",
      "Globus's log; a first run's login page is not a request of the script.",
      "",
      ...all.map((e) =>
        `- ${e.name}: ${e.label}${e.missing !== undefined ? ` — not measured: ${e.missing}` : ""}`
      ),
    ];
    console.log(lines.join("\n"));

    if (values.write) {
      const resultsFile = new URL("./RESULTS.md", import.meta.url);
      const notes = await handWrittenNotes(resultsFile);
      const results = [
        "# Benchmark results",
        "",
        "Made by `deno task bench --write`; see `bench/run.ts` for what is measured and how, and",
        "issue 15 for the goals.",
        "",
        ...lines,
        ...(notes.length > 0 ? ["", ...notes] : []),
      ];
      await Deno.writeTextFile(resultsFile, results.join("\n") + "\n");
    }
  } finally {
    await Deno.remove(buildDir, { recursive: true });
  }
}

if (import.meta.main) {
  try {
    await main();
  } catch (err) {
    const what = err instanceof RunFailure ? err.message : err instanceof Error ? err.message : err;
    console.error(`bench: FAILED: ${what}`);
    console.error("bench: no figures reported (a failed run would only flatter them)");
    Deno.exit(1);
  }
}
