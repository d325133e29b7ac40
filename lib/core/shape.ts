/**
 * Checking what Globus sent against the shape a client promises its
 * callers, at one boundary: {@linkcode GlobusHTTPResponse.parse} runs a
 * {@linkcode Shape} over the body and turns any mismatch into one
 * {@linkcode UnexpectedResponseError} that names the field (`[3].name is
 * null, not a string`). Past that call the declared types are true.
 *
 * A shape checks the fields it lists and keeps every other field as it
 * came, so a field Globus adds later does not break a client.
 *
 * @example A client's own answer type
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkShape, shape } from "./shape.ts";
 *
 * interface Item { readonly id: string; readonly size?: number }
 * const items = shape.array(shape.object<Item>({ id: shape.string, size: shape.optional(shape.number) }));
 * assert.deepEqual(checkShape([{ id: "a", extra: 1 }], items), [{ id: "a", extra: 1 }]);
 * assert.throws(() => checkShape([null], items), { problem: "[0] is null, not an object" });
 * ```
 *
 * @module
 */

import { UnexpectedResponseError } from "./errors.ts";
import { isObject } from "./json.ts";

/**
 * Checks `value` (found at `at`, e.g. `[3].name`; `""` for the whole body)
 * and returns it typed, or throws an {@linkcode UnexpectedResponseError}
 * saying what is wrong.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkShape, type Shape } from "./shape.ts";
 *
 * const even: Shape<number> = (value, at) => {
 *   if (typeof value === "number" && value % 2 === 0) return value;
 *   throw new Error(`${at} is not even`);
 * };
 * assert.equal(checkShape(4, even), 4);
 * ```
 */
export type Shape<T> = (value: unknown, at: string) => T;

/** How a JSON value is named in a problem: `null`, `a list`, `a number`, … */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "missing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function problem(at: string, value: unknown, expected: string): UnexpectedResponseError {
  const where = at === "" ? "the body" : at;
  const is = value === undefined ? "is missing" : `is ${describe(value)}`;
  return new UnexpectedResponseError(`${where} ${is}, not ${expected}`);
}

function primitive<T>(type: string, expected: string): Shape<T> {
  return (value, at) => {
    if (typeof value === type && (type !== "number" || Number.isFinite(value))) return value as T;
    throw problem(at, value, expected);
  };
}

/**
 * The building blocks of shapes: JSON primitives, lists, objects, and
 * `null` or absence where Globus may send them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkShape, shape } from "./shape.ts";
 *
 * assert.equal(checkShape(null, shape.nullable(shape.string)), null);
 * assert.throws(() => checkShape({}, shape.object<{ id: string }>({ id: shape.string })), {
 *   problem: "id is missing, not a string",
 * });
 * ```
 */
export interface Shapes {
  /** A string. */
  readonly string: Shape<string>;
  /** A finite number. */
  readonly number: Shape<number>;
  /** A whole number that JavaScript holds exactly (a safe integer). */
  readonly integer: Shape<number>;
  /** `true` or `false`. */
  readonly boolean: Shape<boolean>;
  /** Anything at all, unchecked. */
  readonly unknown: Shape<unknown>;
  /** `inner`, or `null`. */
  nullable<T>(inner: Shape<T>): Shape<T | null>;
  /** `inner`, or absent. */
  optional<T>(inner: Shape<T>): Shape<T | undefined>;
  /** A list whose every item is `item`. */
  array<T>(item: Shape<T>): Shape<T[]>;
  /** A JSON object; its fields are kept as they came. */
  readonly record: Shape<Record<string, unknown>>;
  /**
   * A JSON object whose listed fields have their shapes; other fields are
   * kept as they came. Name the type: `shape.object<Group>({ … })`.
   */
  object<T>(fields: { readonly [K in keyof T]?: Shape<T[K]> }): Shape<T>;
}

/**
 * The building blocks of shapes (see {@linkcode Shapes}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkShape, shape } from "./shape.ts";
 *
 * assert.equal(checkShape("a", shape.string), "a");
 * ```
 */
export const shape: Shapes = Object.freeze({
  /** A string. */
  string: primitive<string>("string", "a string"),
  /** A finite number. */
  number: primitive<number>("number", "a number"),
  /** A whole number that JavaScript holds exactly (a safe integer). */
  integer: ((value, at) => {
    if (Number.isSafeInteger(value)) return value;
    throw problem(at, value, "a whole number");
  }) as Shape<number>,
  /** `true` or `false`. */
  boolean: primitive<boolean>("boolean", "true or false"),
  /** Anything at all, unchecked. */
  unknown: ((value) => value) as Shape<unknown>,
  /** `inner`, or `null`. */
  nullable<T>(inner: Shape<T>): Shape<T | null> {
    return (value, at) => value === null ? null : inner(value, at);
  },
  /** `inner`, or absent. */
  optional<T>(inner: Shape<T>): Shape<T | undefined> {
    return (value, at) => value === undefined ? undefined : inner(value, at);
  },
  /** A list whose every item is `item`. */
  array<T>(item: Shape<T>): Shape<T[]> {
    return (value, at) => {
      if (!Array.isArray(value)) throw problem(at, value, "a list");
      value.forEach((v, i) => item(v, `${at}[${i}]`));
      return value as T[];
    };
  },
  /** A JSON object; its other fields are kept as they came. */
  record: ((value, at) => {
    if (!isObject(value)) throw problem(at, value, "an object");
    return value;
  }) as Shape<Record<string, unknown>>,
  /**
   * A JSON object whose listed fields have their shapes; other fields are
   * kept as they came. Name the type: `shape.object<Group>({ … })`.
   */
  object<T>(fields: { readonly [K in keyof T]?: Shape<T[K]> }): Shape<T> {
    return (value, at) => {
      if (!isObject(value)) throw problem(at, value, "an object");
      for (const [name, check] of Object.entries(fields) as [string, Shape<unknown>][]) {
        check(value[name], at === "" ? name : `${at}.${name}`);
      }
      return value as T;
    };
  },
});

/**
 * Runs `s` over `value` as a whole body.
 *
 * @throws {UnexpectedResponseError} naming the first field that does not fit.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkShape, shape } from "./shape.ts";
 *
 * assert.deepEqual(checkShape(["a"], shape.array(shape.string)), ["a"]);
 * assert.throws(() => checkShape({}, shape.array(shape.string)), {
 *   problem: "the body is an object, not a list",
 * });
 * ```
 */
export function checkShape<T>(value: unknown, s: Shape<T>): T {
  try {
    return s(value, "");
  } catch (error) {
    if (error instanceof UnexpectedResponseError) throw error;
    // A hand-written shape may throw anything: it is still a bad answer, not a crash.
    throw new UnexpectedResponseError(error instanceof Error ? error.message : String(error), {}, {
      cause: error,
    });
  }
}
