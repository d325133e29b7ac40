// Child process of the crash test: rewrites two large records forever, both
// carrying the same sequence number, until it is killed.
// Args: <token file>
import { JSONTokenStorage } from "../../lib/token_storage/json_storage.ts";

const [path] = Deno.args as [string];
const storage = new JSONTokenStorage(path);
const padding = "x".repeat(100_000);
for (let seq = 1;; seq++) {
  const record = (rs: string) => ({
    resourceServer: rs,
    identityId: null,
    scope: "s",
    accessToken: `AT-${Deno.pid}-${seq}`,
    refreshToken: null,
    expiresAtSeconds: seq,
    tokenType: "Bearer",
    extra: { writer: Deno.pid, seq, padding },
  });
  await storage.storeTokenDataByResourceServer({ a: record("a"), b: record("b") });
}
