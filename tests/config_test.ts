/**
 * Unit tests of lib/config.ts: environments, service URLs, the HTTP timeout,
 * all with an injected environment reader; and `readEnv` without permission,
 * in a subprocess.
 */

import assert from "node:assert/strict";
import {
  DEFAULT_HTTP_TIMEOUT_SECONDS,
  ENVIRONMENTS,
  type EnvReader,
  getEnvironmentName,
  getHttpTimeoutMs,
  getServiceUrl,
} from "../lib/core/config.ts";
import { GlobusSDKUsageError } from "../lib/core/errors.ts";

/** An env reader over a fixed map that records every name it is asked for. */
function fakeEnv(vars: Record<string, string> = {}): EnvReader & { read: string[] } {
  const read: string[] = [];
  const reader = (name: string) => {
    read.push(name);
    return Object.hasOwn(vars, name) ? vars[name] : undefined;
  };
  return Object.assign(reader, { read });
}

// ---- environments ----------------------------------------------------------------------

Deno.test("ENVIRONMENTS lists the six Globus environments, production first", () => {
  assert.deepEqual(ENVIRONMENTS, [
    "production",
    "preview",
    "sandbox",
    "integration",
    "test",
    "staging",
  ]);
});

Deno.test("getEnvironmentName() is production when nothing is set, reading only GLOBUS_SDK_ENVIRONMENT", () => {
  const env = fakeEnv();
  assert.equal(getEnvironmentName({ env }), "production");
  assert.deepEqual(env.read, ["GLOBUS_SDK_ENVIRONMENT"]);
});

Deno.test("getEnvironmentName() takes GLOBUS_SDK_ENVIRONMENT, and an explicit environment beats it", () => {
  const env = fakeEnv({ GLOBUS_SDK_ENVIRONMENT: "sandbox" });
  assert.equal(getEnvironmentName({ env }), "sandbox");
  assert.equal(getEnvironmentName({ env, environment: "preview" }), "preview");
});

Deno.test("getEnvironmentName() treats an empty environment option and an empty variable as unset", () => {
  assert.equal(
    getEnvironmentName({ environment: "", env: fakeEnv({ GLOBUS_SDK_ENVIRONMENT: "test" }) }),
    "test",
  );
  assert.equal(
    getEnvironmentName({ environment: "", env: fakeEnv({ GLOBUS_SDK_ENVIRONMENT: "" }) }),
    "production",
  );
});

// ---- service URLs ------------------------------------------------------------------------

const TABLE: ReadonlyArray<readonly [string, string, string]> = [
  ["production", "https://auth.globus.org/", "https://groups.api.globus.org/"],
  ["preview", "https://auth.preview.globus.org/", "https://groups.api.preview.globus.org/"],
  ["sandbox", "https://auth.sandbox.globuscs.info/", "https://groups.api.sandbox.globuscs.info/"],
  [
    "integration",
    "https://auth.integration.globuscs.info/",
    "https://groups.api.integration.globuscs.info/",
  ],
  ["test", "https://auth.test.globuscs.info/", "https://groups.api.test.globuscs.info/"],
  ["staging", "https://auth.staging.globuscs.info/", "https://groups.api.staging.globuscs.info/"],
];

for (const [environment, auth, groups] of TABLE) {
  Deno.test(`getServiceUrl() gives ${auth} and ${groups} for the ${environment} environment`, () => {
    const env = fakeEnv();
    assert.equal(getServiceUrl("auth", { environment, env }), auth);
    assert.equal(getServiceUrl("groups", { environment, env }), groups);
    // The same through GLOBUS_SDK_ENVIRONMENT.
    const viaVar = fakeEnv({ GLOBUS_SDK_ENVIRONMENT: environment });
    assert.equal(getServiceUrl("auth", { env: viaVar }), auth);
    assert.equal(getServiceUrl("groups", { env: viaVar }), groups);
  });
}

Deno.test("getServiceUrl() uses GLOBUS_SDK_SERVICE_URL_<SERVICE> verbatim, even over an explicit environment", () => {
  const env = fakeEnv({
    GLOBUS_SDK_SERVICE_URL_AUTH: "http://127.0.0.1:18765",
    GLOBUS_SDK_SERVICE_URL_GROUPS: "http://127.0.0.1:18766/groups/",
    GLOBUS_SDK_ENVIRONMENT: "nonsense",
  });
  assert.equal(getServiceUrl("auth", { env, environment: "sandbox" }), "http://127.0.0.1:18765");
  assert.equal(getServiceUrl("groups", { env }), "http://127.0.0.1:18766/groups/");
  // The override short-circuits the environment lookup: "nonsense" was never read.
  assert.deepEqual(env.read, ["GLOBUS_SDK_SERVICE_URL_AUTH", "GLOBUS_SDK_SERVICE_URL_GROUPS"]);
});

