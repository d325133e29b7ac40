/**
 * What the scripts print: groups as CSV or JSON, and text made safe for a
 * terminal.
 *
 * Data is written byte-exact to a pipe or a file: a group name is whatever
 * another Globus user chose, and a program reading the CSV must get it as
 * it is. Only a terminal gets control characters shown escaped, because a
 * terminal obeys them (`ESC ]0;…` retitles it, `ESC [2J` clears it, U+202E
 * reverses the text that follows).
 *
 * Cells that start with `=`, `+`, `-` or `@` are written as they are, not
 * prefixed with `'`: the CSV is data for programs, and changing a name would
 * break every reader that is not a spreadsheet. Import it into a spreadsheet
 * as text (the README says so).
 *
 * @module
 */

import type { Group } from "../lib/mod.ts";
import { UsageError } from "./_errors.ts";

/**
 * C0 controls but LF and TAB, DEL, C1 controls, and the Unicode bidi and
 * line controls: what a terminal acts on instead of showing.
 */
const TERMINAL_CONTROLS =
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every character a terminal would act on shown escaped
 * (`\x1b`, `\x07`, `\u202e`); line feeds and tabs stay.
 */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** The distinct roles of the caller in a group, sorted, so output is the same every run. */
export function groupRoles(group: Group): string[] {
  return [...new Set(group.my_memberships.map((m) => m.role))].sort();
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF (or always), doubling inner quotes. */
function csvField(value: string, alwaysQuote = false): string {
  return alwaysQuote || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The tutorial's CSV: `ID,Name,Roles`, one row per group in API order. The
 * name is always quoted, as the Python tutorial prints it, but with inner
 * quotes doubled so any name stays one field; roles are sorted and joined with `|`.
 */
export function groupsAsCsv(groups: readonly Group[]): string {
  const rows = ["ID,Name,Roles"];
  for (const group of groups) {
    rows.push(
      `${csvField(group.id)},${csvField(group.name, true)},${
        csvField(groupRoles(group).join("|"))
      }`,
    );
  }
  return rows.join("\n") + "\n";
}

/** The same rows as JSON: `[{"id", "name", "roles": [...]}]`. */
export function groupsAsJson(groups: readonly Group[]): string {
  return JSON.stringify(
    groups.map((g) => ({ id: g.id, name: g.name, roles: groupRoles(g) })),
    null,
    2,
  ) + "\n";
}

/** The output formats of `--format`. */
export type OutputFormat = "csv" | "json";

/**
 * The `--format` value, `csv` when absent.
 *
 * @throws {UsageError} for anything else.
 */
export function outputFormat(value: string | undefined): OutputFormat {
  const format = value ?? "csv";
  if (format !== "csv" && format !== "json") {
    throw new UsageError(`--format must be csv or json, not "${format}"`);
  }
  return format;
}

/** The groups in the chosen format. */
export function formatGroups(groups: readonly Group[], format: OutputFormat): string {
  return format === "json" ? groupsAsJson(groups) : groupsAsCsv(groups);
}
