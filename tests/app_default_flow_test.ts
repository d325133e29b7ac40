import assert from "node:assert/strict";
import { startFakeGlobus } from "../lib/testing/mod.ts";

Deno.test("a UserApp without a loginFlowManager logs in at the terminal, as Python's default does", async () => {
  await using fake = await startFakeGlobus();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      `--allow-env=${Object.keys(fake.env).join(",")}`,
      new URL("./app/default_flow_child.ts", import.meta.url).pathname,
    ],
    env: fake.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  const stdout = new TextDecoder().decode(out.stdout);
  assert.match(
    stderr,
    /^\nPlease authenticate with Globus here:\n-+\nhttp:\/\/127\.0\.0\.1:\d+\/v2\/oauth2\/authorize\?/,
  );
  assert.match(stderr, /\nEnter the resulting Authorization Code here: \n$/);
  assert.match(stdout, /^LoginFlowError: no code was entered \(standard input closed\)/);
});
