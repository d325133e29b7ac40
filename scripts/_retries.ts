/**
 * The scripts' report of retries: one stderr line per retry, so that a run
 * against an unreachable or failing Globus is not silent for 20 s.
 *
 * @module
 */

import { describeRetry, type RetryEvent } from "../lib/core/transport.ts";
import type { Io } from "./_io.ts";

/** An `onRetry` that writes `retrying: <what failed>; retry N of M in S s` to stderr. */
export function retryReporter(io: Io): (event: RetryEvent) => void {
  return (event) => {
    // onRetry must not throw: a failed write to stderr is not worth stopping the retry for.
    io.err(`retrying: ${describeRetry(event)}\n`).catch(() => {});
  };
}
