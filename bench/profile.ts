/**
 * @module Where the gateway's `POST /v1/verify` spends its CPU under load, by
 * `node --cpu-prof`: the gateway as `npm start` composes it (node:crypto
 * signature port), pinned to one core, loaded at 50 connections from the
 * other with one token repeated (`--hot`) or a new token each request
 * (`--cold`, the default); then the profile's self time by area (signature,
 * the rest of verification, the ledger, body, middleware, Hono, Node's HTTP
 * stack, GC) and its heaviest functions. A profiling aid, not part of
 * `npm run bench`: `npx node bench/profile.ts [--hot] [--alg ES256] [--seconds 8] [--keep]`
 * (`--keep` leaves the `.cpuprofile` for Chrome DevTools and prints its path).
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { verifyEndpoint, coldVerifyEndpoint } from "./endpoints.ts";
import { COLD_ALGORITHMS, makeFixtures, type ColdAlgorithm } from "./fixtures.ts";
import { throughput } from "./load/throughput.ts";
import { pinning, pinSelf, startNodeServer, stopAll, ROOT } from "./processes.ts";

const { values } = parseArgs({
  options: {
    hot: { type: "boolean", default: false },
    alg: { type: "string", default: "EdDSA" },
    seconds: { type: "string", default: "8" },
    keep: { type: "boolean", default: false },
  },
});
const alg = values.alg as ColdAlgorithm;
if (!COLD_ALGORITHMS.includes(alg))
  throw new Error(`--alg is one of ${COLD_ALGORITHMS.join(", ")}`);
const seconds = Number(values.seconds);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The area a function belongs to, by its file (first match wins). */
const AREAS: [string, (name: string, url: string) => boolean][] = [
  ["idle", (name) => name === "(idle)"],
  ["garbage collection", (name) => name === "(garbage collector)"],
  [
    "signature (node:crypto verify)",
    (name, url) => name === "verify" && url === "node:internal/crypto/sig",
  ],
  [
    "verification, other steps",
    (_, url) =>
      url.includes("/src/core/token/") ||
      url.includes("/src/core/json/") ||
      url.includes("/src/core/keys/") ||
      url.includes("/src/generated/validators"),
  ],
  ["verified-token cache", (_, url) => url.includes("verified-cache")],
  [
    "ledger (balance read, token key)",
    (_, url) =>
      url.includes("/src/adapters/ledger/") ||
      url.includes("/src/core/redemption/") ||
      url.includes("node:sqlite"),
  ],
  ["gateway: body, routes, middleware", (_, url) => url.includes("/src/gateway/")],
  ["hono", (_, url) => url.includes("/node_modules/hono/")],
  ["@hono/node-server", (_, url) => url.includes("@hono/node-server")],
  [
    "node:http and streams",
    (_, url) =>
      url.startsWith("node:internal/http") ||
      url.startsWith("node:_http") ||
      url.startsWith("node:internal/streams") ||
      url.startsWith("node:net") ||
      url.startsWith("node:internal/stream_base"),
  ],
  ["other node: internals", (_, url) => url.startsWith("node:")],
  ["program (native, unattributed)", (name) => name === "(program)"],
  ["other", () => true],
];

function analyse(profile: Profile): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = functionName || "(anonymous)";
    const area = AREAS.find(([, test]) => test(name, url))![0];
    areas.set(area, (areas.get(area) ?? 0) + micros);
    if (area === "idle") continue;
    busy += micros;
    const where = `${name} ${url.replace(`file://${ROOT}`, "").replace(/.*node_modules\//, "")}:${lineNumber + 1}`;
    functions.set(where, (functions.get(where) ?? 0) + micros);
  }
  const share = (micros: number) => `${((100 * micros) / busy).toFixed(1)} %`;
  const lines = ["| area | share of busy CPU |", "| --- | ---: |"];
  for (const [area, micros] of [...areas].sort((a, b) => b[1] - a[1])) {
    if (area !== "idle") lines.push(`| ${area} | ${share(micros)} |`);
  }
  lines.push(`| (idle: ${((areas.get("idle") ?? 0) / 1e6).toFixed(1)} s) | |`, "");
  lines.push("| function (self time) | share |", "| --- | ---: |");
  for (const [where, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    lines.push(`| ${where} | ${share(micros)} |`);
  }
  return lines.join("\n");
}

const pin = pinning();
if (pin) pinSelf(pin.client);
const fixtures = await makeFixtures(0, values.hot ? 0 : 40_000);
const profileDir = join(fixtures.dir, "profile");
try {
  const server = await startNodeServer(
    "gateway",
    "gateway.ts",
    {
      OCT_CONFIG: fixtures.networkPath,
      OCT_DB: join(fixtures.dir, "profile.db"),
      BENCH_SIGNATURES: "node",
    },
    pin?.server,
    ["--cpu-prof", `--cpu-prof-dir=${profileDir}`],
  );
  const endpoint = values.hot
    ? verifyEndpoint("gateway", "Node", "/v1/verify", alg, fixtures.verifyTokens[alg])
    : coldVerifyEndpoint("gateway", "Node", "/v1/verify", alg, fixtures.coldTokens[alg]);
  const load = await throughput(server.url, endpoint, seconds, 50);
  await stopAll();
  const [file] = readdirSync(profileDir);
  const path = join(profileDir, file!);
  console.log(
    `# POST /v1/verify ${alg}, ${values.hot ? "one token repeated" : "a new token each request"}: ` +
      `${Math.round(load.rps)} req/s at 50 connections, ${load.failed} failed\n`,
  );
  console.log(analyse(JSON.parse(readFileSync(path, "utf8")) as Profile));
  if (values.keep) console.log(`\nprofile: ${path}`);
} finally {
  await stopAll();
  if (!values.keep) rmSync(fixtures.dir, { recursive: true, force: true });
}
