/**
 * The version of this SDK, sent to Globus in the `User-Agent` and
 * `X-Globus-Client-Info` headers so that Globus can tell its clients apart.
 *
 * @example Show the version
 * ```ts
 * import assert from "node:assert/strict";
 * import { VERSION } from "./version.ts";
 * import config from "../../deno.json" with { type: "json" };
 *
 * assert.equal(VERSION, config.version); // the version the package is published as
 * assert.match(`globus-deno/${VERSION}`, /^globus-deno\/\d+\.\d+\.\d+$/);
 * ```
 */
export const VERSION = "0.1.0";
