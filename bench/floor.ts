/**
 * The benchmark's floor: the least a Deno program can do for the same job as
 * `list_groups_with_storage.ts` on a stored login — read the token file,
 * refresh the access token if it has expired (one POST, file rewritten),
 * make the one GET of `my_groups`, print the CSV — with no library, no
 * validation, no locking, no error handling. Not for real use.
 *
 * The rewrite is as durable as the library's (`lib/_token_file.ts`): a
 * temporary file created 0600, fsynced, then renamed over the token file, so
 * the expired-token ratio compares the same disk work. Like the library
 * under the benchmark's permissions (only the file, `.lock` and `.tmp` are
 * readable), it does not fsync the directory.
 *
 * Usage: deno run <same permissions> bench/floor.ts TOKEN_FILE
 */

const file = Deno.args[0]!;
const doc = JSON.parse(await Deno.readTextFile(file));
const record = doc.data.DEFAULT["groups.api.globus.org"];
if (record.expires_at_seconds - 60 < Date.now() / 1000) {
  const auth = Deno.env.get("GLOBUS_SDK_SERVICE_URL_AUTH")!;
  const res = await fetch(`${auth}v2/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      refresh_token: record.refresh_token,
      grant_type: "refresh_token",
      client_id: "61338d24-54d5-408f-a10d-66c06b59f6d2",
    }),
  });
  const tokens = await res.json();
  record.access_token = tokens.access_token;
  record.expires_at_seconds = Math.trunc(Date.now() / 1000 + tokens.expires_in);
  const bytes = new TextEncoder().encode(JSON.stringify(doc));
  const tmp = await Deno.open(`${file}.tmp`, {
    write: true,
    create: true,
    truncate: true,
    mode: 0o600,
  });
  for (let done = 0; done < bytes.length;) done += await tmp.write(bytes.subarray(done));
  await tmp.sync();
  tmp.close();
  await Deno.rename(`${file}.tmp`, file);
}
const groupsUrl = Deno.env.get("GLOBUS_SDK_SERVICE_URL_GROUPS")!;
const res = await fetch(`${groupsUrl}v2/groups/my_groups`, {
  headers: { authorization: `Bearer ${record.access_token}` },
});
const groups = await res.json();
let out = "ID,Name,Roles\n";
for (const g of groups) {
  const roles = [...new Set(g.my_memberships.map((m: { role: string }) => m.role))].sort();
  out += `${g.id},"${g.name.replaceAll('"', '""')}",${roles.join("|")}\n`;
}
await Deno.stdout.write(new TextEncoder().encode(out));
