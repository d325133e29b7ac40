/**
 * Private to the benchmark: the data sets it sets up, the exact output each
 * run must print, and one checked run of a program. A run that exits
 * non-zero, writes to stderr, prints anything but the expected CSV, or (after
 * a refresh) leaves no renewed token in the file is a {@linkcode RunFailure},
 * never a number: a failed run is fast and would flatter any ratio.
 *
 * @module
 */

import { GroupsScopes } from "../lib/mod.ts";
import {
  defaultDataset,
  type FakeDataset,
  type FakeGlobus,
  fakeGroup,
  fakeMembership,
  TUTORIAL_CLIENT_ID,
} from "../lib/testing/mod.ts";

/** The user whose groups every measured run lists. */
export const BENCH_USER = "bench@globusid.org";
const BENCH_ID = "be9c0000-0000-4000-8000-000000000001";
const ROLES = ["admin", "manager", "member"] as const;

/** A program the benchmark runs: how to start it on a token file. */
export interface Program {
  /** Short name, used in the table and in failure lines. */
  readonly name: string;
  /** Path of the program (a `.ts` or `.js` file). */
  readonly path: string;
  /** Arguments after the program, for this token file. */
  readonly args: (tokenFile: string) => string[];
  /** `deno run` flags (permissions) for this token file. */
  readonly flags: (tokenFile: string) => string[];
  /** Where it keeps its tokens under `home`, when not in the setup's `tokenFile`. */
  readonly tokenFile?: (home: string) => string;
}

/** The token file `program` uses in `setup`. */
export function tokenFileOf(program: Program, setup: Setup): string {
  return program.tokenFile?.(setup.home) ?? setup.tokenFile;
}

/** A program's name and path, for a failure line. */
export function describe(program: Program): string {
  return `${program.name} (${program.path})`;
}

/** A measured run that did not do the job; says which program, which measure and how. */
export class RunFailure extends Error {
  constructor(
    readonly measure: string,
    readonly program: string,
    readonly detail: string,
  ) {
    super(`${measure}: ${program} ${detail}`);
    this.name = "RunFailure";
  }
}

/**
 * A data set in which the bench user is an active member of `n` groups:
 * every seventh name has a comma, quotes and non-ASCII letters; one group in
 * three has two memberships of the user (to exercise the role set); and the
 * user has one pending membership (not listed), so the CSV is not just "all groups".
 */
export function benchDataset(n: number): FakeDataset {
  const base = defaultDataset();
  base.users.push({ username: BENCH_USER, identityId: BENCH_ID, name: "Bench User", email: "b@x" });
  for (let i = 0; i < n; i++) {
    const id = `be9c0000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
    const name = i % 7 === 0 ? `Group ${i}, "quoted" ünïcødé` : `Group ${i}`;
    const memberships = [fakeMembership(BENCH_ID, BENCH_USER, ROLES[i % 3]!)];
    if (i % 3 === 1) memberships.push(fakeMembership(BENCH_ID, BENCH_USER, "admin"));
    base.groups.push(fakeGroup(id, name, memberships));
  }
  base.groups.push(
    fakeGroup("be9c0000-0000-4000-8000-ffffffffffff", "Pending", [
      fakeMembership(BENCH_ID, BENCH_USER, "member", "pending"),
    ]),
  );
  return base;
}

/**
 * The CSV a correct run prints for `username`, computed from the data set
 * (not from any program's output): the tutorial's `ID,Name,Roles`, one row
 * per group with an active membership of the user or a linked identity, in
 * data-set order, the name always quoted with inner quotes doubled, the
 * distinct roles sorted and joined with `|`.
 */
export function expectedCsv(dataset: FakeDataset, username: string): string {
  const user = dataset.users.find((u) => u.username === username);
  if (!user) throw new Error(`no user ${username} in the data set`);
  const ids = [user.identityId, ...(user.linkedIdentityIds ?? [])];
  let out = "ID,Name,Roles\n";
  for (const g of dataset.groups) {
    const mine = g.memberships.filter((m) => ids.includes(m.identity_id) && m.status === "active");
    if (mine.length === 0) continue;
    const roles = [...new Set(mine.map((m) => m.role))].sort().join("|");
    out += `${g.id},"${g.name.replaceAll('"', '""')}",${roles}\n`;
  }
  return out;
}

/** A Python-format token file holding a fresh (or expired) login of the bench user. */
export function tokenFileText(fake: FakeGlobus, expired: boolean): string {
  const t = fake.issueTokens({
    username: BENCH_USER,
    clientId: TUTORIAL_CLIENT_ID,
    scopes: [GroupsScopes.viewMyGroupsAndMemberships],
    offline: true,
  });
  const expiresAt = Math.trunc(Date.now() / 1000) + (expired ? -100 : 172800);
  return `{"data": {"DEFAULT": {"groups.api.globus.org": {"resource_server": "groups.api.globus.org", "scope": "${t.scope}", "access_token": "${t.access_token}", "refresh_token": "${t.refresh_token}", "expires_at_seconds": ${expiresAt}, "token_type": "Bearer"}}}, "format_version": "2.0", "globus-sdk.version": "4.9.0"}`;
}

