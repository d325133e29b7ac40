/**
 * The consents a person has granted, as trees, and the one question an app
 * asks of them: does this identity's consent cover a scope with all its
 * dependencies? Python: `globus_sdk.services.auth.consents` (`Consent`,
 * `ConsentTree`, `ConsentForest`).
 *
 * Each consent's `dependency_path` lists the consent ids from its tree's
 * root down to itself, so its parent is the next-to-last entry. Logging in
 * with `transfer:all[*<collection>/data_access]` yields two consents: the
 * root `transfer:all`, granted to the app, and below it `data_access`,
 * granted to Transfer (optional dependencies come out `atomically_revocable`:
 * the person may revoke them alone).
 *
 * @module
 */

import { GlobusSDKUsageError } from "../../core/errors.ts";
import { Scope } from "../../scopes/scope.ts";
import type { ScopeInput } from "../../scopes/scopes.ts";

/**
 * One consent, in Globus Auth's wire names. Python: `Consent`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Consent } from "./consents.ts";
 *
 * const root: Consent = {
 *   id: 1, scope_name: "urn:globus:auth:scope:transfer.api.globus.org:all",
 *   dependency_path: [1], atomically_revocable: false, status: "approved",
 *   client: "c0000000-0000-4000-8000-000000000001",
 *   effective_identity: "a11ce000-0000-4000-8000-000000000001",
 * };
 * assert.equal(root.dependency_path.at(-1), root.id);
 * ```
 */
export interface Consent {
  /** The consent's id; the last entry of its `dependency_path`. */
  readonly id: number;
  /** The scope string consented to, e.g. `urn:globus:auth:scope:transfer.api.globus.org:all`. */
  readonly "scope_name": string;
  /** Consent ids from the tree's root down to this one. */
  readonly "dependency_path": readonly number[];
  /** Whether the person may revoke this consent without revoking its parent (an optional dependency). */
  readonly "atomically_revocable": boolean;
  /** The client the consent was granted to. */
  readonly client: string;
  /** The identity that granted it. */
  readonly "effective_identity": string;
  /** `approved`, … */
  readonly status: string;
  /** The scope's id. */
  readonly scope?: string;
  /** ISO 8601 timestamps. */
  readonly created?: string;
  /** ISO 8601 timestamp of the last change. */
  readonly updated?: string;
  /** ISO 8601 timestamp of the last use, or null. */
  readonly "last_used"?: string | null;
  /** Whether refresh tokens may be issued under it. */
  readonly "allows_refresh"?: boolean;
  /** Whether Globus approved it without asking the person. */
  readonly "auto_approved"?: boolean;
  /** Any other field Globus sends. */
  readonly [field: string]: unknown;
}

/**
 * What is wrong with `consents` as a forest (a repeated id, a path that does
 * not end at its consent, a parent that is missing), or undefined.
 * Shared by {@linkcode ConsentForest} and `AuthClient.getConsents()`'s answer
 * check; not re-exported by `mod.ts`.
 */
export function consentForestProblem(consents: readonly Consent[]): string | undefined {
  const byId = new Map<number, Consent>();
  for (const c of consents) {
    if (byId.has(c.id)) return `consent id ${c.id} appears twice`;
    byId.set(c.id, c);
  }
  for (const c of consents) {
    const path = c.dependency_path;
    if (path.length === 0 || path.at(-1) !== c.id) {
      return `consent ${c.id}: dependency_path must end with its own id`;
    }
    if (path.length > MAX_CONSENT_DEPTH) {
      return `consent ${c.id}: dependency_path is ${path.length} deep, more than the ${MAX_CONSENT_DEPTH} any scope has`;
    }
    if (path.length === 1) continue;
    const parent = byId.get(path.at(-2)!);
    if (parent === undefined) {
      return `consent ${c.id}: its parent consent ${path.at(-2)} is missing`;
    }
    // The path is the parent's path and this id: a consistent path is what bounds the depth.
    const parentPath = parent.dependency_path;
    if (parentPath.length !== path.length - 1 || parentPath.some((id, i) => id !== path[i])) {
      return `consent ${c.id}: dependency_path does not continue its parent's`;
    }
  }
  return undefined;
}

/**
 * The deepest consent tree accepted. Dependent scopes nest a few levels in
 * practice (a service, a collection's data_access); a deeper answer is not
 * Globus's, and would only cost memory and stack.
 */
const MAX_CONSENT_DEPTH = 32;

/** Scope strings parsed, Scope objects kept: Python's `_normalize_scope_types`. */
function toScopes(scopes: ScopeInput): Scope[] {
  if (scopes instanceof Scope) return [scopes];
  if (typeof scopes === "string") return Scope.parse(scopes);
  return scopes.flatMap((s) => typeof s === "string" ? Scope.parse(s) : [s]);
}

/**
 * One root consent and every consent below it. Python: `ConsentTree`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConsentForest } from "./consents.ts";
 * import { Scope } from "../../scopes/scope.ts";
 *
 * const base = { atomically_revocable: false, status: "approved", client: "c", effective_identity: "i" };
 * const forest = new ConsentForest([
 *   { ...base, id: 1, scope_name: "a", dependency_path: [1] },
 *   { ...base, id: 2, scope_name: "b", dependency_path: [1, 2] },
 * ]);
 * const [tree] = forest.trees;
 * assert.equal(tree!.root.scope_name, "a");
 * assert.equal(tree!.maxDepth, 2);
 * assert.ok(tree!.meetsScopeRequirements(Scope.deserialize("a[b]")));
 * ```
 */
