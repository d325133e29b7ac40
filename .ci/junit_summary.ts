/**
 * Reads a JUnit XML report written by `deno test --junit-path` and prints the
 * closing line CI looks for: `N passed, N failed` (and `, N skipped`).
 * Exits 1 when any test failed, so the line and the exit status agree.
 *
 * @module
 */

const path = Deno.args[0] ?? "test-report.xml";
const xml = await Deno.readTextFile(path);

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
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
if (failed > 0) Deno.exit(1);
