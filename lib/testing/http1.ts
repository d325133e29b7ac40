/**
 * A deliberately small HTTP/1.1 server on `Deno.listen`, used by the fake
 * Globus instead of `Deno.serve` because it must be able to *drop* a
 * connection: close the socket after reading a request without writing any
 * answer, which makes a client's `fetch` reject with a `TypeError`, exactly
 * like a network failure. `Deno.serve` always answers (a thrown handler
 * becomes a 500).
 *
 * One request per connection: every answer carries `Connection: close`, so
 * clients never reuse a socket and never retry silently on a stale one.
 * Bodies are read by `Content-Length` or `Transfer-Encoding: chunked`.
 *
 * @module
 */

/**
 * Returned by a handler to close the connection without any HTTP answer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DROP_CONNECTION, serveHttp1 } from "./http1.ts";
 *
 * const server = serveHttp1({ hostname: "127.0.0.1", port: 0 }, () => DROP_CONNECTION);
 * await assert.rejects(fetch(`http://127.0.0.1:${server.port}/`), TypeError);
 * await server.close();
 * ```
 */
export const DROP_CONNECTION: unique symbol = Symbol("DROP_CONNECTION");

/**
 * What a request handler may answer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DROP_CONNECTION, type Http1Answer, serveHttp1 } from "./http1.ts";
 *
 * const handler = (req: Request): Http1Answer =>
 *   new URL(req.url).pathname === "/drop" ? DROP_CONNECTION : new Response("ok");
 * const server = serveHttp1({ hostname: "127.0.0.1", port: 0 }, handler);
 * const res = await fetch(`http://127.0.0.1:${server.port}/`);
 * assert.equal(await res.text(), "ok");
 * await assert.rejects(fetch(`http://127.0.0.1:${server.port}/drop`), TypeError);
 * await server.close();
 * ```
 */
export type Http1Answer = Response | typeof DROP_CONNECTION;

/**
 * A running HTTP/1.1 server.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveHttp1 } from "./http1.ts";
 *
 * const server = serveHttp1({ hostname: "127.0.0.1", port: 0 }, () => new Response("ok"));
 * assert.ok(server.port > 0); // port 0 asked for any free port
 * assert.equal(server.signal.aborted, false);
 * const closing = server.close();
 * assert.equal(server.signal.aborted, true); // as soon as close() starts
 * await closing;
 * await assert.rejects(fetch(`http://127.0.0.1:${server.port}/`), TypeError); // nobody listens
 * ```
 */
export interface Http1Server {
  /** The bound port (useful when 0 was requested). */
  port: number;
  /** Aborted when {@linkcode Http1Server.close} starts; handlers may watch it to stop waiting. */
  signal: AbortSignal;
  /** Stops accepting, aborts in-flight handlers' waits, closes every socket and waits for all of it. */
  close(): Promise<void>;
}