export class ConsentTree {
  /** The root consent (its `dependency_path` has one entry). */
  readonly root: Consent;
  /** Every consent of the tree, the root first. */
  readonly nodes: readonly Consent[];
  readonly #children: ReadonlyMap<number, readonly Consent[]>;

  /** The tree under `root`, read from the forest's parent-to-children edges. */
  constructor(root: Consent, children: ReadonlyMap<number, readonly Consent[]>) {
    this.root = root;
    this.#children = children;
    // Depth first, the root first, without recursion: the order a recursive walk gives.
    const nodes: Consent[] = [];
    const stack = [root];
    while (stack.length > 0) {
      const c = stack.pop()!;
      nodes.push(c);
      stack.push(...[...(children.get(c.id) ?? [])].reverse());
    }
    this.nodes = Object.freeze(nodes);
  }

  /** The consents directly below `consentId`. */
  children(consentId: number): readonly Consent[] {
    return this.#children.get(consentId) ?? [];
  }

  /** The number of levels: 1 for a lone root. Python: `max_depth`. */
  get maxDepth(): number {
    const depth = (c: Consent): number => 1 + Math.max(0, ...this.children(c.id).map(depth));
    return depth(this.root);
  }

  /**
   * Whether this tree covers `scope`: the root's scope string is the
   * scope's, and every dependency is covered, recursively, by some child.
   * As in Python, an optional (`*`) dependency is still required: the
   * marker says the person may decline it while consenting, not that the
   * app can work without it.
   */
  meetsScopeRequirements(scope: Scope): boolean {
    return this.#covers(this.root, scope);
  }

  #covers(node: Consent, scope: Scope): boolean {
    if (node.scope_name !== scope.scopeString) return false;
    return scope.dependencies.every((dependency) =>
      this.children(node.id).some((child) => this.#covers(child, dependency))
    );
  }
}

/**
 * Every consent tree of one identity (rooted at one client unless fetched
 * with `all`). Python: `ConsentForest`. Build it from
 * `AuthClient.getConsents()`'s answer.
 *
 * @example Does the consent cover Transfer with a collection's data_access?
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConsentForest } from "./consents.ts";
 *
 * const transfer = "urn:globus:auth:scope:transfer.api.globus.org:all";
 * const dataAccess = "https://auth.globus.org/scopes/c0113c71-0000-4000-8000-000000000001/data_access";
 * const base = { status: "approved", client: "c", effective_identity: "i" };
 * const forest = new ConsentForest([
 *   { ...base, id: 7, scope_name: transfer, dependency_path: [7], atomically_revocable: false },
 *   { ...base, id: 8, scope_name: dataAccess, dependency_path: [7, 8], atomically_revocable: true },
 * ]);
 * assert.ok(forest.meetsScopeRequirements(`${transfer}[*${dataAccess}]`));
 * assert.ok(!forest.meetsScopeRequirements(`${transfer}[*https://auth.globus.org/scopes/other/data_access]`));
 * ```
 */
export class ConsentForest {
  /** Every consent, in the order given. */
  readonly nodes: readonly Consent[];
  /** One tree per root consent. */
  readonly trees: readonly ConsentTree[];
  readonly #byId: ReadonlyMap<number, Consent>;

  /**
   * Builds the trees from each consent's `dependency_path`.
   *
   * @throws {GlobusSDKUsageError} when the consents do not form a forest
   *   (a repeated id, a path that does not end at its consent, a missing
   *   parent). Python: `ConsentTreeConstructionError`.
   */
  constructor(consents: Iterable<Consent>) {
    const nodes = [...consents];
    const problem = consentForestProblem(nodes);
    if (problem) throw new GlobusSDKUsageError(`these consents are not a forest: ${problem}`);
    this.nodes = Object.freeze(nodes);
    this.#byId = new Map(nodes.map((c) => [c.id, c]));
    const children = new Map<number, Consent[]>();
    for (const c of nodes) {
      if (c.dependency_path.length < 2) continue;
      const parent = c.dependency_path.at(-2)!;
      const siblings = children.get(parent);
      if (siblings) siblings.push(c);
      else children.set(parent, [c]);
    }
    this.trees = Object.freeze(
      nodes.filter((c) => c.dependency_path.length === 1).map((root) =>
        new ConsentTree(root, children)
      ),
    );
  }

  /** The consent with this id, or undefined. Python: `get_node`. */
  getNode(consentId: number): Consent | undefined {
    return this.#byId.get(consentId);
  }

  /**
   * Whether every scope requirement is covered by some tree (see
   * {@linkcode ConsentTree.meetsScopeRequirements}). Strings are parsed
   * (`a[b *c]`); an empty list is trivially met. Python:
   * `meets_scope_requirements`.
   *
   * @throws {ScopeParseError} for a scope string that does not parse.
   */
  meetsScopeRequirements(scopes: ScopeInput): boolean {
    return toScopes(scopes).every((scope) =>
      this.trees.some((tree) => tree.meetsScopeRequirements(scope))
    );
  }
}
