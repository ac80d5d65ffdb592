/**
 * @module Redemptions at a visited gateway whose tokens live at another
 * carrier's home (`spec/oct.md` §11), with every round trip to the home 20
 * ms longer (`npx node bench/federation.ts [--delay-ms 20] [--count 2000]`,
 * about a minute on 2 slow cores). Both gateways are composed as `npm
 * start` composes them (`nodePorts` on a SQLite file each, `createGateway`),
 * in one process: the visited gateway's requests to the home go through a
 * fetch that waits `--delay-ms` before handing them to the home's app, and
 * the redemptions are sent to the visited app one at a time (a steady
 * workload with no think time, the harshest for prefetch), without a
 * client socket. For the default federation settings and for no prefetch
 * (`prefetch_factor` 1, `refill_below_debits` 0), it prints p50 and p99 of
 * all redemptions, the share served without waiting for the home, and p50
 * and p99 of those. A redemption waited for the home when an answer of the
 * home arrived while it was looking for a grant with room (its own grant
 * request, or one a refill had sent before); one served locally found room
 * at once. The reference row redeems a
 * token without a home at the same gateway: its own ledger, no grants, the
 * same machine at the same moment. Not part of `npm run bench`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { mintToken } from "../src/core/issuer/mint.ts";
import { loadNetwork, type NetworkDocument } from "../src/core/network/config.ts";
import { generateSigningKey, publicJwks } from "../src/core/signing/keys.ts";
import { createGateway } from "../src/gateway/app.ts";
import { nodePorts } from "../src/runtime/node-ports.ts";
import { percentile } from "./stats.ts";

const { values } = parseArgs({
  options: {
    "delay-ms": { type: "string", default: "20" },
    count: { type: "string", default: "2000" },
  },
});
const DELAY_MS = Number(values["delay-ms"]);
const COUNT = Number(values.count);
const WARM_UP = 100;

const HOME = "https://gw.carrier-a.bench.example";
const VISITED = "https://gw.carrier-b.bench.example";
const ISSUER = "https://tokens.carrier-a.bench.example";
const UNIT = "gpu-second:h100-sxm";

interface Outcome {
  ms: number;
  waited: boolean;
}

async function measure(federation: Record<string, number>, homed = true): Promise<Outcome[]> {
  const dir = mkdtempSync(join(tmpdir(), "oct-bench-federation-"));
  const [carrierKey, homeKey, visitedKey] = await Promise.all(
    [0, 1, 2].map(() => generateSigningKey("EdDSA")),
  );
  const document = (id: string, key: typeof homeKey, peer: string, peerKey: typeof homeKey) =>
    ({
      gateway: { id, receipt_keys: { keys: [key] } },
      carriers: [
        {
          id: "carrier-a",
          issuer: ISSUER,
          jwks: publicJwks([carrierKey!]),
          algorithms: ["EdDSA"],
          status: "active",
          homes: [HOME],
        },
      ],
      providers: [{ id: "edge", adapter: "ledger", units: [UNIT] }],
      tariffs: [
        {
          carrier: "carrier-a",
          from: UNIT,
          provider: "edge",
          to: UNIT,
          rate: "1",
          valid_from: "2020-01-01T00:00:00Z",
        },
      ],
      peers: [{ id: peer, url: peer, jwks: publicJwks([peerKey!]) }],
      federation,
    }) as unknown as NetworkDocument;
  const homePorts = nodePorts({
    network: loadNetwork(document(HOME, homeKey, VISITED, visitedKey)),
    dbPath: join(dir, "home.db"),
  });
  const home = createGateway(homePorts);
  /** When each grant of the home reached the visited gateway. */
  const answeredAt: number[] = [];
  const toHome = (async (url: string, init: RequestInit) => {
    await new Promise((resolve) => setTimeout(resolve, DELAY_MS));
    const { pathname, search } = new URL(url);
    const answer = await home.request(pathname + search, init);
    if (pathname === "/v1/grants") answeredAt.push(performance.now());
    return answer;
  }) as unknown as typeof fetch;
  const visitedPorts = nodePorts({
    network: loadNetwork(document(VISITED, visitedKey, HOME, homeKey)),
    dbPath: join(dir, "visited.db"),
    fetch: toHome,
  });
  // Where a redemption looks for a grant with room: when it took the answer of a
  // grant request to find one (its own, or one already on its way), it waited for the home.
  const visitedGrants = visitedPorts.federation!;
  const grantFor = visitedGrants.grantFor.bind(visitedGrants);
  let window: [number, number] | undefined;
  visitedGrants.grantFor = async (draw) => {
    const started = performance.now();
    try {
      return await grantFor(draw);
    } finally {
      window = [started, performance.now()];
    }
  };
  const visited = createGateway(visitedPorts);
  // The background work of `npm start`: recovery, and the visited gateway's reports every second.
  const background = [homePorts, visitedPorts].map((ports) =>
    ports.startRecovery(1000, () => undefined),
  );
  const now = Math.floor(Date.now() / 1000);
  const token = await mintToken(
    {
      iss: ISSUER,
      sub: "acct-bench",
      iat: now - 5,
      exp: now + 3600,
      jti: `bench-${now}-${Math.random().toString(36).slice(2)}`,
      oct: { ver: "0.1", amount: "1000000", unit: UNIT, ...(homed ? { home: HOME } : {}) },
    },
    carrierKey!,
  );
  const body = JSON.stringify({ token, provider: "edge", amount: "1", unit: UNIT });
  const outcomes: Outcome[] = [];
  try {
    for (let i = 0; i < WARM_UP + COUNT; i++) {
      window = undefined;
      const started = performance.now();
      const response = await visited.request("/v1/redemptions", {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": `b-${i}` },
        body,
      });
      const ms = performance.now() - started;
      if (response.status !== 201) throw new Error(`redemption ${i}: ${await response.text()}`);
      // Set by the wrapper above while the request ran (TypeScript cannot see it).
      const looked = window as [number, number] | undefined;
      const waited =
        looked !== undefined && answeredAt.some((at) => at >= looked[0] && at <= looked[1]);
      if (i >= WARM_UP) outcomes.push({ ms, waited });
    }
  } finally {
    for (const work of background) work.stop();
    // A turn of the background work may still be running: let it end before the files close.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    visitedPorts.close();
    homePorts.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return outcomes;
}

function row(name: string, outcomes: Outcome[]): string[] {
  const all = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const local = outcomes
    .filter((o) => !o.waited)
    .map((o) => o.ms)
    .sort((a, b) => a - b);
  const ms = (value: number) => (Number.isNaN(value) ? "-" : value.toFixed(2));
  return [
    name,
    ms(percentile(all, 50)),
    ms(percentile(all, 99)),
    `${((100 * local.length) / outcomes.length).toFixed(1)} %`,
    ms(percentile(local, 50)),
    ms(percentile(local, 99)),
  ];
}

const rows = [
  ["settings", "p50 ms", "p99 ms", "served locally", "local p50 ms", "local p99 ms"],
  row("reference: a token without a home (its own ledger)", await measure({}, false)),
  row("default prefetch (10 debits, refill below 2)", await measure({})),
  row("no prefetch", await measure({ prefetch_factor: 1, refill_below_debits: 0 })),
];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(
  `${COUNT} redemptions of 1 at the visited gateway, one at a time, ${DELAY_MS} ms more per round trip to the home:\n`,
);
for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
