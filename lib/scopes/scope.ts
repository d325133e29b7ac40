/**
 * Scope objects and the scope-string parser. A Globus scope may depend on
 * others (`transfer:all[*https://auth.globus.org/scopes/<id>/data_access]`):
 * consenting to the outer scope lets that service get tokens for the inner
 * ones on the user's behalf. `*` marks a dependency the user may decline.
 * Python: `globus_sdk.scopes.Scope` and `ScopeParser`.
 *
 * @module
 */

import { GlobusSDKUsageError } from "../core/errors.ts";

/**
 * A scope string could not be parsed (unbalanced brackets, a `*` with no
 * scope after it, empty brackets). Python: `ScopeParseError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Scope, ScopeParseError } from "./scope.ts";
 *
 * assert.throws(() => Scope.parse("a[b"), ScopeParseError);
 * ```
 */
export class ScopeParseError extends GlobusSDKUsageError {}

/** Options of a {@linkcode Scope}. */
export interface ScopeOptions {
  /** Whether the user may decline this scope while consenting to its parent. Default false. */
  readonly optional?: boolean;
  /** The scopes this one depends on. Default none. */
  readonly dependencies?: readonly Scope[];
}

/** Characters that have a meaning in a scope string and cannot be part of one scope's name. */
const SPECIAL = /[[\]*\s]/;

/**
 * One scope with its dependencies, immutable. `toString()` gives Globus's
 * canonical form: `*` when optional, the scope string, then the dependencies
 * space-separated in brackets.
 *
 * @example Parse, inspect, print
 * ```ts
 * import assert from "node:assert/strict";
 * import { Scope } from "./scope.ts";
 *
 * const [transfer] = Scope.parse("urn:t:all[*https://auth.globus.org/scopes/c1/data_access]");
 * assert.equal(transfer!.scopeString, "urn:t:all");
 * assert.equal(transfer!.dependencies[0]!.optional, true);
 * assert.equal(String(transfer), "urn:t:all[*https://auth.globus.org/scopes/c1/data_access]");
 * assert.equal(String(new Scope("a").withDependency("b[c]")), "a[b[c]]");
 * ```
 */
export class Scope {
  /** The scope's own string, without `*` or dependencies. */
  readonly scopeString: string;
  /** Whether the user may decline it while consenting to its parent. */
  readonly optional: boolean;
  /** The scopes it depends on, in order. */
  readonly dependencies: readonly Scope[];

  /**
   * A scope from its string. Throws {@linkcode ScopeParseError} if the
   * string has a space, `[`, `]` or `*` in it: parse such strings with
   * {@linkcode Scope.parse} or {@linkcode Scope.deserialize}.
   */
  constructor(scopeString: string, options: ScopeOptions = {}) {
    if (scopeString === "" || SPECIAL.test(scopeString)) {
      throw new ScopeParseError(
        `a Scope's string must be non-empty and free of spaces, '[', ']' and '*': ${
          JSON.stringify(scopeString)
        }; use Scope.parse() for a scope string with dependencies`,
      );
    }
    this.scopeString = scopeString;
    this.optional = options.optional ?? false;
    this.dependencies = Object.freeze([...(options.dependencies ?? [])]);
    Object.freeze(this);
  }

  /**
   * Parses a scope string (zero or more space-separated scopes, each with
   * optional `[…]` dependencies) into scopes.
   */
  static parse(scopeString: string): Scope[] {
    return parseScopes(scopeString);
  }

  /** Parses a string that holds exactly one scope; anything else is a {@linkcode ScopeParseError}. */
  static deserialize(scopeString: string): Scope {
    const scopes = parseScopes(scopeString);
    if (scopes.length !== 1) {
      throw new ScopeParseError(
        `expected exactly one scope, got ${scopes.length}: ${JSON.stringify(scopeString)}`,
      );
    }
    return scopes[0]!;
  }

