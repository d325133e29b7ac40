/**
 * LOCAL STAND-IN for the shared answer-validation helper being built in
 * lib/core: small checks of the shape of Auth's 2xx answers, so that past
 * the one place each method reads a body, its types are true. When the shared
 * helper lands, replace these functions with it; nothing outside this folder
 * imports them.
 *
 * A check returns the first problem it finds, as one line naming the field
 * (`body.identities[3].username must be a string`), or undefined.
 *
 * @module
 */

import { UnexpectedResponseError } from "../../core/errors.ts";
import type { GlobusHTTPResponse } from "../../core/base_client.ts";

/** Returns the problem with `value` (found at `at`), or undefined when it is fine. */
export type Check = (value: unknown, at: string) => string | undefined;

/** A string. */
export const isString: Check = (v, at) =>
  typeof v === "string" ? undefined : `${at} must be a string`;

/** A string or null. */
export const isNullableString: Check = (v, at) =>
  v === null || typeof v === "string" ? undefined : `${at} must be a string or null`;

/** A boolean. */
export const isBoolean: Check = (v, at) =>
  typeof v === "boolean" ? undefined : `${at} must be a boolean`;

/** A safe integer. */
export const isInteger: Check = (v, at) =>
  Number.isSafeInteger(v) ? undefined : `${at} must be an integer`;

/** An array whose every item passes `item`. */
export function arrayOf(item: Check): Check {
  return (v, at) => {
    if (!Array.isArray(v)) return `${at} must be an array`;
    for (const [i, x] of v.entries()) {
      const problem = item(x, `${at}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

/**
 * A JSON object with these `required` fields and, when present, these
 * `optional` ones; other fields are allowed (Globus adds fields over time).
 */
export function objectWith(
  required: Readonly<Record<string, Check>>,
  optional: Readonly<Record<string, Check>> = {},
): Check {
  return (v, at) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return `${at} must be an object`;
    const record = v as Record<string, unknown>;
    for (const [name, check] of Object.entries(required)) {
      if (!(name in record)) return `${at}.${name} is missing`;
      const problem = check(record[name], `${at}.${name}`);
      if (problem) return problem;
    }
    for (const [name, check] of Object.entries(optional)) {
      if (record[name] === undefined) continue;
      const problem = check(record[name], `${at}.${name}`);
      if (problem) return problem;
    }
    return undefined;
  };
}

/**
 * The body of `response`, typed as `T` once `check` passed, or an
 * {@linkcode UnexpectedResponseError} naming the request and the problem.
 */
export function checkedBody<T>(
  response: GlobusHTTPResponse,
  request: { readonly method: string; readonly url: string },
  check: Check,
): T {
  const data = response.data;
  const problem = data === undefined ? "the body is not JSON" : check(data, "body");
  if (problem) {
    throw new UnexpectedResponseError(problem, { ...request, httpStatus: response.httpStatus });
  }
  return data as T;
}
