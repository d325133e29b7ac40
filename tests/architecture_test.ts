/**
 * The rules of ARCHITECTURE.md that a machine can check: no import cycles
 * (type-only imports included), library code that neither prints nor exits
 * nor boots Node compatibility, a fake Globus that does not test lib against
 * itself, and scripts that use the public entry only.
 */

import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

interface Edge {
  from: string;
  to: string;
}

/** Local import edges (code and type) of the graph rooted at `entry`, as paths relative to the repo. */
async function importEdges(entry: string): Promise<Edge[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL(entry, ROOT).pathname],
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const graph = JSON.parse(new TextDecoder().decode(out.stdout));
  const rel = (s: string) => s.startsWith(ROOT.href) ? s.slice(ROOT.href.length) : s;
  const edges: Edge[] = [];
  for (const module of graph.modules as { specifier: string; dependencies?: unknown[] }[]) {
    for (const dep of (module.dependencies ?? []) as Record<string, { specifier: string }>[]) {
      for (const kind of ["code", "type"]) {
        const target = dep[kind]?.specifier;
        if (target) edges.push({ from: rel(module.specifier), to: rel(target) });
      }
    }
  }
  return edges;
}

function findCycle(edges: Edge[]): string[] | undefined {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "open") return [...path.slice(path.indexOf(node)), node];
    state.set(node, "open");
    path.push(node);
    for (const to of next.get(node) ?? []) {
      const cycle = visit(to);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of next.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

Deno.test("lib/ and lib/testing/ have no import cycles, type-only imports included", async () => {
  for (const entry of ["lib/mod.ts", "lib/testing/mod.ts"]) {
    const edges = await importEdges(entry);
    assert.ok(edges.length > 20, `${entry}: the graph was read`);
    assert.equal(findCycle(edges)?.join(" -> "), undefined);
  }
});

Deno.test("findCycle() finds a cycle when there is one", () => {
  assert.deepEqual(
    findCycle([{ from: "a", to: "b" }, { from: "b", to: "c" }, { from: "c", to: "b" }]),
    ["b", "c", "b"],
  );
});

/**
 * The floors of lib/, lowest first (ARCHITECTURE.md). A module may import
 * from its own folder and from folders on lower floors, never from a higher
 * one; folders on the same floor (the service clients) do not import each
 * other. `lib/mod.ts` stands on top of everything.
 */
const FLOORS: readonly (readonly string[])[] = [
  ["lib/core/"],
  ["lib/scopes/"],
  ["lib/tokens/"],
  ["lib/token_storage/"],
  ["lib/authorizers/"],
  ["lib/auth/"],
  ["lib/services/groups/", "lib/services/auth/"],
  ["lib/login_flows/"],
  ["lib/app/"],
];

/** The folder of a lib/ module and its floor, or undefined outside the floors. */
function placeOf(module: string): { folder: string; floor: number } | undefined {
  for (const [floor, folders] of FLOORS.entries()) {
    const folder = folders.find((f) => module.startsWith(f));
    if (folder) return { folder, floor };
  }
  return undefined;
}

Deno.test("every lib/ module imports only from its own folder or from lower floors", async () => {
  const edges = await importEdges("lib/mod.ts");
  const seen = new Set<string>();
  const wrong: string[] = [];
  for (const { from, to } of edges) {
    if (!from.startsWith("lib/") || !to.startsWith("lib/") || from === "lib/mod.ts") continue;
    const a = placeOf(from), b = placeOf(to);
    if (a) seen.add(a.folder);
    if (!a || !b) {
      wrong.push(`${from} -> ${to} (not on a floor)`);
    } else if (a.folder !== b.folder && b.floor >= a.floor) {
      wrong.push(`${from} -> ${to}`);
    }
  }
  assert.deepEqual(wrong, []);
  assert.ok(seen.size >= 7, `the floors were read: ${[...seen].join(", ")}`);
});

Deno.test("the floor rule rejects an import upward or sideways", () => {
  const a = placeOf("lib/core/base_client.ts")!, b = placeOf("lib/auth/auth_login_client.ts")!;
  assert.ok(b.floor > a.floor);
  assert.notEqual(
    placeOf("lib/services/groups/x.ts")!.folder,
    placeOf("lib/services/auth/x.ts")!.folder,
  );
  assert.equal(
    placeOf("lib/services/groups/x.ts")!.floor,
    placeOf("lib/services/auth/x.ts")!.floor,
  );
  assert.equal(placeOf("lib/elsewhere.ts"), undefined);
});

/** Every .ts file under `dir` (relative to the repo), recursively. */
async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
    if (entry.isDirectory) out.push(...await tsFiles(`${dir}${entry.name}/`));
    else if (entry.isFile && entry.name.endsWith(".ts")) out.push(`${dir}${entry.name}`);
  }
  return out;
}

