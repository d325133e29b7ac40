/**
 * A UserApp given no login flow, as Python's minimal script has none: its
 * login must be the copy-paste one at the terminal. Run with stdin closed.
 */
import { MemoryTokenStorage, UserApp } from "../../lib/mod.ts";

const app = new UserApp("my-user-app", {
  clientId: "61338d24-54d5-408f-a10d-66c06b59f6d2",
  tokenStorage: new MemoryTokenStorage(),
});
try {
  await app.login();
} catch (error) {
  console.log(`${(error as Error).name}: ${(error as Error).message}`);
}
