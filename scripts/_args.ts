/**
 * Command-line options of the scripts: `--name value`, `--name=value`,
 * boolean `--flag`, and one-letter aliases; anything else is a usage error.
 *
 * Why not `node:util`'s `parseArgs`: importing any `node:` module boots
 * Deno's Node compatibility layer, which costs about 7 ms at every start —
 * a quarter of the whole job's floor (see bench/RESULTS.md). The scripts need
 * only this much.
 *
 * @module
 */

import { UsageError, VersionRequest } from "./_errors.ts";

/** One option: a string that takes a value, or a boolean flag. */
export interface OptionSpec {
  /** `string` takes a value; `boolean` does not. */
  readonly type: "string" | "boolean";
  /** A one-letter alias, e.g. `h` for `-h`. */
  readonly short?: string;
}

/** The parsed values: strings for string options, true for flags given. */
export type Parsed<S extends Record<string, OptionSpec>> = {
  [K in keyof S]?: S[K]["type"] extends "string" ? string : boolean;
};

/**
 * Parses `args` against `spec`. The last occurrence of an option wins.
 * `--version` is understood by every script: it wins over everything else.
 *
 * @throws {VersionRequest} for `--version` (the caller prints the version and exits 0).
 * @throws {UsageError} for an unknown option, a missing, empty or unexpected
 *   value, or a positional argument.
 */
export function parseOptions<S extends Record<string, OptionSpec>>(
  args: readonly string[],
  spec: S,
): Parsed<S> {
  const values: Record<string, string | boolean> = {};
  const byShort = new Map(
    Object.entries(spec).flatMap(([name, o]) => o.short ? [[o.short, name] as const] : []),
  );
  if (args.includes("--version")) throw new VersionRequest("--version");
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const long = arg.match(/^--([^=]+)(?:=(.*))?$/s);
    const name = long ? long[1]! : /^-[^-]$/.test(arg) ? byShort.get(arg[1]!) : undefined;
    if (name === undefined || !Object.hasOwn(spec, name)) {
      throw new UsageError(
        arg.startsWith("-")
          ? `unknown option ${arg}; see --help`
          : `unexpected argument "${arg}"; see --help`,
      );
    }
    const inline = long?.[2];
    if (spec[name]!.type === "boolean") {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value; see --help`);
      values[name] = true;
    } else if (inline !== undefined) {
      // "--client-id=" is a slip (an unset shell variable), not a choice of "".
      if (inline === "") throw new UsageError(`--${name} needs a non-empty value; see --help`);
      values[name] = inline;
    } else {
      const next = args[++i];
      // "--token-file --logout" is a forgotten value, not a file named "--logout".
      if (next === undefined || (next.startsWith("-") && next !== "-")) {
        throw new UsageError(
          `--${name} needs a value (write --${name}=VALUE for one that starts with -); see --help`,
        );
      }
      if (next === "") throw new UsageError(`--${name} needs a non-empty value; see --help`);
      values[name] = next;
    }
  }
  return values as Parsed<S>;
}

/**
 * Which login: `copy-paste` (`--no-local-server`), `local-server`
 * (`--local-server`), or `auto`: the browser where one can work, else copy-paste.
 */
export type LoginChoice = "copy-paste" | "local-server" | "auto";

/** The login choice of `--local-server` / `--no-local-server`, or `fallback` when neither is given. */
export function loginChoice(
  options: { "local-server"?: boolean; "no-local-server"?: boolean },
  fallback: LoginChoice,
): LoginChoice {
  if (options["local-server"] && options["no-local-server"]) {
    throw new UsageError("give --local-server or --no-local-server, not both");
  }
  if (options["local-server"]) return "local-server";
  if (options["no-local-server"]) return "copy-paste";
  return fallback;
}