  /**
   * Merges two lists of scopes: one scope per scope string, required if it
   * is required in either list, with the merged dependencies of all its
   * occurrences. Order: first occurrence. Python: `Scope.merge_scopes`.
   */
  static merge(a: readonly Scope[], b: readonly Scope[]): Scope[] {
    const byString = new Map<string, Scope[]>();
    for (const scope of [...a, ...b]) {
      byString.set(scope.scopeString, [...(byString.get(scope.scopeString) ?? []), scope]);
    }
    return [...byString].map(([scopeString, all]) =>
      new Scope(scopeString, {
        optional: all.every((s) => s.optional),
        dependencies: all.map((s) => s.dependencies).reduce((x, y) => Scope.merge(x, y)),
      })
    );
  }

  /** This scope with one more dependency (a `Scope`, or a string holding exactly one scope). */
  withDependency(dependency: string | Scope): Scope {
    return this.withDependencies([dependency]);
  }

  /** This scope with more dependencies. */
  withDependencies(dependencies: Iterable<string | Scope>): Scope {
    const added = [...dependencies].map((d) => typeof d === "string" ? Scope.deserialize(d) : d);
    return new Scope(this.scopeString, {
      optional: this.optional,
      dependencies: [...this.dependencies, ...added],
    });
  }

  /** This scope, marked optional or not. */
  withOptional(optional: boolean): Scope {
    return new Scope(this.scopeString, { optional, dependencies: this.dependencies });
  }

  /**
   * Whether `other` is a subtree of this scope (Python's `other in scope`):
   * the same scope string, the same optional-ness (or only `other`
   * optional), and each of `other`'s dependencies contained in one of ours.
   */
  contains(other: Scope): boolean {
    if (this.scopeString !== other.scopeString) return false;
    if (this.optional && !other.optional) return false;
    return other.dependencies.every((theirs) =>
      this.dependencies.some((ours) => ours.contains(theirs))
    );
  }

  /** The canonical string: `*a[b c[d]]`. */
  toString(): string {
    const base = (this.optional ? "*" : "") + this.scopeString;
    return this.dependencies.length === 0 ? base : `${base}[${this.dependencies.join(" ")}]`;
  }
}

/** A token of a scope string: a name, `*`, `[` or `]`. */
type Token = { kind: "name"; value: string } | { kind: "*" | "[" | "]" };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let name = "";
  const flush = () => {
    if (name) tokens.push({ kind: "name", value: name });
    name = "";
  };
  for (const c of text) {
    if (c === "*" || c === "[" || c === "]") {
      flush();
      tokens.push({ kind: c });
    } else if (/\s/.test(c)) {
      flush();
      if (tokens.at(-1)?.kind === "*") {
        throw new ScopeParseError("optional marker '*' must not be followed by a space");
      }
    } else {
      name += c;
    }
  }
  flush();
  return tokens;
}

/** A scope while it is being parsed: its dependencies still grow. */
interface Draft {
  scopeString: string;
  optional: boolean;
  dependencies: Draft[];
}

function parseScopes(text: string): Scope[] {
  const tokens = tokenize(text);
  const roots: Draft[] = [];
  const parents: Draft[] = [];
  let last: Draft | undefined;
  let optional = false;
  for (const [i, token] of tokens.entries()) {
    const next = tokens[i + 1];
    if (token.kind === "*") {
      if (next?.kind !== "name") {
        throw new ScopeParseError("a scope string must follow the optional marker '*'");
      }
      optional = true;
    } else if (token.kind === "[") {
      if (!last || tokens[i - 1]?.kind !== "name") {
        throw new ScopeParseError("found '[' without a scope string before it");
      }
      if (next === undefined) throw new ScopeParseError("unclosed brackets, missing ']'");
      if (next.kind === "]") throw new ScopeParseError("found empty brackets '[]'");
      parents.push(last);
    } else if (token.kind === "]") {
      if (!parents.pop()) throw new ScopeParseError("found ']' with no matching '[' before it");
    } else if (token.kind === "name") {
      last = { scopeString: token.value, optional, dependencies: [] };
      optional = false;
      (parents.at(-1)?.dependencies ?? roots).push(last);
    }
  }
  if (parents.length > 0) throw new ScopeParseError("unclosed brackets, missing ']'");
  const build = (d: Draft): Scope =>
    new Scope(d.scopeString, { optional: d.optional, dependencies: d.dependencies.map(build) });
  return roots.map(build);
}
