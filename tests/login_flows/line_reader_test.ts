import assert from "node:assert/strict";
import { LoginFlowError } from "../../lib/mod.ts";
import { type ByteSource, LineReader } from "../../lib/login_flows/mod.ts";

/** A source that hands out `text` in reads of at most `step` bytes, counting reads. */
function source(text: string | Uint8Array, step = 1 << 20): ByteSource & { reads: number } {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  let at = 0;
  return {
    reads: 0,
    read(buffer) {
      this.reads++;
      if (at >= bytes.length) return Promise.resolve(null);
      const n = Math.min(buffer.length, step, bytes.length - at);
      buffer.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(n);
    },
  };
}

Deno.test("LineReader.readLine() keeps what follows a line for the next call", async () => {
  const src = source("code-1\nsecond line\r\nthird", 5);
  const reader = new LineReader(src);
  assert.equal(await reader.readLine(), "code-1");
  assert.equal(await reader.readLine(), "second line");
  assert.equal(await reader.readLine(), "third");
  assert.equal(await reader.readLine(), null);
  assert.equal(await reader.readLine(), null);
});

Deno.test("LineReader.readLine() reads in chunks, not byte by byte", async () => {
  const src = source(`${"x".repeat(3000)}\n`);
  const reader = new LineReader(src, { chunkBytes: 1024 });
  assert.equal((await reader.readLine())?.length, 3000);
  assert.equal(src.reads, 3);
});

Deno.test("LineReader.readLine() decodes UTF-8 split across reads", async () => {
  const reader = new LineReader(source("héllo wörld\n", 1), { chunkBytes: 1 });
  assert.equal(await reader.readLine(), "héllo wörld");
});

Deno.test("LineReader.readLine() refuses a line over the bound, then reads the next one", async () => {
  const reader = new LineReader(source(`${"a".repeat(5000)}\ngood\n`, 700));
  await assert.rejects(
    reader.readLine(),
    (e) => e instanceof LoginFlowError && /longer than 4096 bytes/.test(e.message),
  );
  assert.equal(await reader.readLine(), "good");
});

Deno.test("LineReader.readLine() accepts exactly the bound, with or without \\r", async () => {
  const reader = new LineReader(source(`${"b".repeat(10)}\r\n${"c".repeat(10)}\n`), {
    maxLineBytes: 10,
  });
  assert.equal(await reader.readLine(), "b".repeat(10));
  assert.equal(await reader.readLine(), "c".repeat(10));
  const over = new LineReader(source(`${"d".repeat(11)}\n`), { maxLineBytes: 10 });
  await assert.rejects(over.readLine(), LoginFlowError);
});

Deno.test("LineReader.readLine() stops reading an endless line soon after the bound", async () => {
  // 64 MiB without a newline: refused without holding it all in memory.
  let served = 0;
  const endless: ByteSource = {
    read(buffer) {
      if (served >= 64 << 20) return Promise.resolve(null);
      buffer.fill(0x41);
      served += buffer.length;
      return Promise.resolve(buffer.length);
    },
  };
  const reader = new LineReader(endless, { maxLineBytes: 4096 });
  await assert.rejects(reader.readLine(), LoginFlowError);
  assert.equal(await reader.readLine(), null);
});

Deno.test("new LineReader() refuses a bound that is not a positive integer", () => {
  assert.throws(() => new LineReader(source(""), { maxLineBytes: 0 }), RangeError);
  assert.throws(() => new LineReader(source(""), { chunkBytes: 1.5 }), RangeError);
});
