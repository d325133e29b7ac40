/**
 * Where the scripts talk to the person and write their data: stdin, stdout
 * and stderr, with the rules that make them safe on a terminal and in a
 * pipe.
 *
 * - stderr shows control characters escaped, always: everything on it is
 *   for a person, and much of it came from the network;
 * - stdout is data: byte-exact to a pipe or a file, escaped only when it is
 *   a terminal;
 * - a line is read in blocks, not byte by byte, and one longer than
 *   {@linkcode MAX_LINE_BYTES} is refused without reading the rest.
 *
 * @module
 */

import { CliError } from "./_errors.ts";
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

/** The longest line accepted at the prompt: a code is about 40 characters. */
export const MAX_LINE_BYTES = 4096;

const encoder = new TextEncoder();

async function writeAll(stream: { write(p: Uint8Array): Promise<number> }, text: string) {
  const bytes = encoder.encode(text);
  for (let done = 0; done < bytes.length;) done += await stream.write(bytes.subarray(done));
}

/** A reader of lines from a byte source, in blocks, keeping what follows a line for the next. */
export class LineReader {
  readonly #read: (buffer: Uint8Array) => Promise<number | null>;
  readonly #maxBytes: number;
  #pending = new Uint8Array(0);
  #ended = false;

  /** Reads from `read` (e.g. `Deno.stdin.read`); lines over `maxBytes` are refused. */
  constructor(read: (buffer: Uint8Array) => Promise<number | null>, maxBytes = MAX_LINE_BYTES) {
    this.#read = read;
    this.#maxBytes = maxBytes;
  }

  /**
   * The next line without its `\n` or `\r\n`, or null at end of input.
   *
   * @throws {CliError} for a line longer than the limit (the rest is not read).
   */
  async readLine(): Promise<string | null> {
    for (;;) {
      const newline = this.#pending.indexOf(0x0a);
      if (newline >= 0 && newline <= this.#maxBytes + 1) {
        const line = this.#pending.subarray(0, newline);
        this.#pending = this.#pending.slice(newline + 1);
        return new TextDecoder().decode(line).replace(/\r$/, "");
      }
      if (this.#pending.length > this.#maxBytes + 1) {
        throw new CliError(
          `the line entered is longer than ${this.#maxBytes} bytes, which no login code is; run again and paste only the code Globus shows after login`,
        );
      }
      if (this.#ended) {
        if (this.#pending.length === 0) return null;
        const rest = this.#pending;
        this.#pending = new Uint8Array(0);
        return new TextDecoder().decode(rest);
      }
      const block = new Uint8Array(4096);
      const n = await this.#read(block);
      if (n === null || n === 0) {
        this.#ended = true;
        continue;
      }
      const joined = new Uint8Array(this.#pending.length + n);
      joined.set(this.#pending);
      joined.set(block.subarray(0, n), this.#pending.length);
      this.#pending = joined;
    }
  }
}

/** The process's stdin, read in blocks. */
const stdinLines = new LineReader((buffer) => Deno.stdin.read(buffer));

/** The real terminal: stdin, stdout, stderr. */
export const processIo: Io = {
  readLine: async () => {
    let line: string | null;
    try {
      line = await stdinLines.readLine();
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
