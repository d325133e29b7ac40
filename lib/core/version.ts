/**
 * The version of this SDK, sent to Globus in the `User-Agent` and
 * `X-Globus-Client-Info` headers so that Globus can tell its clients apart.
 *
 * @example Show the version
 * ```ts
 * import { VERSION } from "./version.ts";
 * console.log(`globus-deno ${VERSION}`);
 * ```
 */
export const VERSION = "0.1.0";
