/**
 * @module Starting the real gateway processes (Node and `wrangler dev`) for
 * end-to-end tests, on a free loopback port, and stopping them afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../scripts/lib/free-port.ts";
export { freePort };

export const ROOT = new URL("../../", import.meta.url).pathname;

export interface Running {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

async function waitFor(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`process exited (${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after ${timeoutMs} ms:\n${output()}`);
}

function track(child: ChildProcess): () => string {
  let text = "";
  child.stdout?.on("data", (d) => (text += d));
  child.stderr?.on("data", (d) => (text += d));
  return () => text;
}

function stopper(child: ChildProcess) {
  return (signal: NodeJS.Signals = "SIGTERM") =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });
}

/** Starts the gateway as `npm start` does (scripts/start.js), with the given environment. */
export async function startNodeGateway(env: Record<string, string> = {}): Promise<Running> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const dir = mkdtempSync(join(tmpdir(), "oct-node-"));
  const child = spawn(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", "scripts/start.js"],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), OCT_DB: join(dir, "oct.db"), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const output = track(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/healthz`, child, output, 20_000);
  return { url, process: child, output, stop: stopper(child) };
}

/**
 * Starts `wrangler dev` (real workerd) offline on a free port, or the one
 * given. Its Durable Objects keep their state in a temporary directory of
 * their own (or `persistTo`, to start again on the same state), never in
 * the repository's `.wrangler/state`, where a later `npx wrangler dev`
 * would find the tests' redemptions.
 */
export async function startWranglerDev(
  vars: Record<string, string> = {},
  options: { port?: number; persistTo?: string } = {},
): Promise<Running & { persistTo: string }> {
  const port = options.port ?? (await freePort());
  const inspector = await freePort();
  const persistTo = options.persistTo ?? mkdtempSync(join(tmpdir(), "oct-wrangler-"));
  const args = [
    "dev",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--inspector-port",
    String(inspector),
    "--persist-to",
    persistTo,
  ];
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  const bin = join(ROOT, "node_modules/.bin");
  const child = spawn(join(bin, "wrangler"), args, {
    cwd: ROOT,
    env: {
      ...process.env,
      // wrangler needs Node 22, which the `node` devDependency puts in .bin
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      WRANGLER_SEND_METRICS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_HIDE_BANNER: "true",
      XDG_CONFIG_HOME: join(ROOT, ".config"),
      CI: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const output = track(child);
  const url = `http://127.0.0.1:${port}`;
  const stop = (signal: NodeJS.Signals = "SIGTERM") =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      try {
        process.kill(-child.pid!, signal); // the whole group: wrangler and workerd
      } catch {
        resolve();
      }
    });
  try {
    await waitFor(`${url}/healthz`, child, output, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, process: child, output, stop, persistTo };
}
