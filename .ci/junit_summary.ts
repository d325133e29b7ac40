/**
 * Reads a JUnit XML report written by `deno test --junit-path` and gives the
 * closing line CI looks for: `N passed, N failed` (and `, N skipped`).
 * `.ci/gates.ts` prints it; run on its own, this file prints it and exits 1
 * when any test failed, so the line and the exit status agree.
 *
 * A test file that fails to load has no test case in the report; when the
 * run's log is given too, Deno's own closing line (`| N passed | N failed`)
 * is read and the larger failure count wins.
 *
 * Usage: deno run --allow-read .ci/junit_summary.ts REPORT.xml [RUN.log]
 *
 * @module
 */

/** The counts of a test run and the one-line summary of them. */
export interface Summary {
  /** `N passed, N failed` (and `, N skipped` when any test skipped itself). */
  readonly line: string;
  /** Failed tests, the larger of the report's count and Deno's closing line's. */
  readonly failed: number;
}

/** Counts the report's test cases; `log` (the run's output) adds files that failed to load. */
export function summarize(xml: string, log = ""): Summary {
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
  const denoFailed = [
    ...plain.matchAll(/\|\s*\d+ passed(?: \(\d+ steps?\))?\s*\|\s*(\d+) failed/g),
  ].at(-1)?.[1];
  failed = Math.max(failed, Number(denoFailed ?? 0));
  return {
    line: `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`,
    failed,
  };
}

if (import.meta.main) {
  const xml = await Deno.readTextFile(Deno.args[0] ?? ".ci/out/test-report.xml");
  const log = Deno.args[1] ? await Deno.readTextFile(Deno.args[1]) : "";
  const summary = summarize(xml, log);
  console.log(summary.line);
  if (summary.failed > 0) Deno.exit(1);
}