Deno.test("library code never prints, exits, reads stdin, or imports node: modules", async () => {
  // lib/login_flows/terminal_io.ts is the login flows' default way to reach
  // the person (stderr and stdin), used only when no io is passed: Python's
  // flows print and call input() too. Nothing else in lib/ may.
  const exempt = new Set(["lib/login_flows/terminal_io.ts"]);
  const files = (await tsFiles("lib/")).filter((f) =>
    !f.startsWith("lib/testing/") && !exempt.has(f)
  );
  assert.ok(files.length > 20, "the library was read");
  for (const file of files) {
    const source = await Deno.readTextFile(new URL(file, ROOT));
    // Only code, not the examples in doc comments.
    const code = source.replace(/\/\*\*[\s\S]*?\*\//g, "");
    assert.doesNotMatch(code, /\bconsole\.|Deno\.exit|Deno\.stdin|prompt\(/, file);
    assert.doesNotMatch(code, /from "node:/, file);
  }
});

Deno.test("no mod.ts re-exports with export *: every public name is chosen", async () => {
  for (const file of (await tsFiles("lib/")).filter((f) => f.endsWith("/mod.ts"))) {
    const source = await Deno.readTextFile(new URL(file, ROOT));
    assert.doesNotMatch(source, /^export \*/m, file);
  }
});

Deno.test("the fake Globus imports nothing from lib but the scope constants", async () => {
  const edges = await importEdges("lib/testing/mod.ts");
  const fromTesting = edges.filter((e) =>
    e.from.startsWith("lib/testing/") && e.to.startsWith("lib/") && !e.to.startsWith("lib/testing/")
  );
  assert.deepEqual([...new Set(fromTesting.map((e) => e.to))], ["lib/scopes/scopes.ts"]);
});

Deno.test("the scripts reach the library through its public modules only, never a private one or the fake", async () => {
  for (
    const script of [
      "scripts/list_groups_noapp.ts",
      "scripts/list_groups_with_storage.ts",
      "scripts/list_groups.ts",
    ]
  ) {
    const edges = await importEdges(script);
    const intoLib = [
      ...new Set(
        edges.filter((e) => e.from.startsWith("scripts/") && e.to.startsWith("lib/")).map((e) =>
          e.to
        ),
      ),
    ];
    assert.ok(intoLib.length > 3, `${script}: the graph was read`);
    // Public: not a `_` file, not the fake Globus. (A script imports the narrowest public
    // module it needs rather than lib/mod.ts: the warm run loads less; issue 15.)
    const wrong = intoLib.filter((to) => /\/_[^/]*$/.test(to) || to.startsWith("lib/testing/"));
    assert.deepEqual(wrong, [], script);
  }
});

/** Code a warm run never uses, by script: each is imported (a literal `import()`) where it is needed. */
const LOGIN_CODE = [
  "scripts/_login.ts",
  "lib/login_flows/local_server.ts",
  "lib/login_flows/command_line.ts",
  "lib/login_flows/browser.ts",
  "lib/login_flows/line_reader.ts",
];
/** Writing the token file, and its lock: only a refresh, a login or a logout writes. */
const WRITE_CODE = ["lib/token_storage/_file_write.ts", "lib/token_storage/_lock.ts"];
const NOT_AT_START_UP: Record<string, string[]> = {
  "scripts/list_groups_with_storage.ts": [
    ...LOGIN_CODE,
    ...WRITE_CODE,
    // The Auth client: a warm run never calls Auth (scripts/_auth_client.ts).
    "lib/auth/native_app_auth_client.ts",
    "lib/auth/auth_login_client.ts",
    "lib/tokens/token_response.ts",
    "lib/tokens/id_token.ts",
    // Authorization requirements: read from an error answer to an app's request only.
    "lib/core/authorization_requirements.ts",
  ],
  // The app makes its login client up front, as Python's does; the Auth service client is
  // for --whoami and the consent check.
  "scripts/list_groups.ts": [
    ...LOGIN_CODE,
    ...WRITE_CODE,
    "lib/services/auth/auth_client.ts",
    // The token responses come with the login client's first answer (lib/auth/_token_responses.ts).
    "lib/tokens/token_response.ts",
    "lib/tokens/id_token.ts",
    // Authorization requirements: read from an error answer only.
    "lib/core/authorization_requirements.ts",
  ],
};

for (const [script, notLoaded] of Object.entries(NOT_AT_START_UP)) {
  Deno.test(`${script}'s warm path loads neither the login code nor what only a refresh or a login needs`, async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", new URL(script, ROOT).pathname],
    }).output();
    const graph = JSON.parse(new TextDecoder().decode(out.stdout));
    const modules = new Map<
      string,
      { dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[] }
    >(
      graph.modules.map((m: { specifier: string }) => [m.specifier, m]),
    );
    const stat = new Set<string>();
    const stack = [graph.roots[0] as string];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (stat.has(s) || !modules.has(s)) continue;
      stat.add(s);
      for (const d of modules.get(s)!.dependencies ?? []) {
        if (d.code && !d.isDynamic) stack.push(d.code.specifier);
      }
    }
    const loaded = [...stat].map((s) => s.replace(ROOT.href, ""));
    assert.ok(loaded.includes("lib/token_storage/json_storage.ts"), "the graph was read");
    assert.deepEqual(notLoaded.filter((m) => loaded.includes(m)), [], "loaded at start-up");
    // Each of them is still in the graph, behind an import(): it is there when needed.
    assert.deepEqual(notLoaded.filter((m) => !modules.has(new URL(m, ROOT).href)), [], "missing");
  });
}

