/**
 * The app's default dependent-scope check: the identity's consent forest,
 * fetched from Globus Auth and kept for the app's life. Python: the
 * dependent half of `ScopeRequirementsValidator` and its
 * `_cached_consent_forest`.
 *
 * @module
 */

import type { Scope } from "../scopes/scope.ts";
import { type Consent, ConsentForest } from "../services/auth/consents.ts";

/** Fetches an identity's consents (rooted at the app's client). */
export type FetchConsents = (identityId: string) => Promise<readonly Consent[]>;

/**
 * Answers "do this identity's consents cover these scopes with their
 * dependencies?" with as few consent fetches as it can. As Python's
 * validator: the forest fetched last is asked first, and fetched again only
 * when it does not cover the scopes (a consent granted since, e.g. by the
 * login that the last "no" caused). A fetch in progress is shared, so
 * clients asking at the same time fetch once; a failed fetch fails them all
 * and is not kept.
 */
export class ConsentCheck {
  readonly #fetch: FetchConsents;
  #last: { identityId: string; forest: Promise<ConsentForest> } | undefined;

  /** A check that fetches with `fetchConsents`; no I/O until asked. */
  constructor(fetchConsents: FetchConsents) {
    this.#fetch = fetchConsents;
  }

  /**
   * Whether the identity's consents cover `scopes` (dependencies included).
   *
   * @throws what `fetchConsents` throws (Auth unreachable, refusing): the answer is unknown.
   */
  async covers(identityId: string, scopes: readonly Scope[]): Promise<boolean> {
    const last = this.#last;
    if (last?.identityId === identityId) {
      // A fetch in progress that fails fails this caller too; a failed one is dropped below.
      if ((await last.forest).meetsScopeRequirements([...scopes])) return true;
      // Another caller may have started a newer fetch while this one waited.
      if (this.#last !== last) return await this.covers(identityId, scopes);
    }
    const forest = this.#fetch(identityId).then((consents) => new ConsentForest(consents));
    const entry = { identityId, forest };
    this.#last = entry;
    forest.catch(() => {
      if (this.#last === entry) this.#last = undefined;
    });
    return (await forest).meetsScopeRequirements([...scopes]);
  }

  /** Forgets the kept forest (after a logout: the next identity may be another). */
  clear(): void {
    this.#last = undefined;
  }
}
