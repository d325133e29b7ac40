// Child process of the cross-process renewal test: waits for the start
// signal, then renews an expired record. renew() counts its calls in a file
// (it runs under the storage's lock) and is slow on purpose, so that without
// the lock every process would call it. Prints the access token it ends with.
// Args: <token file> <counter file> <barrier file> <id>
import { JSONTokenStorage } from "../../lib/token_storage/json_storage.ts";
import { OAuthRefreshTokenResponse } from "../../lib/tokens/token_response.ts";

const [path, counter, barrier, id] = Deno.args as [string, string, string, string];
await Deno.writeTextFile(`${barrier}.ready-${id}`, "");
while (!(await Deno.stat(barrier).then(() => true, () => false))) {
  await new Promise((r) => setTimeout(r, 2));
}
const storage = new JSONTokenStorage(path);
const now = Math.floor(Date.now() / 1000);
const data = await storage.renewTokenData("groups.api.globus.org", async (current) => {
  const calls = Number(await Deno.readTextFile(counter).catch(() => "0")) + 1;
  await Deno.writeTextFile(counter, String(calls));
  await new Promise((r) => setTimeout(r, 50));
  return new OAuthRefreshTokenResponse({
    access_token: `AT-renewed-${calls}-after-${current?.accessToken}`,
    scope: current?.scope ?? "s",
    resource_server: "groups.api.globus.org",
    expires_in: 3600,
    token_type: "Bearer",
  });
}, { isUsable: (current) => current.expiresAtSeconds > now + 60 });
console.log(data.accessToken);
