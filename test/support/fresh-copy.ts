/**
 * @module A fresh copy of the repository, as a clone of the working tree
 * would be (tracked and new files, nothing ignored), and a user's shell to
 * run commands in it: the README's commands and the package's, as written.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ROOT } from "./processes.ts";

/**
 * Copies the working tree's files (`git ls-files`: tracked and untracked,
 * not ignored) to a new directory. `node_modules` comes as hard links when
 * the file system allows (seconds instead of a minute of `npm install` from
 * the cache, and no network), else as a copy: npm then finds it up to date.
 */
export function freshCopy(): { dir: string; remove(): void } {
  const parent = mkdtempSync(join(tmpdir(), "oct-fresh-"));
  const dir = join(parent, "open-compute-token");
  mkdirSync(dir);
  const listed = spawnSync(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  // --cached also lists tracked files deleted from the working tree.
  const files = listed.stdout.split("\0").filter((file) => file && existsSync(join(ROOT, file)));
  const copied = spawnSync("cp", ["--parents", "-t", dir, ...files], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (copied.status !== 0) throw new Error(`copying the working tree failed: ${copied.stderr}`);
  const modules = join(ROOT, "node_modules");
  const linked = spawnSync("cp", ["-al", modules, join(dir, "node_modules")]);
  if (linked.status !== 0) {
    rmSync(join(dir, "node_modules"), { recursive: true, force: true });
    const plain = spawnSync("cp", ["-a", modules, join(dir, "node_modules")], { encoding: "utf8" });
    if (plain.status !== 0) throw new Error(`copying node_modules failed: ${plain.stderr}`);
  }
  return {
    dir,
    remove() {
      rmSync(parent, { recursive: true, force: true });
      removeNpxLinks(dir);
    },
  };
}

/**
 * `npx oct` in a project links the project into npm's npx cache
 * (`<cache>/_npx/<hash>/`); once the copy is gone, so goes its link.
 */
function removeNpxLinks(dir: string): void {
  const cache = spawnSync("npm", ["config", "get", "cache"], {
    encoding: "utf8",
    env: userEnv(),
  }).stdout?.trim();
  const npx = cache ? join(cache, "_npx") : undefined;
  if (!npx || !existsSync(npx)) return;
  for (const entry of readdirSync(npx)) {
    const manifest = join(npx, entry, "package.json");
    if (existsSync(manifest) && readFileSync(manifest, "utf8").includes(dir))
      rmSync(join(npx, entry), { recursive: true, force: true });
  }
}

/**
 * The environment of a user's shell: none of the variables npm sets for the
 * script that runs the tests (they would point nested npm commands at this
 * repository), and no `node_modules/.bin` on PATH (the machine's own node,
 * npm and npx), plus `extra`.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name)) env[name] = value;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((entry) => !entry.includes("node_modules"))
    .join(delimiter);
  return {
    ...env,
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    ...extra,
  };
}

export interface ShellResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one command line in bash, as a user would type it. */
export function shell(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<ShellResult> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", command], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

export interface Background {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a long-running command line (a server) in its own process group,
 * and waits until `readyUrl` answers 200.
 */
export async function background(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  readyUrl: string,
  timeoutMs = 180_000,
): Promise<Background> {
  const child = spawn("bash", ["-c", command], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let text = "";
  child.stdout!.on("data", (d) => (text += d));
  child.stderr!.on("data", (d) => (text += d));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      try {
        process.kill(-child.pid!, "SIGTERM"); // bash, npm and the gateway
      } catch {
        resolve();
      }
    });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${command} exited (${child.exitCode}):\n${text}`);
    try {
      if ((await fetch(readyUrl)).ok) return { child, output: () => text, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`${command}: ${readyUrl} not ready after ${timeoutMs} ms:\n${text}`);
}
