/**
 * @module The server processes under test: each starts on a free loopback
 * port, pinned to the server core when `taskset` exists, and is stopped (its
 * whole process group) at the end, whatever happens.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../scripts/lib/free-port.ts";

export const ROOT = new URL("../", import.meta.url).pathname;
const BIN = join(ROOT, "node_modules/.bin");

/** Which CPU runs the servers and which the load; `undefined` when pinning is impossible. */
export interface Pinning {
  server: number;
  client: number;
}

/** Servers on CPU 0, the runner (load, latency) and one-core loops on CPU 1. */
export function pinning(): Pinning | undefined {
  const hasTaskset = spawnSync("taskset", ["--version"], { stdio: "ignore" }).status === 0;
  const cpus = spawnSync("nproc", [], { encoding: "utf8" }).stdout;
  return hasTaskset && Number(cpus) >= 2 ? { server: 0, client: 1 } : undefined;
}

/** Pins this process (every thread) to `cpu`. */
export function pinSelf(cpu: number): void {
  spawnSync("taskset", ["-a", "-p", "-c", String(cpu), String(process.pid)], { stdio: "ignore" });
}

/** A command line, run on `cpu` when given. */
export function onCpu(
  cpu: number | undefined,
  command: string,
  args: string[],
): [string, string[]] {
  return cpu === undefined ? [command, args] : ["taskset", ["-c", String(cpu), command, ...args]];
}

export interface Server {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const running = new Set<Server>();

/** Stops every server still running (at the end, or when the run fails). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

function start(
  name: string,
  url: string,
  [command, args]: [string, string[]],
  env: Record<string, string>,
): { child: ChildProcess; output: () => string; server: Server } {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: stopping it stops what it started (workerd).
    detached: true,
  });
  let text = "";
  const keep = (data: Buffer) => {
    text = (text + data.toString()).slice(-8000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const server: Server = {
    name,
    url,
    pid: child.pid!,
    async stop() {
      running.delete(server);
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(server);
  return { child, output: () => text, server };
}

async function ready(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}):\n${output()}`);
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after ${timeoutMs} ms:\n${output()}`);
}

/** Starts `bench/servers/<file>` with Node on a free port; `nodeArgs` such as `--cpu-prof`. */
export async function startNodeServer(
  name: string,
  file: string,
  env: Record<string, string>,
  cpu: number | undefined,
  nodeArgs: readonly string[] = [],
): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const node = [
    process.execPath,
    ["--disable-warning=ExperimentalWarning", ...nodeArgs, `bench/servers/${file}`],
  ];
  const started = start(name, url, onCpu(cpu, node[0] as string, node[1] as string[]), {
    ...env,
    PORT: String(port),
  });
  try {
    await ready(url, started.child, started.output, 20_000);
  } catch (error) {
    await started.server.stop();
    throw new Error(`${name}: ${(error as Error).message}`);
  }
  return started.server;
}

/**
 * Starts `wrangler dev` (real workerd) offline, as the tests do, with the
 * network as the OCT_CONFIG var and its state in `persistTo`.
 */
export async function startWranglerDev(
  networkJson: string,
  persistTo: string,
  cpu: number | undefined,
): Promise<Server> {
  const port = await freePort();
  const inspector = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const wrangler = join(BIN, "wrangler");
  if (!existsSync(wrangler)) throw new Error("node_modules/.bin/wrangler is missing");
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
    "--log-level",
    "warn",
    "--show-interactive-dev-session=false",
    "--var",
    `OCT_CONFIG:${networkJson}`,
  ];
  const started = start("workerd (wrangler dev)", url, onCpu(cpu, wrangler, args), {
    // wrangler needs Node 22, which the `node` devDependency puts in .bin
    PATH: `${BIN}:${process.env.PATH ?? ""}`,
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_HIDE_BANNER: "true",
    XDG_CONFIG_HOME: join(ROOT, ".config"),
    CI: "true",
  });
  try {
    await ready(url, started.child, started.output, 90_000);
  } catch (error) {
    await started.server.stop();
    throw new Error(`wrangler dev: ${(error as Error).message}`);
  }
  return started.server;
}
