/**
 * @module What a settlement report costs as the history grows
 * (`npx node bench/settlement.ts`, two to three minutes on 2 slow cores):
 * for ledgers of 20,000, 80,000 and 320,000 entries over 30 days, the report of nearly the whole month (its
 * edges mid-hour, to the millisecond) answered from the bucket totals
 * (`SqlSettlementStore.sums`, what the gateway runs) and by summing every
 * entry of the period (how reports were made before), both in process on one
 * SQLite file, median of 5. The time is all synchronous: it is how long the
 * event loop is held. Not part of `npm run bench`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatAmount } from "../src/core/amount/decimal.ts";
import { sumOfEntry, totalsOf, type SettlementQuery } from "../src/core/settlement/report.ts";
import { ALL_MIGRATIONS } from "../src/adapters/ledger/sql/schema.ts";
import { recordOfRow, ENTRY_COLUMNS } from "../src/adapters/ledger/sql/settlement-entries.ts";
import { SqlSettlementStore } from "../src/adapters/ledger/sql/settlement-store.ts";
import { openSqlite } from "../src/adapters/ledger/sqlite/node-sqlite.ts";
import { median } from "./stats.ts";

const DAY = 86_400_000;
const START = Date.UTC(2031, 0, 1);
const GROUPS = [
  ["carrier-a", "edge-1"],
  ["carrier-a", "edge-2"],
  ["carrier-b", "edge-1"],
  ["carrier-b", "edge-2"],
] as const;
const QUERY: SettlementQuery = { from: START + 1_234_567, to: START + 30 * DAY - 2_345_678 };

/** Median time of 5 runs. The stores are synchronous underneath: awaiting adds a microtask. */
async function timed<T>(run: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    value = await run();
    times.push(performance.now() - started);
  }
  return { ms: median(times), value };
}

const dir = mkdtempSync(join(tmpdir(), "oct-bench-settlement-"));
const rows: string[][] = [];
try {
  for (const history of [20_000, 80_000, 320_000]) {
    const sqlite = openSqlite(join(dir, `${history}.db`), {
      migrations: ALL_MIGRATIONS,
      lockTimeoutMs: 10_000,
    });
    const store = new SqlSettlementStore(sqlite.driver);
    await sqlite.driver.transaction(() => {
      for (let n = 0; n < history; n++) {
        const [carrier, provider] = GROUPS[n % GROUPS.length]!;
        store.record({
          redemption_id: `rd-${n}`,
          carrier,
          provider,
          unit: "gpu-second:h100-sxm",
          debited: formatAmount(BigInt(n + 1) * 10n ** 15n),
          credit_unit: "gpu-second:a100-sxm",
          credited: formatAmount(BigInt(n + 1) * 25n * 10n ** 14n),
          tariff: "{}",
          committed_at: START + Math.floor((n * 30 * DAY) / history),
        });
      }
    });
    sqlite.checkpoint();
    let sums = 0;
    const bucketed = await timed(async () => {
      const parts = await store.sums(QUERY);
      sums = parts.length;
      return totalsOf(parts);
    });
    const naive = await timed(() =>
      totalsOf(
        sqlite.driver
          .all(
            `SELECT ${ENTRY_COLUMNS} FROM settlement_entries WHERE committed_at >= ? AND committed_at < ?`,
            QUERY.from,
            QUERY.to,
          )
          .map((row) => sumOfEntry(recordOfRow(row))),
      ),
    );
    const same = JSON.stringify(bucketed.value) === JSON.stringify(naive.value);
    rows.push([
      history.toLocaleString("en-US"),
      naive.value.reduce((n, t) => n + t.count, 0).toLocaleString("en-US"),
      naive.ms.toFixed(1),
      bucketed.ms.toFixed(2),
      sums.toLocaleString("en-US"),
      same ? "yes" : "NO",
    ]);
    sqlite.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const header = [
  "entries in the ledger",
  "entries in the period",
  "summing entries, ms",
  "bucket totals, ms",
  "sums read",
  "same totals",
];
console.log(`| ${header.join(" | ")} |`);
console.log(`| ${header.map(() => "---:").join(" | ")} |`);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
