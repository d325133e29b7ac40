import assert from "node:assert/strict";
import { checkShape, type Shape, shape } from "../lib/core/shape.ts";

/** The same shape, with every leaf hand-written: no fast test anywhere, all checked with paths. */
function build(wrap: <T>(s: Shape<T>) => Shape<T>) {
  const membership = shape.object({
    role: wrap(shape.string),
    count: shape.optional(wrap(shape.integer)),
  });
  return shape.array(shape.object({
    id: wrap(shape.string),
    size: shape.nullable(wrap(shape.number)),
    on: shape.optional(wrap(shape.boolean)),
    extra: wrap(shape.unknown),
    policies: shape.optional(wrap(shape.record)),
    my_memberships: shape.array(membership),
  }));
}
const fast = build((s) => s);
const slow = build((s) => (value, at) => s(value, at));

const outcome = (s: Shape<unknown>, value: unknown) => {
  try {
    return { ok: checkShape(value, s) === value };
  } catch (error) {
    return { problem: (error as { problem?: string }).problem };
  }
};

Deno.test("a shape's fast test accepts and refuses exactly what the path-naming check does, with the same message", () => {
  // deno-lint-ignore no-explicit-any -- mutated into every wrong shape below
  const good = (): any[] => [
    { id: "a", size: 1.5, extra: null, my_memberships: [{ role: "admin", count: 2 }] },
    { id: "b", size: null, on: true, policies: {}, extra: [1], my_memberships: [] },
  ];
  // deno-lint-ignore no-explicit-any -- as above
  const mutations: ((v: any[]) => unknown)[] = [
    (v) => v,
    () => [],
    () => null,
    () => ({}),
    (v) => [...v, null],
    (v) => (Object.assign(v[0]!, { id: 1 }), v),
    (v) => (Object.assign(v[0]!, { size: Infinity }), v),
    (v) => (Object.assign(v[1]!, { size: undefined }), v),
    (v) => (Object.assign(v[1]!, { on: "yes" }), v),
    (v) => (Object.assign(v[1]!, { policies: [] }), v),
    (v) => (Object.assign(v[1]!, { policies: null }), v),
    (v) => (Object.assign(v[1]!, { my_memberships: {} }), v),
    (v) => (v[0]!.my_memberships.push({ role: "x", count: 1.5 }), v),
    (v) => (v[0]!.my_memberships.push(null), v),
    (v) => (Object.assign(v[0]!.my_memberships[0]!, { role: undefined }), v),
  ];
  for (const [i, mutate] of mutations.entries()) {
    const got = outcome(fast, mutate(good()));
    assert.deepEqual(got, outcome(slow, mutate(good())), `mutation ${i}`);
    if (i <= 1) assert.deepEqual(got, { ok: true }); // as it is, and an empty list
    else assert.ok(got.problem, `mutation ${i} is refused`);
  }
  assert.deepEqual(
    outcome(fast, [good()[0], { ...good()[1], my_memberships: [{ role: 7 }] }]),
    { problem: "[1].my_memberships[0].role is a number, not a string" },
  );
});

Deno.test("a hand-written shape inside a built one is still called with its path", () => {
  const seen: string[] = [];
  const mine: Shape<string> = (value, at) => {
    seen.push(at);
    return String(value);
  };
  checkShape([{ a: 1 }, { a: 2 }], shape.array(shape.object({ a: mine })));
  assert.deepEqual(seen, ["[0].a", "[1].a"]);
});
