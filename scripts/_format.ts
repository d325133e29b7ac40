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

import type { Group } from "../lib/services/groups/groups_client.ts";
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
  const memberships = group.my_memberships;
  // Nearly every group has one or two memberships of the caller: for 10,000
  // groups a Set and a sort for each cost more than the rest of the CSV.
  if (memberships.length === 1) return [memberships[0]!.role];
  if (memberships.length === 2) {
    const [a, b] = [memberships[0]!.role, memberships[1]!.role];
    return a === b ? [a] : a < b ? [a, b] : [b, a]; // `<` is sort()'s code-unit order
  }
  return [...new Set(memberships.map((m) => m.role))].sort();
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF, doubling inner quotes. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? quoted(value) : value;
}

/** The field always quoted, inner quotes doubled. */
function quoted(value: string): string {
  return `"${value.includes('"') ? value.replaceAll('"', '""') : value}"`;
}

/**
 * The tutorial's CSV: `ID,Name,Roles`, one row per group in API order. The
 * name is always quoted, as the Python tutorial prints it, but with inner
 * quotes doubled so any name stays one field; roles are sorted and joined with `|`.
 * Built as one string, with no array of rows to join (the roles' Set and
 * sort, see groupRoles, were most of the time for 10,000 groups).
 */
export function groupsAsCsv(groups: readonly Group[]): string {
  let out = "ID,Name,Roles\n";
  for (const group of groups) {
    out += `${csvField(group.id)},${quoted(group.name)},${csvField(groupRoles(group).join("|"))}\n`;
  }
  return out;
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
