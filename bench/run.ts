/**
 * @module `npm run bench` (about 8 minutes on 2 slow cores) or
 * `npm run bench -- --quick` (about 1 minute, one short run of each: a
 * smoke test). Measures on this machine, side by side in one run: the
 * limit (raw signature verification), core verification, HTTP verify and
 * redemption on Node and on workerd (`wrangler dev`), and the peers a user
 * would build by hand. Prints one table; writes bench/results/<ISO
 * timestamp>.json and bench/results/latest.json. `--no-workerd` skips
 * `wrangler dev`. See bench/README.md.
 */
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { IN_FLIGHT, runCpuPhase } from "./cpu/phase.ts";
import { endpoints } from "./endpoints.ts";
import { COLD_POOL, makeFixtures, type Fixtures } from "./fixtures.ts";
import { runHttpPhase } from "./http-phase.ts";
import { describeMachine } from "./machine.ts";
import { parseOptions } from "./options.ts";
import {
  pinning,
  pinSelf,
  startNodeServer,
  startWranglerDev,
  stopAll,
  type Pinning,
  type Server,
} from "./processes.ts";
import { writeResults } from "./results.ts";
import { renderTable } from "./table.ts";
import { judgeTargets, ratioSpecs } from "./targets.ts";

const options = parseOptions(process.argv.slice(2));
const startedAt = new Date();
const clock = performance.now();
const log = (message: string) =>
  process.stderr.write(`[bench ${((performance.now() - clock) / 1000).toFixed(0)}s] ${message}\n`);

async function startServers(
  fixtures: Fixtures,
  pin: Pinning | undefined,
  notes: string[],
): Promise<Map<string, string>> {
  const cpu = pin?.server;
  const { dir, networkPath } = fixtures;
  const starts: [string, () => Promise<Server>][] = [
    [
      "node",
      () =>
        startNodeServer(
          "node",
          "gateway.ts",
          { OCT_CONFIG: networkPath, OCT_DB: join(dir, "node.db") },
          cpu,
        ),
    ],
    [
      "node-port",
      () =>
        startNodeServer(
          "node-port",
          "gateway.ts",
          { OCT_CONFIG: networkPath, OCT_DB: join(dir, "node-port.db"), BENCH_SIGNATURES: "node" },
          cpu,
        ),
    ],
    [
      "express",
      () => startNodeServer("express", "express-jsonwebtoken.ts", { BENCH_FIXTURES: dir }, cpu),
    ],
    [
      "fast-jwt",
      () => startNodeServer("fast-jwt", "hono-fast-jwt.ts", { BENCH_FIXTURES: dir }, cpu),
    ],
  ];
  if (options.workerd) {
    starts.push([
      "workerd",
      () => startWranglerDev(JSON.stringify(fixtures.document), join(dir, "wrangler-state"), cpu),
    ]);
  }
  const settled = await Promise.allSettled(starts.map(([, start]) => start()));
  const urls = new Map<string, string>();
  settled.forEach((outcome, i) => {
    const name = starts[i]![0];
    if (outcome.status === "fulfilled") urls.set(name, outcome.value.url);
    else if (name === "workerd")
      notes.push(`workerd skipped: ${String(outcome.reason).slice(0, 2000)}`);
    else throw outcome.reason;
  });
  return urls;
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const pin = pinning();
  if (pin) pinSelf(pin.client);
  const notes: string[] = [];
  if (!pin) notes.push("no taskset or fewer than 2 CPUs: servers and load share the cores");
  if (options.quick) notes.push("--quick: one short run of each, a smoke test; do not quote");
  log(`fixtures (${options.quick ? "quick" : "full"} run)`);
  const fixtures = await makeFixtures(options.quick ? 100 : 500, COLD_POOL);
  const stop = async () => {
    await stopAll();
    rmSync(fixtures.dir, { recursive: true, force: true });
  };
  const interrupted = () => void stop().finally(() => process.exit(130));
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    log("item 1-2: limit and core verification, one core");
    const cpu = await runCpuPhase(
      fixtures.dir,
      { runs: options.runs, seconds: options.cpuSeconds },
      pin?.server,
    );
    process.stderr.write("\n");
    log("starting servers (Node gateway x2, peers, wrangler dev)");
    const urls = await startServers(fixtures, pin, notes);
    const list = endpoints(fixtures, new Set(urls.keys()));
    // workerd last: after load, its Durable Objects keep working in the
    // background for a minute, which would land on the Node figures.
    const node = list.filter((e) => e.server !== "workerd");
    const workerd = list.filter((e) => e.server === "workerd");
    log(`items 3, 4, 6: ${node.length} endpoints x ${options.runs} run(s)`);
    const nodePhase = await runHttpPhase(node, urls, options, ratioSpecs(), log);
    let workerdPhase: Awaited<ReturnType<typeof runHttpPhase>> = { rows: [], ratios: [] };
    if (workerd.length > 0) {
      log(`item 5: ${workerd.length} endpoints x ${options.runs} run(s) on wrangler dev`);
      workerdPhase = await runHttpPhase(workerd, urls, options, ratioSpecs(), log);
    }
    await stopAll();
    const order = (id: string) => list.findIndex((e) => e.id === id);
    const rows = [...nodePhase.rows, ...workerdPhase.rows].sort(
      (a, b) => order(a.id) - order(b.id),
    );
    const ratios = [...nodePhase.ratios, ...workerdPhase.ratios];
    const targets = judgeTargets(cpu, rows, ratios);
    const table = renderTable(cpu, rows, ratios, targets);
    const finishedAt = new Date();
    const path = writeResults({
      benchmark: "oct",
      format: 1,
      started_at: startedAt.toISOString(),
      finished_at: finishedAt.toISOString(),
      seconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
      machine: { ...machine, load_average_at_end: loadavg().map((l) => Math.round(l * 100) / 100) },
      pinning: pin ?? null,
      options,
      notes,
      cpu: { in_flight: IN_FLIGHT, per_algorithm: cpu },
      http: { connections: options.connections, rows, ratios },
      targets,
      table,
    });
    console.log(table);
    for (const note of notes) console.log(`note: ${note}`);
    const missed = targets.filter((t) => !t.met);
    console.log(
      `\ntargets: ${targets.length - missed.length}/${targets.length} met` +
        (missed.length ? ` (missed: ${missed.map((t) => t.id).join(", ")})` : ""),
    );
    console.log(`results: ${path}`);
  } finally {
    await stop();
  }
}

await main();
