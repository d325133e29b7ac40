/**
 * Reading one line at a time from a byte source (a terminal or a pipe), in
 * chunks, with a bound on the line's length.
 *
 * Moved here from `scripts/_cli.ts`, which read byte by byte so that nothing
 * after the line was consumed. This reader reads whole chunks instead and
 * keeps what follows the line for the next `readLine()`: one reader per
 * source, shared by everyone who reads from it, loses nothing.
 *
 * @module
 */

import { LoginFlowError } from "./errors.ts";

/**
 * What a {@linkcode LineReader} reads from: `Deno.stdin`, a `Deno.FsFile`,
 * or anything with the same `read()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ByteSource, LineReader } from "./line_reader.ts";
 *
 * const empty: ByteSource = { read: () => Promise.resolve(null) };
 * assert.equal(await new LineReader(empty).readLine(), null);
 * ```
 */
export interface ByteSource {
  /** Fills `buffer` with up to `buffer.length` bytes; the count, or null at end of input. */
  read(buffer: Uint8Array): Promise<number | null>;
}

/** Options of {@linkcode LineReader}. */
export interface LineReaderOptions {
  /** The longest line accepted, in bytes without the line ending (default 4096). */
  readonly maxLineBytes?: number;
  /** Bytes asked for per read (default 1024). */
  readonly chunkBytes?: number;
}

/**
 * Reads lines from a {@linkcode ByteSource}: UTF-8, without the `\n` or
 * `\r\n` ending. A line longer than `maxLineBytes` is refused with a
 * {@linkcode LoginFlowError} (a pasted code is ~40 bytes; megabytes of
 * input are a mistake, and are not kept in memory).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LineReader } from "./line_reader.ts";
 * const bytes = new TextEncoder().encode("first\r\nsecond\nlast");
 * let at = 0;
 * const reader = new LineReader({
 *   read(buffer) {
 *     if (at === bytes.length) return Promise.resolve(null);
 *     const n = Math.min(buffer.length, bytes.length - at);
 *     buffer.set(bytes.subarray(at, at + n));
 *     at += n;
 *     return Promise.resolve(n);
 *   },
 * });
 * assert.equal(await reader.readLine(), "first");
 * assert.equal(await reader.readLine(), "second");
 * assert.equal(await reader.readLine(), "last");
 * assert.equal(await reader.readLine(), null);
 * ```
 */
export class LineReader {
  readonly #source: ByteSource;
  readonly #maxLineBytes: number;
  readonly #chunk: Uint8Array;
  /** Bytes read but not yet returned: the start of the next line. */
  #pending: Uint8Array = new Uint8Array(0);
  #ended = false;

  /**
   * Wraps `source`; nothing is read until `readLine()`.
   *
   * @throws {RangeError} for a bound or chunk size that is not a positive integer.
   */
  constructor(source: ByteSource, options: LineReaderOptions = {}) {
    const max = options.maxLineBytes ?? 4096;
    const chunk = options.chunkBytes ?? 1024;
    for (const [name, value] of [["maxLineBytes", max], ["chunkBytes", chunk]] as const) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(`${name} must be a positive integer, not ${value}`);
      }
    }
    this.#source = source;
    this.#maxLineBytes = max;
    this.#chunk = new Uint8Array(chunk);
  }

  /**
   * The next line, or null at end of input with nothing left.
   *
   * @throws {LoginFlowError} when the line is longer than `maxLineBytes`;
   *   the rest of that line is then skipped, so the next call reads the line after it.
   */
  async readLine(): Promise<string | null> {
    for (;;) {
      const newline = this.#pending.indexOf(0x0a);
      if (newline >= 0) {
        const line = this.#pending.subarray(0, newline);
        this.#pending = this.#pending.slice(newline + 1);
        return this.#decode(line);
      }
      if (this.#pending.length > this.#maxLineBytes + 1) return await this.#refuse();
      if (this.#ended) {
        if (this.#pending.length === 0) return null;
        const last = this.#pending;
        this.#pending = new Uint8Array(0);
        return this.#decode(last);
      }
      const n = await this.#source.read(this.#chunk);
      if (n === null || n === 0) {
        this.#ended = true;
        continue;
      }
      const joined = new Uint8Array(this.#pending.length + n);
      joined.set(this.#pending);
      joined.set(this.#chunk.subarray(0, n), this.#pending.length);
      this.#pending = joined;
    }
  }

  #decode(line: Uint8Array): string {
    // A "\r" before the "\n" (a Windows line ending) does not count against the bound.
    const body = line.at(-1) === 0x0d ? line.subarray(0, -1) : line;
    if (body.length > this.#maxLineBytes) throw this.#tooLong();
    return new TextDecoder().decode(body);
  }

  /** Skips to the end of the over-long line, then throws. */
  async #refuse(): Promise<never> {
    for (;;) {
      const newline = this.#pending.indexOf(0x0a);
      if (newline >= 0) {
        this.#pending = this.#pending.slice(newline + 1);
        break;
      }
      this.#pending = new Uint8Array(0);
      if (this.#ended) break;
      const n = await this.#source.read(this.#chunk);
      if (n === null || n === 0) this.#ended = true;
      else this.#pending = this.#chunk.slice(0, n);
    }
    throw this.#tooLong();
  }

  #tooLong(): LoginFlowError {
    return new LoginFlowError(
      `the line entered is longer than ${this.#maxLineBytes} bytes, which no login code is; run again and paste only the code Globus shows after login`,
    );
  }
}
