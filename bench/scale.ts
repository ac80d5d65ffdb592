/**
 * @module The cost of scale on Node (`npx node bench/scale.ts [--short]`):
 * the gateway as `npm start` composes it (`nodePorts`, one SQLite file,
 * `createGateway`), driven in process through `app.request` (no sockets, so
 * the figures are the gateway's own), pinned to one core. In turn: memory
 * (RSS and V8 heap, after a full collection) after a flood of unique valid
 * tokens, of tokens naming unique unknown `kid`s, and of redemptions with
 * unique `Idempotency-Key`s; the ledger's bytes per redemption, by table;
 * redemptions per second on one token and spread over many; and the time of
 * a settlement report as the history grows. `--short` runs a tenth of each
 * flood (a smoke test). Not part of `npm run bench`; see bench/README.md.
 */
import { spawnSync } from "node:child_process";
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { mintToken } from "../src/core/issuer/mint.ts";
import { loadNetwork } from "../src/core/network/config.ts";
import { makeClientAssertion } from "../src/core/party/make-assertion.ts";
import { generateSigningKey, publicJwks } from "../src/core/signing/keys.ts";
import { createGateway } from "../src/gateway/app.ts";
import { nodePorts } from "../src/runtime/node-ports.ts";
import { asyncLoop } from "./cpu/loop.ts";
import { AUDIENCE, issuerOf, makeFixtures, PROVIDER, REDEMPTION_AMOUNT, UNIT } from "./fixtures.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
spawnSync("taskset", ["-a", "-p", "-c", "0", String(process.pid)], { stdio: "ignore" });

const short = process.argv.includes("--short");
const scaled = (n: number) => (short ? n / 10 : n);
const TOKENS = scaled(30_000);
const KIDS = scaled(30_000);
const REDEMPTIONS = scaled(20_000);
const SPREAD = 500;
const log = (message: string) => process.stderr.write(`[scale] ${message}\n`);

log(`fixtures: ${TOKENS} fresh tokens, ${SPREAD} to redeem on`);
const fixtures = await makeFixtures(SPREAD, TOKENS);
const dbPath = join(fixtures.dir, "scale.db");
// The settlement report answers the gateway's operator only (spec §7.13).
const operatorKey = await generateSigningKey("EdDSA");
const document = {
  ...fixtures.document,
  gateway: {
    ...fixtures.document.gateway,
    operators: [{ id: "ops", jwks: publicJwks([operatorKey]) as { keys: unknown[] } }],
  },
};
const ports = nodePorts({ network: loadNetwork(document), dbPath });
const app = createGateway(ports);
const limits = ports.network.limits;

// Tokens naming a kid the carrier does not have, each a different one.
log(`minting ${KIDS} tokens with unknown kids`);
const now = Math.floor(Date.now() / 1000);
const unknownKids: string[] = [];
for (let i = 0; i < KIDS; i += 256) {
  const batch = Array.from({ length: Math.min(256, KIDS - i) }, (_, j) =>
    mintToken(
      {
        iss: issuerOf("EdDSA"),
        sub: "acct-bench",
        aud: AUDIENCE,
        iat: now - 60,
        exp: now + 3600,
        jti: `kid-flood-${i + j}`,
        oct: { ver: "0.1", amount: "1000", unit: UNIT },
      },
      { ...fixtures.keys.EdDSA, kid: `unknown-${i + j}` },
    ),
  );
  unknownKids.push(...(await Promise.all(batch)));
}

const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  return await app.request(path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "content-length": String(text.length),
      ...headers,
    },
    body: text,
  });
};

const MiB = 1024 * 1024;
function memory(): { rss: number; heap: number } {
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss: rss / MiB, heap: heapUsed / MiB };
}

/** Sends `count` requests, 16 in flight, each `request(i)`; fails on an unexpected status. */
async function flood(
  count: number,
  request: (i: number) => Promise<Response>,
  expected: number,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < count) {
      const response = await request(next++);
      if (response.status !== expected) {
        throw new Error(`status ${response.status}: ${await response.text()}`);
      }
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return count / ((performance.now() - started) / 1000);
}

const rows: string[] = [];
const row = (what: string, count: number, before: ReturnType<typeof memory>, rate?: number) => {
  const after = memory();
  rows.push(
    `| ${what} | ${count.toLocaleString("en-US")} | ${after.rss.toFixed(0)} | ` +
      `${(after.rss - before.rss).toFixed(1)} | ${after.heap.toFixed(1)} | ` +
      `${(after.heap - before.heap).toFixed(1)} | ${rate === undefined ? "" : Math.round(rate)} |`,
  );
  return after;
};

/** The ledger file's bytes by table and index (SQLite's dbstat), after a checkpoint. */
function ledgerBytes(): {
  total: number;
  byName: Map<string, number>;
  record: number;
  receipt: number;
} {
  const db = new DatabaseSync(dbPath);
  try {
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const byName = new Map<string, number>();
    try {
      for (const r of db
        .prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name")
        .all())
        byName.set(String(r.name), Number(r.bytes));
    } catch {
      // no dbstat in this SQLite: the file's size alone
    }
    // What a redemption row carries: its record (the API's answer), of
    // which the signed receipt.
    const sizes = db
      .prepare(
        "SELECT AVG(LENGTH(record)) AS record, AVG(LENGTH(json_extract(record, '$.receipt'))) AS receipt FROM redemptions",
      )
      .get()!;
    return {
      total: statSync(dbPath).size,
      byName,
      record: Number(sizes.record),
      receipt: Number(sizes.receipt),
    };
  } finally {
    db.close();
  }
}

