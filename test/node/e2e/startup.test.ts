/**
 * @module What `npm start` (scripts/start.js) says at start, as a new user
 * sees it: one line when the port is taken or Node.js cannot run the
 * sources, a warning when the gateway would advertise another address than
 * its own, and no "SQLite is an experimental feature" anywhere (neither in
 * the gateway's output nor in the test workers).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { olderNode } from "../../support/old-node.ts";
import { freePort, ROOT, startNodeGateway } from "../../support/processes.ts";

/** Runs the `npm start` entry to its end; what it printed and its status. */
function runStart(
  node: string,
  nodeArgs: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const dir = mkdtempSync(join(tmpdir(), "oct-start-"));
    const child = spawn(node, [...nodeArgs, "scripts/start.js"], {
      cwd: ROOT,
      env: { ...process.env, OCT_DB: join(dir, "oct.db"), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** One line of text, and nothing that looks like a stack trace. */
function expectOneLine(text: string): void {
  expect(text.endsWith("\n")).toBe(true);
  expect(text.trimEnd().split("\n")).toHaveLength(1);
  expect(text).not.toMatch(/^\s+at /m);
}

describe("npm start", () => {
  it("on a port in use, says so in one line naming PORT, exit status 1", async () => {
    const port = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", resolve));
    try {
      const { status, stderr } = await runStart(
        process.execPath,
        ["--disable-warning=ExperimentalWarning"],
        { PORT: String(port) },
      );
      expect(status).toBe(1);
      expectOneLine(stderr);
      expect(stderr).toContain(`port ${port} is in use`);
      expect(stderr).toContain("PORT=");
    } finally {
      holder.close();
    }
  });

  it("warns when gateway.id is this machine on another port, and not when it is the right one", async () => {
    const demo = await startNodeGateway();
    try {
      expect(demo.output()).toContain(
        `oct: warning: gateway.id is http://localhost:8787 but this gateway listens on ${demo.url}`,
      );
      expect(demo.output()).not.toMatch(/ExperimentalWarning|experimental feature/);
    } finally {
      await demo.stop();
    }

    const port = await freePort();
    const config = JSON.parse(readFileSync(join(ROOT, "config/demo/network.json"), "utf8"));
    config.gateway.id = `http://127.0.0.1:${port}`;
    const file = join(mkdtempSync(join(tmpdir(), "oct-start-")), "network.json");
    writeFileSync(file, JSON.stringify(config));
    const right = await startNodeGateway({ PORT: String(port), OCT_CONFIG: file });
    try {
      const metadata = (await (await fetch(`${right.url}/.well-known/oct-gateway`)).json()) as {
        jwks_uri: string;
      };
      expect((await fetch(metadata.jwks_uri)).status).toBe(200);
      expect(right.output()).toContain("OCT gateway listening on");
      expect(right.output()).not.toContain("oct: warning");
    } finally {
      await right.stop();
    }
  });

  it("on a Node.js that cannot run the TypeScript sources, says so in one line", async () => {
    const { status, stdout, stderr } = await runStart(process.execPath, [
      "--no-experimental-strip-types",
    ]);
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expectOneLine(stderr);
    expect(stderr).toContain("needs Node.js 22.18 or later");
  });

  const old = olderNode("22.18.0");
  it.skipIf(!old)(
    `on ${old?.version ?? "an older Node.js (none here)"}, says so in one line`,
    async () => {
      const { status, stderr } = await runStart(old!.path, [
        "--disable-warning=ExperimentalWarning",
      ]);
      expect(status).toBe(1);
      expectOneLine(stderr);
      expect(stderr).toContain(`this is Node.js ${old!.version.slice(1)}`);
    },
  );
});

describe("the test workers", () => {
  it("run with node:sqlite's ExperimentalWarning silenced, and only that", async () => {
    // A Node.js with this worker's own arguments, loading node:sqlite.
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        "-e",
        'require("node:sqlite"); process.emitWarning("still shown", "DeprecationWarning")',
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    await new Promise((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/ExperimentalWarning|experimental feature/);
    expect(stderr).toContain("DeprecationWarning: still shown");
  });
});
