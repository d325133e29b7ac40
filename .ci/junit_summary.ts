/**
 * Reads a JUnit XML report written by `deno test --junit-path` and prints the
 * closing line CI looks for: `N passed, N failed` (and `, N skipped`).
 * Exits 1 when any test failed, so the line and the exit status agree.
 *
 * A test file that fails to load has no test case in the report; when the
 * run's log is given too, Deno's own closing line (`| N passed | N failed`)
 * is read and the larger failure count wins.
 *
 * Usage: deno run --allow-read .ci/junit_summary.ts REPORT.xml [RUN.log]
 *
 * @module
 */

const path = Deno.args[0] ?? "test-report.xml";
const xml = await Deno.readTextFile(path);
const log = Deno.args[1] ? await Deno.readTextFile(Deno.args[1]) : "";

let passed = 0;
let failed = 0;
let skipped = 0;
// Each <testcase …/> or <testcase …>…</testcase> is one test (steps are separate cases).
for (const match of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
  const body = match[2] ?? "";
  if (/<(failure|error)\b/.test(body)) failed++;
  else if (/<skipped\b/.test(body)) skipped++;
  else passed++;
}
// Deno's closing line, without colours: "ok | 12 passed | 0 failed (1s)" or "FAILED | …".
// deno-lint-ignore no-control-regex -- ANSI colour codes start with ESC
const plain = log.replace(/\x1b\[[0-9;]*m/g, "");
// "| 3 passed | 0 failed" or, with steps, "| 3 passed (2 steps) | 1 failed (1 step)".
const denoFailed = [...plain.matchAll(/\|\s*\d+ passed(?: \(\d+ steps?\))?\s*\|\s*(\d+) failed/g)]
  .at(-1)?.[1];
failed = Math.max(failed, Number(denoFailed ?? 0));
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
if (failed > 0) Deno.exit(1);
