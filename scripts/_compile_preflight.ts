/**
 * Run by `deno task compile` before `deno compile`: `deno compile` needs
 * Deno's `denort` runtime, which it downloads from dl.deno.land; where that
 * cannot work it ends in a DNS error and a stack backtrace. This says in one
 * line what is needed instead.
 *
 * @module
 */

const explicit = Deno.env.get("DENORT_BIN");
if (explicit) {
  const found = await Deno.stat(explicit).then(() => true, () => false);
  if (!found) {
    console.error(`error: DENORT_BIN=${explicit} does not exist; point it at a denort binary`);
    Deno.exit(1);
  }
  Deno.exit(0);
}
const cache = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`;
try {
  for await (const entry of Deno.readDir(`${cache}/dl/release/v${Deno.version.deno}`)) {
    if (entry.name.startsWith("denort-")) Deno.exit(0);
  }
} catch { /* not cached */ }
const reachable = await fetch("https://dl.deno.land/", {
  method: "HEAD",
  signal: AbortSignal.timeout(5000),
}).then((r) => (r.body?.cancel(), true), () => false);
if (!reachable) {
  console.error(
    `error: deno compile needs the denort ${Deno.version.deno} runtime, which it downloads from dl.deno.land (not reachable here): set DENORT_BIN to a denort binary and run again`,
  );
  Deno.exit(1);
}
