/**
 * The loopback HTTP server that Globus sends the browser back to: it waits
 * for one redirect carrying `code` (or `error`) and the expected `state`,
 * and answers that browser request with the landing page once the caller
 * knows how the login ended (so "Login successful" is only said when the
 * code exchange worked).
 *
 * @module
 */

import { LoginFlowError, LoginFlowTimeoutError } from "./errors.ts";
import { landingPage, PAGE_HEADERS } from "./_landing_page.ts";
import { printable } from "./_printable.ts";

/** What the waiting browser request is answered with. */
export interface PageResult {
  /** HTTP status. */
  readonly status: number;
  /** The page's heading. */
  readonly title: string;
  /** The page's text. */
  readonly message: string;
}

function page(result: PageResult): Response {
  return new Response(landingPage(result.title, result.message), {
    status: result.status,
    headers: PAGE_HEADERS,
  });
}

/**
 * A server on `127.0.0.1:<port>` (0: a free one) waiting for the redirect.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RedirectServer } from "./_redirect_server.ts";
 *
 * const server = new RedirectServer({ port: 0, state: "st-1" });
 * try {
 *   // The browser, sent back by Globus after the login.
 *   const browser = fetch(`http://127.0.0.1:${server.port}/?code=C-1&state=st-1`);
 *   assert.equal(await server.waitForCode(60_000, undefined), "C-1");
 *   server.answer({ status: 200, title: "Login successful", message: "You may close this." });
 *   const landing = await browser;
 *   assert.equal(landing.status, 200);
 *   assert.match(await landing.text(), /Login successful/);
 * } finally {
 *   await server.close();
 * }
 * ```
 */
export class RedirectServer {
  /** The port listened on. */
  readonly port: number;
  readonly #state: string;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #code = Promise.withResolvers<string>();
  readonly #page = Promise.withResolvers<PageResult>();
  #received = false;

  /** Starts listening. */
  constructor(options: { port: number; state: string }) {
    this.#state = options.state;
    // The code promise may reject before anyone waits on it (a fast wrong redirect).
    this.#code.promise.catch(() => {});
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: options.port, onListen() {} },
      (req) => this.#handle(req),
    );
    this.port = this.#server.addr.port;
  }

  async #handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (req.method !== "GET" || url.pathname !== "/") {
      return page({ status: 404, title: "Not found", message: "There is nothing here." });
    }
    // A page elsewhere that makes its own name resolve to 127.0.0.1 (DNS
    // rebinding) sends its own Host: such a request must not end the login.
    if (req.headers.get("host") !== `127.0.0.1:${this.port}`) {
      return page({ status: 400, title: "Wrong address", message: "Unexpected Host header." });
    }
    if (this.#received) {
      return page({
        status: 409,
        title: "Login already handled",
        message: "This login has already come back. You can close this window.",
      });
    }
    const q = url.searchParams;
    const code = q.get("code");
    const error = q.get("error");
    if (code === null && error === null) {
      return page({
        status: 400,
        title: "Nothing to do",
        message:
          "This address waits for Globus to send a login back. Start the login from the application.",
      });
    }
    // A wrong state is not this login's answer: a tab left from an earlier run, or any page or
    // local program that found the port. It must not end the login that is waiting (anyone
    // could then cancel it), so it is refused and the wait goes on.
    if (q.get("state") !== this.#state) {
      return page({
        status: 400,
        title: "Not this login",
        message:
          "This login was not started by the application waiting here (its state does not match). " +
          "Use the URL the application printed.",
      });
    }
    this.#received = true;
    if (error !== null) {
      const description = q.get("error_description") ?? "";
      const declined = error === "access_denied";
      this.#code.reject(
        new LoginFlowError(
          declined
            ? `the login was declined in the browser${
              description ? ` (${printable(description)})` : ""
            }; run again to log in`
            : `Globus did not complete the login: ${printable(error)}${
              description ? `: ${printable(description)}` : ""
            }`,
          { oauthError: error },
        ),
      );
      return page({
        status: 400,
        title: "Login failed",
        message: declined
          ? `You declined the login${description ? `: ${description}` : "."}`
          : `Globus reported: ${description || error}`,
      });
    }
    this.#code.resolve(code!);
    return page(await this.#page.promise);
  }

  /**
   * The code of the first valid redirect.
   *
   * @throws {LoginFlowError} for a redirect with `error` (one with a wrong
   *   `state` is refused and the wait goes on).
   * @throws {LoginFlowTimeoutError} after `timeoutMs`.
   * @throws `signal.reason` when the signal fires.
   */
  waitForCode(timeoutMs: number, signal: AbortSignal | undefined): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => finish(new LoginFlowTimeoutError(timeoutMs)), timeoutMs);
      const onAbort = () => finish(signal!.reason);
      const finish = (failure?: unknown, code?: string) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (code !== undefined) resolve(code);
        else reject(failure);
      };
      if (signal?.aborted) return finish(signal.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#code.promise.then((code) => finish(undefined, code), finish);
    });
  }

  /** Answers the browser request that brought the code. */
  answer(result: PageResult): void {
    this.#page.resolve(result);
  }

  /** Answers a still-waiting browser (if any), then stops and releases the port. */
  async close(): Promise<void> {
    this.#page.resolve({
      status: 500,
      title: "Login not completed",
      message: "The application stopped waiting for this login. Return to it and try again.",
    });
    await this.#server.shutdown();
  }
}
