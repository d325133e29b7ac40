// Child process of the concurrency test: waits for the start signal, then
// stores its own record several times.
// Args: <token file> <namespace> <resource server> <barrier file> <iterations>
import { JSONTokenStorage } from "../../lib/token_storage/json_storage.ts";

const [path, namespace, rs, barrier, iterations] = Deno.args as [
  string,
  string,
  string,
  string,
  string,
];
await Deno.writeTextFile(`${barrier}.ready-${namespace}-${rs}`, "");
while (!(await Deno.stat(barrier).then(() => true, () => false))) {
  await new Promise((r) => setTimeout(r, 2));
}
const storage = new JSONTokenStorage(path, { namespace });
for (let i = 1; i <= Number(iterations); i++) {
  await storage.storeTokenDataByResourceServer({
    [rs]: {
      resourceServer: rs,
      identityId: null,
      scope: `scope:${rs}`,
      accessToken: `AT-${namespace}-${rs}-${i}`,
      refreshToken: `RT-${namespace}-${rs}`,
      expiresAtSeconds: 1796183373 + i,
      tokenType: "Bearer",
      extra: {},
    },
  });
}