Deno.test("getServiceUrl() treats an empty service-URL variable as unset", () => {
  const env = fakeEnv({ GLOBUS_SDK_SERVICE_URL_GROUPS: "", GLOBUS_SDK_ENVIRONMENT: "preview" });
  assert.equal(getServiceUrl("groups", { env }), "https://groups.api.preview.globus.org/");
  assert.deepEqual(env.read, ["GLOBUS_SDK_SERVICE_URL_GROUPS", "GLOBUS_SDK_ENVIRONMENT"]);
});

Deno.test("getServiceUrl() refuses an unknown environment with GlobusSDKUsageError naming the valid ones", () => {
  assert.throws(() => getServiceUrl("auth", { environment: "prod", env: fakeEnv() }), {
    name: "GlobusSDKUsageError",
    message:
      'Unrecognized environment "prod"; use one of: production, preview, sandbox, integration, test, staging',
  });
  assert.throws(
    () => getServiceUrl("groups", { env: fakeEnv({ GLOBUS_SDK_ENVIRONMENT: "Production" }) }),
    GlobusSDKUsageError,
  );
});

Deno.test("getServiceUrl() refuses environment names that are Object.prototype members (toString, __proto__, constructor)", () => {
  for (const environment of ["toString", "__proto__", "constructor", "hasOwnProperty"]) {
    assert.throws(
      () => getServiceUrl("auth", { environment, env: fakeEnv() }),
      {
        name: "GlobusSDKUsageError",
        message: new RegExp(`^Unrecognized environment "${environment}"`),
      },
      environment,
    );
  }
});

// ---- HTTP timeout ----------------------------------------------------------------------------

Deno.test("getHttpTimeoutMs() is 60 000 ms when GLOBUS_SDK_HTTP_TIMEOUT is unset", () => {
  const env = fakeEnv();
  assert.equal(DEFAULT_HTTP_TIMEOUT_SECONDS, 60);
  assert.equal(getHttpTimeoutMs({ env }), 60_000);
  assert.deepEqual(env.read, ["GLOBUS_SDK_HTTP_TIMEOUT"]);
});

Deno.test("getHttpTimeoutMs() reads seconds from GLOBUS_SDK_HTTP_TIMEOUT: '2.5' → 2500, ' 5 ' → 5000, '1e1' → 10000, '.5' → 500", () => {
  for (
    const [raw, ms] of [["2.5", 2500], [" 5 ", 5000], ["1e1", 10_000], [".5", 500], [
      "30",
      30_000,
    ]] as const
  ) {
    assert.equal(getHttpTimeoutMs({ env: fakeEnv({ GLOBUS_SDK_HTTP_TIMEOUT: raw }) }), ms, raw);
  }
});

Deno.test("getHttpTimeoutMs() gives undefined (no timeout) for -1, from the variable or the option", () => {
  assert.equal(getHttpTimeoutMs({ env: fakeEnv({ GLOBUS_SDK_HTTP_TIMEOUT: "-1" }) }), undefined);
  assert.equal(getHttpTimeoutMs({ env: fakeEnv({ GLOBUS_SDK_HTTP_TIMEOUT: "-1.0" }) }), undefined);
  assert.equal(getHttpTimeoutMs({ ms: -1, env: fakeEnv() }), undefined);
});

Deno.test("getHttpTimeoutMs() lets an explicit ms value win without reading the variable", () => {
  const env = fakeEnv({ GLOBUS_SDK_HTTP_TIMEOUT: "nonsense" });
  assert.equal(getHttpTimeoutMs({ ms: 50, env }), 50);
  assert.deepEqual(env.read, []);
});

