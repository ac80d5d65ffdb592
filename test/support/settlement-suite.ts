/**
 * @module Settlement reports from bucket totals, written once and run on
 * both runtimes: commits go through the real ledger (SQLite on Node; a
 * token's Durable Object and its outbox to the settlement book in workerd),
 * and every report must equal the naive exact sum of the entries in its
 * period (`spec/oct.md` §10.2), for random entries and periods whose
 * boundaries fall anywhere, to the millisecond.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAmount, parseAmount } from "../../src/core/amount/decimal.ts";
import { HOUR_MS } from "../../src/core/settlement/buckets.ts";
import { tokenKeyOf } from "../../src/core/redemption/record.ts";
import {
  totalsOf,
  type SettlementQuery,
  type SettlementTotal,
} from "../../src/core/settlement/report.ts";
import type { Ledger } from "../../src/ports/ledger.ts";
import type { SettlementStore } from "../../src/ports/settlement.ts";

export interface SettlementHarness {
  ledger: Ledger;
  settlements: SettlementStore;
}

interface Entry {
  carrier: string;
  provider: string;
  unit: string;
  credit_unit: string;
  debited: string;
  credited: string;
  /** ms after the run's base. */
  at: number;
}

const UNITS = ["gpu-second:h100-sxm", "gpu-second:a100-sxm"];
const HOURS = 48;
/** Each run commits in a window of its own: the ledger outlives the runs. */
const BASE = Date.UTC(2031, 0, 1);
const WINDOW = 30 * 86_400_000;

/** An instant of two days from a midnight, often on or next to an hour's (or a day's) edge. */
const instant = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 0, max: HOURS - 1 }),
      fc.constantFrom(0, 1, 999, 1000, HOUR_MS - 1000, HOUR_MS - 1),
    )
    .map(([hour, offset]) => hour * HOUR_MS + offset),
  fc.integer({ min: 0, max: HOURS * HOUR_MS - 1 }),
);

const amount = fc.bigInt({ min: 1n, max: 10n ** 24n }).map(formatAmount);

const entry: fc.Arbitrary<Entry> = fc.record({
  carrier: fc.constantFrom("carrier-a", "carrier-b"),
  provider: fc.constantFrom("edge-1", "edge-2"),
  unit: fc.constantFrom(...UNITS),
  credit_unit: fc.constantFrom("pflop", "inference-token:llm-large"),
  debited: amount,
  credited: amount,
  at: instant,
});

/** Periods around the entries' own instants and the buckets' edges, ± 1 ms. */
function periods(entries: Entry[]) {
  const near = fc
    .tuple(
      fc.oneof(
        instant,
        fc.integer({ min: -HOUR_MS, max: (HOURS + 1) * HOUR_MS }),
        ...(entries.length > 0 ? [fc.constantFrom(...entries.map((e) => e.at))] : []),
      ),
      fc.constantFrom(-1, 0, 1),
    )
    .map(([at, shift]) => at + shift);
  return fc.record({
    bounds: fc.tuple(near, near).map(([a, b]) => (a <= b ? [a, b] : [b, a])),
    carrier: fc.option(fc.constantFrom("carrier-a", "carrier-b"), { nil: undefined }),
    provider: fc.option(fc.constantFrom("edge-1", "edge-2"), { nil: undefined }),
  });
}

/** Spec §10.2 read literally: filter, group, sum exactly, sort by code point. */
function naiveTotals(entries: Entry[], query: SettlementQuery, base: number): SettlementTotal[] {
  const groups = new Map<string, SettlementTotal & { d: bigint; c: bigint }>();
  for (const e of entries) {
    const at = base + e.at;
    if (at < query.from || at >= query.to) continue;
    if (query.carrier !== undefined && e.carrier !== query.carrier) continue;
    if (query.provider !== undefined && e.provider !== query.provider) continue;
    const key = [e.carrier, e.provider, e.unit, e.credit_unit].join("\u0000");
    const group = groups.get(key) ?? {
      carrier: e.carrier,
      provider: e.provider,
      unit: e.unit,
      debited: "",
      credit_unit: e.credit_unit,
      credited: "",
      count: 0,
      d: 0n,
      c: 0n,
    };
    group.d += parseAmount(e.debited)!;
    group.c += parseAmount(e.credited)!;
    group.count++;
    groups.set(key, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, { d, c, ...total }]) => ({
      ...total,
      debited: formatAmount(d),
      credited: formatAmount(c),
    }));
}

/** Commits `e` at its instant through the ledger, as a redemption would. */
async function commit(ledger: Ledger, e: Entry, base: number, run: number, n: number) {
  const token = { iss: "https://tokens.carrier-a.example", jti: `settle-${run}-${e.unit}` };
  const tokenKey = tokenKeyOf(token);
  const now = base + e.at;
  const id = `rd.${tokenKey}.${`${run}x${n}`.padEnd(22, "A")}`;
  const outcome = await ledger.reserve({
    record: {
      id,
      tokenKey,
      token,
      sub: "acct-settle",
      carrier: e.carrier,
      provider: e.provider,
      status: "reserved",
      debited: { amount: e.debited, unit: e.unit },
      credited: { amount: e.credited, unit: e.credit_unit },
      tariff: {
        carrier: e.carrier,
        from: e.unit,
        provider: e.provider,
        to: e.credit_unit,
        rate: "1",
        valid_from: "2026-01-01T00:00:00Z",
      },
      created_at: new Date(now).toISOString(),
      expiresAt: now + 60_000,
      idempotencyKey: `k-${n}`,
      requestHash: `h-${n}`,
      receipt: "receipt",
    },
    faceValue: "1000000000000000000000000000",
    now,
  });
  expect(outcome.kind).toBe("reserved");
  expect((await ledger.commit(tokenKey, id, now))?.status).toBe("committed");
}

export function defineSettlementSuite(make: () => Promise<SettlementHarness>, numRuns: number) {
  describe("settlement reports from bucket totals (spec §10.2)", () => {
    it("equal the naive exact sum of the entries, for random entries and periods, to the millisecond", async () => {
      const { ledger, settlements } = await make();
      let run = 0;
      const cases = fc
        .array(entry, { maxLength: 12 })
        .chain((entries) =>
          fc.tuple(
            fc.constant(entries),
            fc.array(periods(entries), { minLength: 1, maxLength: 6 }),
          ),
        );
      await fc.assert(
        fc.asyncProperty(cases, async ([entries, queries]) => {
          run++;
          const base = BASE + run * WINDOW;
          for (const [n, e] of entries.entries()) await commit(ledger, e, base, run, n);
          for (const { bounds, carrier, provider } of queries) {
            const query: SettlementQuery = {
              from: base + bounds[0]!,
              to: base + bounds[1]!,
              ...(carrier !== undefined ? { carrier } : {}),
              ...(provider !== undefined ? { provider } : {}),
            };
            expect(totalsOf(await settlements.sums(query))).toEqual(
              naiveTotals(entries, query, base),
            );
          }
        }),
        { numRuns },
      );
    });
  });
}
