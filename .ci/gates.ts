/**
 * The gates, in one list: `deno task ok` runs this file, and so does CI
 * (`.ci/run` calls `deno task ok`). Every gate runs even when one before it
 * failed, so that a formatting slip does not hide the test results; any
 * failure makes the exit status 1. The last line is the one CI looks for:
 * `N passed, N failed` (and `, N skipped`), read from the tests' JUnit report.
 *
 * Usage: deno task ok
 *
 * @module
 */

import { summarize } from "./junit_summary.ts";

/** Where `deno task test` writes its JUnit report (deno.json's test task names it too). */
export const REPORT = ".ci/out/test-report.xml";

/** Each gate: the arguments of one `deno` command. */
export const GATES: readonly (readonly string[])[] = [
  ["fmt", "--check"],
  ["lint"],
  ["task", "check"],
  ["task", "doc"],
  // --allow-dirty: the gates run on work in progress too; CI's clone is clean anyway.
  ["publish", "--dry-run", "--allow-dirty"],
  ["task", "test"],
];

/** Runs one command, copying its output to ours as it comes; returns its status and output. */
async function run(args: readonly string[]): Promise<{ ok: boolean; output: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const copy = async (from: ReadableStream<Uint8Array>, to: { write(b: Uint8Array): unknown }) => {
    for await (const chunk of from) {
      await to.write(chunk);
      output += decoder.decode(chunk, { stream: true });
    }
  };
  const [status] = await Promise.all([
    child.status,
    copy(child.stdout, Deno.stdout),
    copy(child.stderr, Deno.stderr),
  ]);
  return { ok: status.success, output };
}

if (import.meta.main) {
  await Deno.remove(REPORT).catch(() => {});
  let failedGates = 0;
  let log = "";
  for (const gate of GATES) {
    const name = `deno ${gate.join(" ")}`;
    console.log(`== ${name}`);
    const { ok, output } = await run(gate);
    log += output;
    if (!ok) {
      console.log(`== FAILED: ${name}`);
      failedGates++;
    }
  }
  let xml: string | undefined;
  try {
    xml = await Deno.readTextFile(REPORT);
  } catch {
    console.log("no test report was written: the test run itself failed to start");
  }
  const summary = xml === undefined
    ? { line: "0 passed, 1 failed", failed: 1 }
    : summarize(xml, log);
  console.log(summary.line);
  Deno.exit(failedGates > 0 || summary.failed > 0 ? 1 : 0);
}
