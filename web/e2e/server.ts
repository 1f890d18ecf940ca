// A real `alma serve` for the browser tests and the budget benchmark: a fresh ALMA_HOME (SQLite, the fake
// engine), keys made with `alma keys create`, the port chosen by the system and read from the server's
// own log line. The UI it serves is web/dist (built before the tests run).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface AlmaServer {
  url: string;
  home: string;
  keys: Record<string, string>;
  stop(): Promise<void>;
}

export function almaBin(): string {
  if (process.env.ALMA_BIN) return process.env.ALMA_BIN;
  const venv = join(web, "../.venv/bin/alma");
  return existsSync(venv) ? venv : "alma";
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ALMA_")));
  return { ...env, ...extra };
}

export interface ServerOptions {
  keys: Record<string, "viewer" | "operator" | "approver" | "admin">;
  settings?: Record<string, string>;
  startTimeoutMs?: number;
}

export async function startAlma(options: ServerOptions): Promise<AlmaServer> {
  const home = mkdtempSync(join(tmpdir(), "alma-web-"));
  const env = cleanEnv({ ALMA_HOME: home, ALMA_USER: "web-tests", ...(options.settings ?? {}) });
  const keys: Record<string, string> = {};
  for (const [name, role] of Object.entries(options.keys)) {
    const out = execFileSync(almaBin(), ["keys", "create", "--role", role, "--name", name], { env }).toString();
    const key = out.trim().split("\n").at(-1)!.trim();
    if (!key.startsWith("alma_")) throw new Error(`alma keys create printed no key: ${out}`);
    keys[name] = key;
  }
  const child: ChildProcess = spawn(almaBin(), ["serve", "--host", "127.0.0.1", "--port", "0"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`alma serve did not start in time; its log:\n${log.join("")}`)),
      options.startTimeoutMs ?? 60_000,
    );
    const read = (chunk: Buffer) => {
      const text = chunk.toString();
      log.push(text);
      const found = /Uvicorn running on (http:\/\/[^\s]+)/.exec(log.join(""));
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`alma serve exited (${code}) before it started; its log:\n${log.join("")}`));
    });
  });
  // Keep draining the log, or a full pipe would stall the server.
  child.stdout!.on("data", () => undefined);
  child.stderr!.on("data", () => undefined);
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const forced = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(forced);
    }
    rmSync(home, { recursive: true, force: true });
  };
  return { url, home, keys, stop };
}