/** Median time of 5 calls of `run`, in ms. */
async function timed(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[2]!;
}

const reportFrom = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
const report = async () => {
  const to = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
  const assertion = await makeClientAssertion({
    party: "operator:ops",
    key: operatorKey,
    gateway: ports.network.gatewayId,
  });
  const answer = await app.request(`/v1/settlements?from=${reportFrom}&to=${to}`, {
    headers: { authorization: `Bearer ${assertion}` },
  });
  if (answer.status !== 200) throw new Error(`the settlement report answered ${answer.status}`);
  return answer;
};

try {
  // Warm up every route once, then the baseline.
  await flood(200, (i) => post("/v1/verify", { token: fixtures.coldTokens.EdDSA[i] }), 200);
  let idempotency = 0;
  const redeem = (token: string) =>
    post(
      "/v1/redemptions",
      { token, provider: PROVIDER, amount: REDEMPTION_AMOUNT, unit: UNIT },
      { "idempotency-key": `scale-${++idempotency}` },
    );
  await flood(200, (i) => redeem(fixtures.spreadTokens[i % SPREAD]!), 201);
  await (await report()).arrayBuffer();
  const base = memory();
  rows.push(
    "| flood | requests | RSS MiB after | RSS Δ MiB | heap MiB after | heap Δ MiB | per second |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| baseline (gateway up, routes warm) | | ${base.rss.toFixed(0)} | | ${base.heap.toFixed(1)} | | |`,
  );

  log(`verify: ${TOKENS} unique valid tokens`);
  let rate = await flood(
    TOKENS,
    (i) => post("/v1/verify", { token: fixtures.coldTokens.EdDSA[i] }),
    200,
  );
  let before = row("unique valid tokens, POST /v1/verify", TOKENS, base, rate);

  log(`verify: ${KIDS} tokens with unknown kids`);
  rate = await flood(KIDS, (i) => post("/v1/verify", { token: unknownKids[i] }), 200);
  before = row("unique unknown kids, POST /v1/verify (key_unknown)", KIDS, before, rate);

  const ledgerBefore = ledgerBytes();
  const reportTimes: string[] = [];
  log(`redeem: ${REDEMPTIONS} unique idempotency keys over ${SPREAD} tokens`);
  let redeemed = 0;
  const spreadRates: number[] = [];
  for (const share of [0.25, 0.25, 0.5]) {
    const count = Math.round(REDEMPTIONS * share);
    spreadRates.push(
      await flood(count, (i) => redeem(fixtures.spreadTokens[(redeemed + i) % SPREAD]!), 201),
    );
    redeemed += count;
    const ms = await timed(async () => (await report()).arrayBuffer());
    reportTimes.push(`| ${(redeemed + 200).toLocaleString("en-US")} | ${ms.toFixed(1)} |`);
  }
  before = row(
    "unique Idempotency-Keys, POST /v1/redemptions over 500 tokens",
    REDEMPTIONS,
    before,
    spreadRates.reduce((a, b) => a + b) / spreadRates.length,
  );
  const ledgerAfter = ledgerBytes();

  log("redeem: one token against many, in alternation");
  const hot = [] as number[];
  const spread = [] as number[];
  for (let run = 0; run < 3; run++) {
    hot.push((await asyncLoop(() => redeem(fixtures.hotToken), 2, 1e6, 16)).perSecond);
    spread.push(
      (
        await asyncLoop(
          () => redeem(fixtures.spreadTokens[run * 7 + (idempotency % SPREAD)]!),
          2,
          1e6,
          16,
        )
      ).perSecond,
    );
  }

  const perRedemption = (ledgerAfter.total - ledgerBefore.total) / REDEMPTIONS;
  const lines = [
    `# The cost of scale, Node, in process${short ? " (--short: a smoke test, do not quote)" : ""}`,
    "",
    `verify_cache_max_entries ${limits.verify_cache_max_entries}, verify_cache_max_bytes ${limits.verify_cache_max_bytes}`,
    "",
    ...rows,
    "",
    `Ledger: ${(ledgerAfter.total / 1024).toFixed(0)} KiB after ${REDEMPTIONS + 200} redemptions; ` +
      `${perRedemption.toFixed(0)} bytes per redemption (file growth over the flood, after a checkpoint). ` +
      `A redemption's record averages ${ledgerAfter.record.toFixed(0)} characters, ` +
      `its signed receipt ${ledgerAfter.receipt.toFixed(0)} of them.`,
    "",
    "| table or index | bytes per redemption |",
    "| --- | ---: |",
    ...[...ledgerAfter.byName]
      .map(
        ([name, bytes]) =>
          [name, (bytes - (ledgerBefore.byName.get(name) ?? 0)) / REDEMPTIONS] as const,
      )
      .filter(([, bytes]) => bytes >= 1)
      .sort((a, b) => b[1] - a[1])
      .map(([name, bytes]) => `| ${name} | ${bytes.toFixed(0)} |`),
    "",
    "| redemptions in the history | settlement report of them all, ms (median of 5) |",
    "| ---: | ---: |",
    ...reportTimes,
    "",
    "| redemptions, 16 in flight | per second (median of 3, in alternation) |",
    "| --- | ---: |",
    `| all on one token | ${Math.round(hot.sort((a, b) => a - b)[1]!)} |`,
    `| spread over ${SPREAD} tokens | ${Math.round(spread.sort((a, b) => a - b)[1]!)} |`,
  ];
  console.log(lines.join("\n"));
} finally {
  ports.close();
  rmSync(fixtures.dir, { recursive: true, force: true });
}