Deno.test("getHttpTimeoutMs() refuses '', '0', '-2', 'abc', '0x10', 'Infinity' and NaN with an exact message (W26)", () => {
  for (const raw of ["", "   ", "0", "-2", "abc", "0x10", "0b11", "Infinity", "10s"]) {
    assert.throws(
      () => getHttpTimeoutMs({ env: fakeEnv({ GLOBUS_SDK_HTTP_TIMEOUT: raw }) }),
      {
        name: "GlobusSDKUsageError",
        message:
          `invalid HTTP timeout "${raw}" (GLOBUS_SDK_HTTP_TIMEOUT): use a number of seconds above 0, or -1 for none`,
      },
      JSON.stringify(raw),
    );
  }
  assert.throws(() => getHttpTimeoutMs({ ms: 0 }), GlobusSDKUsageError);
  assert.throws(() => getHttpTimeoutMs({ ms: NaN }), GlobusSDKUsageError);
  assert.throws(() => getHttpTimeoutMs({ ms: -0.5 }), GlobusSDKUsageError);
});

// ---- readEnv without permission (subprocess) -------------------------------------------------------

Deno.test("readEnv() returns undefined, without throwing or prompting, for a variable the process may not read", async () => {
  const dir = await Deno.makeTempDir({ prefix: "globus-deno-readenv-" });
  try {
    const script = `${dir}/probe.ts`;
    const configUrl = new URL("../lib/core/config.ts", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import { getEnvironmentName, readEnv } from ${JSON.stringify(configUrl)};\n` +
        `console.log(JSON.stringify({\n` +
        `  denied: readEnv("GLOBUS_SDK_ENVIRONMENT") ?? null,\n` +
        `  allowed: readEnv("GLOBUS_TEST_ALLOWED") ?? null,\n` +
        `  unset: readEnv("GLOBUS_TEST_UNSET") ?? null,\n` +
        `  environment: getEnvironmentName(),\n` +
        `}));\n`,
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-config",
        "--no-lock",
        "--allow-env=GLOBUS_TEST_ALLOWED,GLOBUS_TEST_UNSET",
        script,
      ],
      cwd: dir,
      env: { GLOBUS_SDK_ENVIRONMENT: "sandbox", GLOBUS_TEST_ALLOWED: "yes", NO_COLOR: "1" },
      // A prompt would need a terminal; with stdin closed it would fail instead.
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    assert.equal(
      stdout,
      '{"denied":null,"allowed":"yes","unset":null,"environment":"production"}\n',
    );
    assert.ok(!stderr.includes("permission"), stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("getServiceUrl() takes any service name with Python's URL rules (api part, auth/app, Automate, production overrides)", () => {
  const env = fakeEnv();
  const url = (service: string, environment: string) =>
    getServiceUrl(service, { env, environment });
  assert.equal(url("transfer", "production"), "https://transfer.api.globus.org/");
  assert.equal(url("search", "sandbox"), "https://search.api.sandbox.globuscs.info/");
  assert.equal(url("app", "preview"), "https://app.preview.globus.org/");
  assert.equal(url("flows", "production"), "https://flows.automate.globus.org/");
  assert.equal(url("timer", "staging"), "https://staging.timer.automate.globus.org/");
  assert.equal(url("nexus", "production"), "https://nexus.api.globusonline.org/");
  assert.equal(url("nexus", "test"), "https://nexus.api.test.globuscs.info/");
  const viaVar = fakeEnv({ GLOBUS_SDK_SERVICE_URL_TRANSFER: "http://127.0.0.1:1/" });
  assert.equal(getServiceUrl("transfer", { env: viaVar }), "http://127.0.0.1:1/");
  assert.deepEqual(viaVar.read, ["GLOBUS_SDK_SERVICE_URL_TRANSFER"]);
});

Deno.test("getServiceUrl() refuses a service name that could bend the host or the variable name", () => {
  for (const bad of ["", "Transfer", "a.b", "x/y", "evil.com#", "1x"]) {
    assert.throws(() => getServiceUrl(bad, { env: fakeEnv() }), {
      name: "GlobusSDKUsageError",
      message: `invalid service name "${bad}": use lower-case letters, digits and _`,
    });
  }
});

Deno.test("getServiceUrl() names the variable when GLOBUS_SDK_SERVICE_URL_* is not an http(s) URL", () => {
  for (const bad of ["not-a-url", "ftp://host/", "file:///etc/passwd"]) {
    assert.throws(
      () => getServiceUrl("auth", { env: fakeEnv({ GLOBUS_SDK_SERVICE_URL_AUTH: bad }) }),
      {
        name: "GlobusSDKUsageError",
        message: `GLOBUS_SDK_SERVICE_URL_AUTH=${
          JSON.stringify(bad)
        } is not an http(s) URL; set it to a base URL such as https://host/ or unset it`,
      },
    );
  }
});