/** Where a measure runs its programs. */
export interface Setup {
  /** The fake Globus serving the data set. */
  readonly fake: FakeGlobus;
  /** The HOME of the runs (a temporary directory). */
  readonly home: string;
  /** The token file, `$HOME/.list-my-globus-groups-tokens.json` (a program may keep its own). */
  readonly tokenFile: string;
  /** What every run must print. */
  readonly expected: string;
}

/** How a process ended. */
export interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The first non-empty line of `text`, shortened for a one-line report. */
export function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * Why `outcome` is not a successful run printing `expected`, or null when it
 * is. A warm or expired run has nothing to say on stderr; a run that logs in
 * does (`stderrAllowed`).
 */
export function whatWentWrong(
  outcome: Outcome,
  expected: string,
  stderrAllowed = false,
): string | null {
  if (outcome.code !== 0) {
    return `exited ${outcome.code}: ${firstLine(outcome.stderr) || "(nothing on stderr)"}`;
  }
  if (outcome.stdout !== expected) {
    const got = outcome.stdout.split("\n");
    const want = expected.split("\n");
    const i = want.findIndex((line, k) => got[k] !== line);
    return `exited 0 but printed the wrong CSV (${got.length - 2} rows, expected ${
      want.length - 2
    }); line ${i + 1} is ${JSON.stringify(firstLine(got[i] ?? "(missing)"))}, expected ${
      JSON.stringify(firstLine(want[i] ?? ""))
    }`;
  }
  if (outcome.stderr !== "" && !stderrAllowed) {
    return `exited 0 but wrote to stderr: ${firstLine(outcome.stderr)}`;
  }
  return null;
}

/** Throws unless the token file holds an access token valid for at least a minute. */
export async function assertRenewed(measure: string, program: string, tokenFile: string) {
  let expiresAt: unknown;
  try {
    const doc = JSON.parse(await Deno.readTextFile(tokenFile));
    expiresAt = doc.data.DEFAULT["groups.api.globus.org"].expires_at_seconds;
  } catch (err) {
    throw new RunFailure(measure, program, `the token file is unreadable after the run (${err})`);
  }
  if (typeof expiresAt !== "number" || expiresAt < Date.now() / 1000 + 60) {
    throw new RunFailure(measure, program, "the refresh was not written to the token file");
  }
}

/** A run's process should never take this long; one that does is killed and reported. */
const RUN_TIMEOUT_MS = 120_000;

/**
 * Runs `program` once in `setup` with `deno run` (behind `wrapper`, e.g.
 * `/usr/bin/time`, when given) and returns its wall-clock time. Throws a
 * {@linkcode RunFailure} unless the run succeeded and printed `setup.expected`.
 */
export async function checkedRun(
  measure: string,
  program: Program,
  setup: Setup,
  wrapper: readonly string[] = [],
): Promise<number> {
  const tokenFile = tokenFileOf(program, setup);
  const deno = [Deno.execPath(), "run", ...program.flags(tokenFile), program.path];
  const argv = [...wrapper, ...deno, ...program.args(tokenFile)];
  const start = performance.now();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      env: { ...setup.fake.env, HOME: setup.home, NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    throw new RunFailure(measure, describe(program), `could not start ${argv[0]}: ${err}`);
  }
  const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
  const out = await child.output().finally(() => clearTimeout(timer));
  const ms = performance.now() - start;
  const decoder = new TextDecoder();
  const outcome = {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
  if (out.signal !== null) {
    const why = ms >= RUN_TIMEOUT_MS ? ` after ${RUN_TIMEOUT_MS / 1000} s` : "";
    const detail = `killed by ${out.signal}${why}: ${
      firstLine(outcome.stderr) || "(nothing on stderr)"
    }`;
    throw new RunFailure(measure, describe(program), detail);
  }
  const wrong = whatWentWrong(outcome, setup.expected);
  if (wrong !== null) throw new RunFailure(measure, describe(program), wrong);
  return ms;
}

/** The heading of RESULTS.md's hand-written part, which `--write` keeps as it is. */
export const NOTES_HEADING = "## Where the time goes";

/**
 * The hand-written part of `results` (from {@linkcode NOTES_HEADING} to the
 * end): what the measurements behind the fixes showed. Prose, kept in the
 * Markdown file where it is edited, not in this program.
 */
export async function handWrittenNotes(results: URL): Promise<string[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(results);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const at = text.indexOf(`\n${NOTES_HEADING}\n`);
  return at < 0 ? [] : text.slice(at + 1).trimEnd().split("\n");
}
