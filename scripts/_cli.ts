/**
 * What the scripts share, in one import: each name comes from the small
 * module that owns it — `_permissions.ts` (flags, net preflight), `_io.ts`
 * (stdin/stdout/stderr), `_errors.ts` (error classes, one-line messages, exit
 * statuses), `_login.ts` (the logins), `_args.ts` (options), `_token_file.ts`
 * (warnings about the token file) and `_format.ts` (CSV/JSON, terminal escaping). Library code never prints; these modules
 * are where printing happens.
 *
 * @module
 */

export {
  BROKEN_PIPE_STATUS,
  CliError,
  describeError,
  LOGIN_EXPIRED,
  runCli,
  UsageError,
  VersionRequest,
} from "./_errors.ts";
export { type Io, processIo } from "./_io.ts";
export {
  formatGroups,
  groupRoles,
  groupsAsCsv,
  groupsAsJson,
  type OutputFormat,
  outputFormat,
  terminalSafe,
} from "./_format.ts";
export {
  appPermissions,
  GLOBUS_ENV_VARS,
  GLOBUS_HOSTS,
  invocation,
  noappPermissions,
  requireNetAccess,
  scriptName,
  shellWords,
  storagePermissions,
  withBrowserLogin,
} from "./_permissions.ts";
// The login code (scripts/_login.ts, and the login flows under it) is not named here: a run
// that needs no login does not load it. Import it from ./_login.ts where a login happens.
export { TUTORIAL_CLIENT_ID } from "./_client_id.ts";
export { type LoginChoice, loginChoice, parseOptions } from "./_args.ts";
export { warnIfReadableByOthers, warnTokensNotSaved } from "./_token_file.ts";
export { retryReporter } from "./_retries.ts";
