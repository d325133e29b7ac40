/**
 * The default {@linkcode LoginFlowIo}: the person's terminal. Text goes to
 * stderr (stdout stays for a script's data), lines come from stdin, a
 * terminal or a pipe alike.
 *
 * This is the one place in the library that touches stdin and stderr, and
 * only when a flow is built without an `io` of its own: Python's login
 * flows print and read `input()` too, and a login that needs a person
 * needs some way to reach them. Scripts and tests pass their own.
 *
 * @module
 */

import { LineReader } from "./line_reader.ts";
import type { LoginFlowIo } from "./login_flow_manager.ts";

/** One reader for the process: a chunked reader keeps what follows a line for the next read. */
let stdinReader: LineReader | undefined;

const encoder = new TextEncoder();

async function writeAll(stream: { write(p: Uint8Array): Promise<number> }, text: string) {
  const bytes = encoder.encode(text);
  for (let done = 0; done < bytes.length;) done += await stream.write(bytes.subarray(done));
}

/**
 * The terminal: `write` to stderr, `readLine` from stdin (at most 4096 bytes
 * a line). Deno's `prompt()` is not used: it gives null without a terminal,
 * and a code may be piped in. Needs no permission.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { terminalLoginIo } from "./terminal_io.ts";
 * const io = terminalLoginIo();
 * assert.equal(typeof io.readLine, "function");
 * ```
 */
export function terminalLoginIo(): LoginFlowIo {
  return {
    write: (text) => writeAll(Deno.stderr, text),
    readLine: async () => {
      stdinReader ??= new LineReader(Deno.stdin);
      const line = await stdinReader.readLine();
      // A terminal echoes the Enter key; a pipe does not, so end the prompt line here.
      if (!Deno.stdin.isTerminal()) await writeAll(Deno.stderr, "\n");
      return line;
    },
  };
}
