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

/**
 * The path-free test of a shape built here: true when `value` passes. A list
 * or object whose parts all have one is checked with it first, without
 * building a path string (`[3].my_memberships[0].role`) for every value; only
 * a value that fails is checked again the slow way, which names the field.
 * A hand-written shape has no test, so whatever holds one is checked the slow
 * way, as before.
 */
type Test = (value: unknown) => boolean;
const TEST: unique symbol = Symbol("shape.test");

function withTest<T>(check: Shape<T>, test: Test | undefined): Shape<T> {
  if (test !== undefined) Object.defineProperty(check, TEST, { value: test });
  return check;
}

const testOf = (s: Shape<unknown>): Test | undefined =>
  (s as Shape<unknown> & { [TEST]?: Test })[TEST];

/**
 * A shape from its test. Each test compares `typeof` with a literal, which
 * V8 compiles to a type check; a variable there costs a string comparison
 * per value (10,000 groups: ~0.5 ms).
 */
function primitive<T>(test: Test, expected: string): Shape<T> {
  return withTest((value, at) => {
    if (test(value)) return value as T;
    throw problem(at, value, expected);
  }, test);
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
  string: primitive<string>((value) => typeof value === "string", "a string"),
  /** A finite number. */
  number: primitive<number>(
    (value) => typeof value === "number" && Number.isFinite(value),
    "a number",
  ),
  /** A whole number that JavaScript holds exactly (a safe integer). */
  integer: withTest((value, at) => {
    if (Number.isSafeInteger(value)) return value as number;
    throw problem(at, value, "a whole number");
  }, Number.isSafeInteger),
  /** `true` or `false`. */
  boolean: primitive<boolean>((value) => typeof value === "boolean", "true or false"),
  /** Anything at all, unchecked. */
  unknown: withTest((value) => value, () => true),
  /** `inner`, or `null`. */
  nullable<T>(inner: Shape<T>): Shape<T | null> {
    const test = testOf(inner);
    return withTest(
      (value, at) => value === null ? null : inner(value, at),
      test && ((value) => value === null || test(value)),
    );
  },
  /** `inner`, or absent. */
  optional<T>(inner: Shape<T>): Shape<T | undefined> {
    const test = testOf(inner);
    return withTest(
      (value, at) => value === undefined ? undefined : inner(value, at),
      test && ((value) => value === undefined || test(value)),
    );
  },
  /** A list whose every item is `item`. */
  array<T>(item: Shape<T>): Shape<T[]> {
    const itemTest = testOf(item);
    const test = itemTest && ((value: unknown) => {
      if (!Array.isArray(value)) return false;
      for (const v of value) if (!itemTest(v)) return false;
      return true;
    });
    return withTest((value, at) => {
      if (test?.(value)) return value as T[];
      if (!Array.isArray(value)) throw problem(at, value, "a list");
      value.forEach((v, i) => item(v, `${at}[${i}]`));
      return value as T[];
    }, test);
  },
  /** A JSON object; its other fields are kept as they came. */
  record: withTest((value, at) => {
    if (!isObject(value)) throw problem(at, value, "an object");
    return value;
  }, isObject),
  /**
   * A JSON object whose listed fields have their shapes; other fields are
   * kept as they came. Name the type: `shape.object<Group>({ … })`.
   */
  object<T>(fields: { readonly [K in keyof T]?: Shape<T[K]> }): Shape<T> {
    const entries = Object.entries(fields) as [string, Shape<unknown>][];
    const names = entries.map(([name]) => name);
    const tests = entries.map(([, check]) => testOf(check));
    const test = tests.every((t) => t !== undefined)
      ? (value: unknown) => {
        if (!isObject(value)) return false;
        for (let i = 0; i < names.length; i++) if (!tests[i]!(value[names[i]!])) return false;
        return true;
      }
      : undefined;
    return withTest((value, at) => {
      if (test?.(value)) return value as T;
      if (!isObject(value)) throw problem(at, value, "an object");
      for (const [name, check] of entries) check(value[name], at === "" ? name : `${at}.${name}`);
      return value as T;
    }, test);
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
