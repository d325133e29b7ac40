/**
 * Private: a serializer that writes exactly what Python's `json.dump(obj)`
 * writes with default settings, so a token file this SDK rewrites is byte for
 * byte the file the Python SDK would have written.
 *
 * @module
 */

import type { JsonObject } from "./_record.ts";

/**
 * Serializes `value` exactly as Python's `json.dumps(value)` does by default:
 * one line, separators `", "` and `": "`, every character outside printable
 * ASCII escaped as lowercase `\uXXXX` (astral characters as surrogate pairs),
 * no trailing newline.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value).replace(
        /[\u007f-\uffff]/g,
        (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
      );
    case "number":
      return pythonNumber(value);
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
      const items = Object.entries(value as JsonObject)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`);
      return `{${items.join(", ")}}`;
    }
  }
  throw new TypeError(`cannot serialize a ${typeof value} as JSON`);
}

/**
 * A number as Python writes it. Integral values are written as integers
 * (JSON.parse cannot tell `1.0` from `1`); other values use Python's float
 * repr: the shortest round-trip digits (same as JavaScript), in exponent form
 * when the exponent is below -4 or at least 16.
 */
function pythonNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError("cannot serialize a non-finite number as JSON");
  if (Number.isInteger(n)) return Object.is(n, -0) ? "0" : BigInt(n).toString();
  const [mantissa, expText] = n.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) return String(n); // JS uses fixed notation here too
  const sign = exp < 0 ? "-" : "+";
  return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
}
