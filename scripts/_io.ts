/**
 * Where the scripts talk to the person and write their data: stdin, stdout
 * and stderr, with the rules that make them safe on a terminal and in a
 * pipe.
 *
 * - stderr shows control characters escaped, always: everything on it is
 *   for a person, and much of it came from the network;
 * - stdout is data: byte-exact to a pipe or a file, escaped only when it is
 *   a terminal;
 * - a line is read in blocks, not byte by byte (lib/login_flows'
 *   `LineReader`), and one longer than 4096 bytes is refused without
 *   reading the rest.
 *
 * @module
 */

import type { LineReader } from "../lib/login_flows/line_reader.ts";
import { terminalSafe } from "./_format.ts";

/** Where the scripts talk to the person and write their data; tests pass their own. */
export interface Io {
  /** Reads one line (without its line ending), or null at end of input. */
  readLine(): Promise<string | null>;
  /** Writes to stdout (data only). */
  out(text: string): Promise<void>;
  /** Writes to stderr (instructions, prompts, status, errors). */
  err(text: string): Promise<void>;
}

const encoder = new TextEncoder();

/**
 * Writes all of `text` synchronously, as a promise. A run's writes are few
 * and small but for the data, and a synchronous write saves the hop to
 * Deno's I/O thread and the event-loop turn after it (bench/RESULTS.md); a
 * reader that went away still rejects (BrokenPipe), as an async write does.
 */
function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): Promise<void> {
  try {
    const bytes = encoder.encode(text);
    for (let done = 0; done < bytes.length;) done += stream.writeSync(bytes.subarray(done));
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The process's stdin, read in blocks. Made on the first prompt: only a
 * login reads stdin, and a run without one does not load the reader's code.
 */
let stdinLines: Promise<LineReader> | undefined;
const stdinReader = () =>
  stdinLines ??= import("../lib/login_flows/line_reader.ts").then(({ LineReader }) =>
    new LineReader({ read: (buffer) => Deno.stdin.read(buffer) })
  );

/** The real terminal: stdin, stdout, stderr. */
export const processIo: Io = {
  readLine: async () => {
    let line: string | null;
    try {
      line = await (await stdinReader()).readLine();
    } finally {
      // A terminal echoes the Enter key; a pipe does not, nor does Ctrl-D: end the prompt line
      // here, so that what follows (an error too) starts on a line of its own.
      if (!Deno.stdin.isTerminal()) await writeAll(Deno.stderr, "\n");
    }
    if (line === null && Deno.stdin.isTerminal()) await writeAll(Deno.stderr, "\n");
    return line;
  },
  out: (text) => writeAll(Deno.stdout, Deno.stdout.isTerminal() ? terminalSafe(text) : text),
  err: (text) => writeAll(Deno.stderr, terminalSafe(text)),
};