const MAX_HEAD = 64 * 1024;
const MAX_BODY = 4 * 1024 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Buffered reader over a connection. */
class Reader {
  #buf = new Uint8Array(0);
  constructor(private readonly conn: Deno.Conn) {}

  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(16 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) return false;
    const next = new Uint8Array(this.#buf.length + n);
    next.set(this.#buf);
    next.set(chunk.subarray(0, n), this.#buf.length);
    this.#buf = next;
    return true;
  }

  #indexOf(seq: number[]): number {
    outer: for (let i = 0; i + seq.length <= this.#buf.length; i++) {
      for (let j = 0; j < seq.length; j++) if (this.#buf[i + j] !== seq[j]) continue outer;
      return i;
    }
    return -1;
  }

  /** Reads up to and including `\r\n`, returning the line without it; null on EOF. */
  async line(limit: number): Promise<string | null> {
    for (;;) {
      const at = this.#indexOf([13, 10]);
      if (at >= 0) {
        const text = decoder.decode(this.#buf.subarray(0, at));
        this.#buf = this.#buf.subarray(at + 2);
        return text;
      }
      if (this.#buf.length > limit || !(await this.#fill())) return null;
    }
  }

  /** Reads exactly `n` bytes; null on EOF. */
  async bytes(n: number): Promise<Uint8Array | null> {
    while (this.#buf.length < n) if (!(await this.#fill())) return null;
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }
}

async function readBody(reader: Reader, headers: Headers): Promise<Uint8Array | null> {
  if ((headers.get("transfer-encoding") ?? "").toLowerCase().includes("chunked")) {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const sizeLine = await reader.line(1024);
      if (sizeLine === null) return null;
      const size = parseInt(sizeLine.split(";")[0] ?? "", 16);
      if (!Number.isFinite(size) || size < 0 || (total += size) > MAX_BODY) return null;
      if (size === 0) {
        for (;;) { // skip trailers up to the blank line
          const trailer = await reader.line(MAX_HEAD);
          if (trailer === null || trailer === "") break;
        }
        break;
      }
      const part = await reader.bytes(size);
      if (part === null || (await reader.line(2)) !== "") return null;
      parts.push(part);
    }
    const body = new Uint8Array(total);
    let off = 0;
    for (const p of parts) body.set(p, (off += p.length) - p.length);
    return body;
  }
  const length = Number(headers.get("content-length") ?? "0");
  if (!Number.isInteger(length) || length < 0 || length > MAX_BODY) return null;
  return await reader.bytes(length);
}

async function readRequest(conn: Deno.Conn, origin: string): Promise<Request | null> {
  const reader = new Reader(conn);
  const start = await reader.line(MAX_HEAD);
  const [method, target, version] = (start ?? "").split(" ");
  if (!method || !target?.startsWith("/") || !version?.startsWith("HTTP/1.")) return null;
  const headers = new Headers();
  for (;;) {
    const line = await reader.line(MAX_HEAD);
    if (line === null) return null;
    if (line === "") break;
    const colon = line.indexOf(":");
    if (colon <= 0) return null;
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const body = await readBody(reader, headers);
  if (body === null) return null;
  const hasBody = method !== "GET" && method !== "HEAD";
  const init: RequestInit = { method, headers };
  if (hasBody) init.body = new Uint8Array(body);
  return new Request(origin + target, init);
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}

/**
 * Writes the answer. A handler that sets `content-length` or
 * `transfer-encoding: chunked` itself gets its body streamed as it is
 * produced (a huge body is never held in memory); any other body is sent
 * with its exact length.
 */
async function writeResponse(conn: Deno.Conn, res: Response): Promise<void> {
  let head = `HTTP/1.1 ${res.status} ${res.statusText || "Status"}\r\n`;
  res.headers.forEach((value, name) => {
    if (!["content-length", "connection", "transfer-encoding"].includes(name)) {
      head += `${name}: ${value}\r\n`;
    }
  });
  const declared = res.headers.get("content-length");
  const chunked = res.headers.get("transfer-encoding") === "chunked";
  if ((declared !== null || chunked) && res.body !== null) {
    head += declared !== null
      ? `content-length: ${declared}\r\n`
      : "transfer-encoding: chunked\r\n";
    await writeAll(conn, encoder.encode(`${head}connection: close\r\n\r\n`));
    for await (const chunk of res.body) {
      if (!chunked || declared !== null) {
        await writeAll(conn, chunk);
      } else {
        await writeAll(conn, encoder.encode(`${chunk.length.toString(16)}\r\n`));
        await writeAll(conn, chunk);
        await writeAll(conn, encoder.encode("\r\n"));
      }
    }
    if (chunked && declared === null) await writeAll(conn, encoder.encode("0\r\n\r\n"));
    return;
  }
  const body = new Uint8Array(await res.arrayBuffer());
  head += `content-length: ${body.length}\r\nconnection: close\r\n\r\n`;
  const headBytes = encoder.encode(head);
  const bytes = new Uint8Array(headBytes.length + body.length);
  bytes.set(headBytes);
  bytes.set(body, headBytes.length);
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}

/**
 * Starts the server. The handler sees a standard `Request` whose URL uses the
 * bound `http://hostname:port` origin, and answers a `Response` or
 * {@linkcode DROP_CONNECTION}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveHttp1 } from "./http1.ts";
 *
 * const server = serveHttp1(
 *   { hostname: "127.0.0.1", port: 0 },
 *   async (req) => new Response(`${req.method} ${req.url} ${await req.text()}`),
 * );
 * const res = await fetch(`http://127.0.0.1:${server.port}/echo?x=1`, { method: "POST", body: "hi" });
 * assert.equal(await res.text(), `POST http://127.0.0.1:${server.port}/echo?x=1 hi`);
 * await server.close();
 * ```
 */
export function serveHttp1(
  options: { hostname: string; port: number },
  handler: (req: Request) => Http1Answer | Promise<Http1Answer>,
): Http1Server {
  const listener = Deno.listen({
    hostname: options.hostname,
    port: options.port,
    transport: "tcp",
  });
  const port = listener.addr.port;
  const origin = `http://${options.hostname}:${port}`;
  const abort = new AbortController();
  const conns = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();

  async function serveConn(conn: Deno.Conn): Promise<void> {
    try {
      const req = await readRequest(conn, origin);
      if (req === null) {
        await writeResponse(conn, new Response("Bad Request", { status: 400 }));
        return;
      }
      let answer: Http1Answer;
      try {
        answer = await handler(req);
      } catch (err) {
        // A bug in a handler must show up as a 500 that says so, not as a dropped connection.
        const message = err instanceof Error ? err.message : String(err);
        answer = new Response(JSON.stringify({ code: "FakeServerError", message }), {
          status: 500,
          headers: { "content-type": "application/json" },
        });
      }
      if (answer !== DROP_CONNECTION && !abort.signal.aborted) await writeResponse(conn, answer);
    } catch {
      // The peer went away or the server is closing: nothing left to tell anyone.
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  }

  const acceptLoop = (async () => {
    try {
      for await (const conn of listener) {
        conns.add(conn);
        const task = serveConn(conn);
        tasks.add(task);
        task.finally(() => tasks.delete(task));
      }
    } catch {
      // listener closed
    }
  })();

  let closing: Promise<void> | undefined;
  return {
    port,
    signal: abort.signal,
    close() {
      closing ??= (async () => {
        abort.abort();
        try {
          listener.close();
        } catch { /* already closed */ }
        await acceptLoop;
        for (const conn of conns) {
          try {
            conn.close();
          } catch { /* already closed */ }
        }
        await Promise.allSettled([...tasks]);
      })();
      return closing;
    },
  };
}