Deno.test("nothing the tutorial scripts load imports a node: module (it costs ~7 ms per start)", async () => {
  for (
    const script of [
      "scripts/list_groups_noapp.ts",
      "scripts/list_groups_with_storage.ts",
      "scripts/list_groups.ts",
    ]
  ) {
    const edges = await importEdges(script);
    assert.ok(edges.length > 20, `${script}: the graph was read`);
    assert.deepEqual(edges.filter((e) => e.to.startsWith("node:")), [], script);
  }
});

Deno.test("TUTORIAL_CLIENT_ID is defined once in scripts/ and once in lib/testing/, with the same value", async () => {
  // The scripts may not import lib/testing (nor lib/testing the scripts), so
  // each side keeps one definition; this test keeps the two equal.
  const definitions: Array<{ file: string; value: string }> = [];
  for (const file of [...await tsFiles("scripts/"), ...await tsFiles("lib/")]) {
    const source = await Deno.readTextFile(new URL(file, ROOT));
    for (const match of source.matchAll(/\bTUTORIAL_CLIENT_ID\s*(?::\s*\w+\s*)?=\s*"([^"]*)"/g)) {
      definitions.push({ file, value: match[1]! });
    }
  }
  const where = definitions.map((d) => d.file.split("/")[0] === "scripts" ? "scripts/" : d.file);
  assert.deepEqual(where.sort(), ["lib/testing/default_dataset.ts", "scripts/"]);
  assert.equal(definitions[0]!.value, definitions[1]!.value);
  assert.match(
    definitions[0]!.value,
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  );
});
