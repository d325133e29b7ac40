/**
 * The tutorial's client id, in a module of its own so that a run which does
 * not log in need not load the login code to know it.
 *
 * @module
 */

/** The tutorial's client id: a native app registered by Globus for these examples. */
export const TUTORIAL_CLIENT_ID = "61338d24-54d5-408f-a10d-66c06b59f6d2";
