import assert from "node:assert/strict";
import { GlobusSDKUsageError, Scope, ScopeParseError, scopesToString } from "../lib/mod.ts";

const DATA_ACCESS = "https://auth.globus.org/scopes/c1/data_access";
const TRANSFER = "urn:globus:auth:scope:transfer.api.globus.org:all";

Deno.test("Scope.parse() reads dependent and optional scopes and prints them back canonically", () => {
  const text = `openid ${TRANSFER}[*${DATA_ACCESS} b[c d]] email`;
  const scopes = Scope.parse(text);
  assert.deepEqual(scopes.map((s) => s.scopeString), ["openid", TRANSFER, "email"]);
  const transfer = scopes[1]!;
  assert.deepEqual(
    transfer.dependencies.map((d) => [d.scopeString, d.optional]),
    [[DATA_ACCESS, true], ["b", false]],
  );
  assert.deepEqual(transfer.dependencies[1]!.dependencies.map(String), ["c", "d"]);
  assert.equal(scopes.join(" "), text);
});

Deno.test("Scope.parse() folds extra whitespace and accepts a space before '['", () => {
  assert.deepEqual(Scope.parse("  a \t b [ c ]\n").map(String), ["a", "b[c]"]);
  assert.deepEqual(Scope.parse(""), []);
  assert.deepEqual(Scope.parse("   "), []);
});

Deno.test("Scope.parse() rejects malformed strings with a ScopeParseError that says why", () => {
  const cases: Array<[string, RegExp]> = [
    ["a[b", /unclosed brackets/],
    ["a]", /no matching '\['/],
    ["a[]", /empty brackets/],
    ["[a]", /without a scope string before it/],
    ["a[b] [c]", /without a scope string before it/],
    ["*", /must follow the optional marker/],
    ["a *[b]", /must follow the optional marker/],
    ["* a", /must not be followed by a space/],
    ["a[", /unclosed brackets/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => Scope.parse(text), (e: unknown) => {
      assert.ok(e instanceof ScopeParseError, text);
      assert.ok(e instanceof GlobusSDKUsageError, text);
      assert.match((e as Error).message, message, text);
      return true;
    });
  }
});

Deno.test("Scope.deserialize() wants exactly one scope", () => {
  assert.equal(String(Scope.deserialize("a[b]")), "a[b]");
  assert.throws(() => Scope.deserialize("a b"), /exactly one scope, got 2/);
  assert.throws(() => Scope.deserialize(""), /exactly one scope, got 0/);
});

Deno.test("new Scope() refuses special characters and is immutable", () => {
  for (const bad of ["", "a b", "a[b]", "*a", "a]"]) {
    assert.throws(() => new Scope(bad), ScopeParseError, bad);
  }
  const scope = new Scope("a", { dependencies: [new Scope("b")] });
  assert.throws(() => (scope.dependencies as Scope[]).push(new Scope("c")), TypeError);
  assert.throws(() => Object.assign(scope, { optional: true }), TypeError);
  const more = scope.withDependency("*c").withDependencies(["d[e]"]).withOptional(true);
  assert.equal(String(more), "*a[b *c d[e]]");
  assert.equal(String(scope), "a[b]", "the original is unchanged");
});

Deno.test("Scope.contains() is Python's subtree matching", () => {
  const d = Scope.deserialize;
  assert.ok(d("foo").contains(d("foo")));
  assert.ok(d("foo").contains(d("*foo")), "only the contained one optional is fine");
  assert.ok(!d("*foo").contains(d("foo")));
  assert.ok(d("foo[bar]").contains(d("foo")));
  assert.ok(!d("foo").contains(d("foo[bar]")));
  assert.ok(d("foo[bar[baz]]").contains(d("foo[bar]")));
  assert.ok(!d("foo[fizz[bar]]").contains(d("foo[bar]")), "not transitive");
  assert.ok(!d("foo[*bar]").contains(d("foo[bar]")));
  assert.ok(!d("foo").contains(d("other")));
});

Deno.test("Scope.merge() keeps one scope per string, required if either is, with merged dependencies", () => {
  const merged = Scope.merge(Scope.parse("*a[x] b"), Scope.parse("a[*y x[z]] *c"));
  assert.deepEqual(merged.map(String), ["a[x[z] *y]", "b", "*c"]);
});

Deno.test("scopesToString() takes strings, Scopes and mixed arrays", () => {
  assert.equal(scopesToString("a b"), "a b");
  assert.equal(scopesToString(Scope.deserialize("a[*b]")), "a[*b]");
  assert.equal(scopesToString(["openid", Scope.deserialize("t[d]")]), "openid t[d]");
  assert.throws(() => scopesToString(" "), GlobusSDKUsageError);
});
