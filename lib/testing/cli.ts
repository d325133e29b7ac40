/**
 * Runs a fake Globus Auth + Groups until SIGINT/SIGTERM, for trying clients
 * and tutorials by hand:
 *
 * ```sh
 * deno task fake-globus            # free port
 * deno task fake-globus --port 8765
 * ```
 *
 * It prints the URL, two `export GLOBUS_SDK_SERVICE_URL_…=` lines to paste
 * into another shell, the usernames that can sign in, and the exact
 * commands that run the tutorial scripts against it.
 *
 * @module
 */

import { startFakeGlobus } from "./fake_globus.ts";
import { defaultDataset } from "./default_dataset.ts";

/**
 * Parses `--port N` / `--port=N` from the command line (default 0, a free port).
 *
 * @example
 * ```ts
 * import { parsePort } from "./cli.ts";
 * console.log(parsePort(["--port", "8765"])); // 8765
 * ```
 */
export function parsePort(args: readonly string[]): number {
  const i = args.findIndex((a) => a === "--port" || a.startsWith("--port="));
  if (i < 0) return 0;
  const arg = args[i] ?? "";
  const raw = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[i + 1];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`--port wants a number from 0 to 65535, got "${raw ?? ""}"`);
  }
  return port;
}

/**
 * Starts the fake, prints how to use it, and resolves once a signal has shut
 * it down.
 *
 * @example
 * ```ts ignore
 * await main(["--port", "8765"]);
 * ```
 */
export async function main(args: readonly string[]): Promise<void> {
  const dataset = defaultDataset();
  const fake = await startFakeGlobus({ port: parsePort(args), dataset });
  console.log(`Fake Globus (Auth + Groups) listening on ${fake.url}`);
  for (const [name, value] of Object.entries(fake.env)) console.log(`export ${name}=${value}`);
  console.log(`Users: ${dataset.users.map((u) => u.username).join(", ")}`);
  console.log(`Clients: ${dataset.clients.map((c) => `${c.clientId} (${c.type})`).join(", ")}`);
  // Ready commands: the two exports and a task with --allow-net=127.0.0.1 (deno.json), one line each.
  const exports = Object.entries(fake.env).map(([name, value]) => `${name}=${value}`).join(" ");
  console.log("Run the tutorial scripts against it (from the repository root):");
  console.log(`  ${exports} deno task fake:list-groups`);
  console.log(`  ${exports} deno task fake:list-groups-with-storage`);
  const { promise, resolve } = Promise.withResolvers<Deno.Signal>();
  const listeners = (["SIGINT", "SIGTERM"] as const).map((sig) => ({
    sig,
    fn: () => resolve(sig),
  }));
  for (const { sig, fn } of listeners) Deno.addSignalListener(sig, fn);
  const sig = await promise;
  for (const { sig, fn } of listeners) Deno.removeSignalListener(sig, fn);
  console.log(`${sig}: shutting down`);
  await fake.close();
}

if (import.meta.main) {
  await main(Deno.args);
  Deno.exit(0);
}
