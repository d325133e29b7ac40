/**
 * The benchmark's checks (bench/_runs.ts) and its floor: a failed or wrong
 * run is reported, never timed; the expected CSV comes from the data set;
 * the floor renews a token by temp file and rename, as the library does.
 */

import assert from "node:assert/strict";
import { startFakeGlobus } from "../lib/testing/mod.ts";
import {
  assertRenewed,
  BENCH_USER,
  benchDataset,
  checkedRun,
  expectedCsv,
  handWrittenNotes,
  type Program,
  RunFailure,
  type Setup,
  tokenFileText,
} from "../bench/_runs.ts";
import { storageFlags, tempHome, WITH_STORAGE } from "./e2e/_harness.ts";

const FLOOR = new URL("../bench/floor.ts", import.meta.url).pathname;

const script: Program = {
  name: "script",
  path: WITH_STORAGE,
  args: () => [],
  flags: storageFlags,
};
const floor: Program = { name: "floor", path: FLOOR, args: (t) => [t], flags: storageFlags };

/** A fake Globus with the bench data set and a temporary HOME holding a token file. */
async function benchSetup(n: number, expired: boolean) {
  const dataset = benchDataset(n);
  const expected = expectedCsv(dataset, BENCH_USER);
  const fake = await startFakeGlobus({ dataset });
  const home = await tempHome();
  await Deno.writeTextFile(home.tokenFile, tokenFileText(fake, expired), { mode: 0o600 });
  const setup: Setup = { fake, home: home.home, tokenFile: home.tokenFile, expected };
  return {
    setup,
    [Symbol.asyncDispose]: async () => {
      await home[Symbol.asyncDispose]();
      await fake[Symbol.asyncDispose]();
    },
  };
}

Deno.test("expectedCsv: only the user's active groups, distinct sorted roles, names quoted", () => {
  assert.equal(
    expectedCsv(benchDataset(3), BENCH_USER),
    "ID,Name,Roles\n" +
      'be9c0000-0000-4000-8000-000000000000,"Group 0, ""quoted"" ünïcødé",admin\n' +
      'be9c0000-0000-4000-8000-000000000001,"Group 1",admin|manager\n' +
      'be9c0000-0000-4000-8000-000000000002,"Group 2",member\n',
  );
});

Deno.test("checkedRun: a run that exits non-zero is a failure naming measure, program, code and stderr", async () => {
  await using b = await benchSetup(10, false);
  // The old benchmark's bug: the token file passed to the script as an argument.
  const wrongArgs: Program = { ...script, args: (t) => [t] };
  const failure = await checkedRun("warm", wrongArgs, b.setup).then(
    () => assert.fail("the failed run was timed"),
    (err) => err,
  );
  assert.ok(failure instanceof RunFailure);
  assert.equal(failure.measure, "warm");
  assert.match(
    failure.message,
    /^warm: script \(.*list_groups_with_storage\.ts\) exited 2: error: unexpected argument/,
  );
});

Deno.test("checkedRun: wrong CSV or anything on stderr is a failure", async () => {
  await using b = await benchSetup(10, false);
  const dir = await Deno.makeTempDir({ prefix: "globus-deno-bench-test-" });
  try {
    const program = (name: string, code: string): Program => {
      Deno.writeTextFileSync(`${dir}/${name}.ts`, code);
      return { name, path: `${dir}/${name}.ts`, args: () => [], flags: () => [] };
    };
    const headerOnly = program("header", 'console.log("ID,Name,Roles");');
    await assert.rejects(
      checkedRun("warm", headerOnly, b.setup),
      /^RunFailure: warm: header .* exited 0 but printed the wrong CSV \(0 rows, expected 10\); line 2 is "", expected "be9c0000-0000-4000-8000-000000000000,/,
    );
    const warns = program(
      "warns",
      `await Deno.stdout.write(new TextEncoder().encode(${JSON.stringify(b.setup.expected)}));
       console.error("warning: something is off");`,
    );
    await assert.rejects(
      checkedRun("warm", warns, b.setup),
      /exited 0 but wrote to stderr: warning: something is off/,
    );
    const right = program(
      "right",
      `await Deno.stdout.write(new TextEncoder().encode(${JSON.stringify(b.setup.expected)}));`,
    );
    assert.ok((await checkedRun("warm", right, b.setup)) > 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (const program of [floor, script]) {
  Deno.test(`${program.name}: an expired run prints the CSV and replaces the token file by rename`, async () => {
    await using b = await benchSetup(10, true);
    const before = await Deno.stat(b.setup.tokenFile);
    await assert.rejects(assertRenewed("expired", program.name, b.setup.tokenFile), RunFailure);
    await checkedRun("expired", program, b.setup);
    await assertRenewed("expired", program.name, b.setup.tokenFile);
    const after = await Deno.stat(b.setup.tokenFile);
    // A new inode: written elsewhere (the .tmp, fsynced) and renamed, not rewritten in place.
    assert.notEqual(after.ino, before.ino);
    assert.equal(after.mode! & 0o777, 0o600);
    await assert.rejects(Deno.stat(`${b.setup.tokenFile}.tmp`), Deno.errors.NotFound);
    assert.deepEqual(
      b.setup.fake.requests.map((r) => `${r.method} ${r.path} ${r.grantType ?? ""}`.trim()),
      ["POST /v2/oauth2/token refresh_token", "GET /v2/groups/my_groups"],
    );
  });
}

Deno.test("bench --write keeps RESULTS.md's hand-written notes, from their heading to the end", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = new URL(`file://${dir}/RESULTS.md`);
    assert.deepEqual(await handWrittenNotes(file), [], "no file yet");
    await Deno.writeTextFile(
      file,
      "# Benchmark results\n\n| table |\n\n## Where the time goes\n\n- a note\n- `## Where the time goes` quoted\n\n",
    );
    assert.deepEqual(await handWrittenNotes(file), [
      "## Where the time goes",
      "",
      "- a note",
      "- `## Where the time goes` quoted",
    ]);
    await Deno.writeTextFile(file, "# Benchmark results\n\n| table |\n");
    assert.deepEqual(await handWrittenNotes(file), [], "no notes in the file");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
