// One server for the whole browser suite (serially: one server, one browser): its URL and keys reach the
// tests through the environment.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startAlma } from "./server";

export const E2E_SETTINGS = {
  // Slow enough that a deployment is seen in progress, fast enough for CI.
  ALMA_FAKE_LATENCY_MS: "400",
  ALMA_PARALLELISM: "50",
  // A replace or a delete needs an approved IPR (the default, said here so the tests do not depend on it).
  ALMA_APPROVAL_ACTIONS: "delete,replace",
};

export default async function globalSetup() {
  const dist = join(dirname(fileURLToPath(import.meta.url)), "../dist/index.html");
  if (!existsSync(dist)) throw new Error("web/dist is not built: run `npm run build` in web/ first");
  const server = await startAlma({
    keys: { alice: "admin", bob: "approver", olga: "operator", vera: "viewer" },
    settings: E2E_SETTINGS,
  });
  process.env.ALMA_E2E_URL = server.url;
  process.env.ALMA_E2E_KEYS = JSON.stringify(server.keys);
  process.env.ALMA_E2E_HOME = server.home; // for `alma keys` against the server's database
  return server.stop;
}
