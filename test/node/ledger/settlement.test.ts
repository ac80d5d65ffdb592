/**
 * Settlement reports on Node: the bucket totals kept with each commit give
 * the same totals as summing the entries (the shared suite), and a report
 * reads rows in proportion to its period's buckets and the entries at its
 * edges, not to the history (spec §10.2).
 */
import { describe, expect, it } from "vitest";
import { formatAmount } from "../../../src/core/amount/decimal.ts";
import { HOUR_MS } from "../../../src/core/settlement/buckets.ts";
import { totalsOf } from "../../../src/core/settlement/report.ts";
import { SqlSettlementStore } from "../../../src/adapters/ledger/sql/settlement-store.ts";
import type { SqlDriver } from "../../../src/adapters/ledger/sql/driver.ts";
import { ALL_MIGRATIONS } from "../../../src/adapters/ledger/sql/schema.ts";
import { openSqlite } from "../../../src/adapters/ledger/sqlite/node-sqlite.ts";
import { nodePorts } from "../../../src/runtime/node-ports.ts";
import { testKeys, testNetwork } from "../../support/network.ts";
import { defineSettlementSuite } from "../../support/settlement-suite.ts";

defineSettlementSuite(async () => {
  const ports = nodePorts({ network: testNetwork(await testKeys()), dbPath: ":memory:" });
  return { ledger: ports.ledger, settlements: ports.settlements };
}, 100);

/** The driver, counting the rows its reads return. */
function counting(driver: SqlDriver) {
  const counted = {
    rows: 0,
    driver: {
      ...driver,
      all: (sql: string, ...params: (string | number | null)[]) => {
        const rows = driver.all(sql, ...params);
        counted.rows += rows.length;
        return rows;
      },
    } satisfies SqlDriver,
  };
  return counted;
}

describe("the cost of a report", () => {
  it("does not grow with the history: rows read stay at the period's days and hours plus its edges' entries", async () => {
    const sqlite = openSqlite(":memory:", { migrations: ALL_MIGRATIONS, lockTimeoutMs: 1000 });
    const reads = counting(sqlite.driver);
    const store = new SqlSettlementStore(reads.driver);
    const start = Date.UTC(2031, 0, 1);
    const days = 20;
    // One entry a minute for 20 days, in two groups: 28,800 entries.
    await sqlite.driver.transaction(() => {
      for (let minute = 0; minute < days * 1440; minute++) {
        store.record({
          redemption_id: `rd-${minute}`,
          carrier: minute % 2 ? "carrier-a" : "carrier-b",
          provider: "edge",
          unit: "u",
          credit_unit: "c",
          debited: formatAmount(BigInt(minute + 1) * 10n ** 15n),
          credited: "1",
          tariff: "{}",
          committed_at: start + minute * 60_000 + 123,
        });
      }
    });
    // Ten days and a half, starting and ending mid-hour, to the millisecond.
    const query = {
      from: start + 3 * 86_400_000 + 30 * 60_000 + 7,
      to: start + 13 * 86_400_000 + 12 * HOUR_MS + 45 * 60_000 + 100,
    };
    reads.rows = 0;
    const totals = totalsOf(await store.sums(query));
    const inPeriod = totals.reduce((n, t) => n + t.count, 0);
    expect(inPeriod).toBeGreaterThan(15_000);
    // 2 groups × (9 whole days, then 23 + 12 whole hours), plus the 30 + 45
    // entries of the edges (entries fall at 123 ms past each minute).
    expect(reads.rows).toBe(2 * (9 + 23 + 12) + 30 + 45);
    sqlite.close();
  });
});
