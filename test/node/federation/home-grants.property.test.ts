/**
 * The home's grant and usage state machine as its ledger runs it (spec
 * §11.5 step 7, §11.6), property-tested with fast-check on the Node ledger
 * (in-memory SQLite): random histories of grant requests (new ones and
 * retries of earlier ones), usage reports around each grant's last one
 * (replays, conflicts, reports above the grant or below the last, final
 * ones, late ones), and time passing each grant's report_by. After every
 * step the ledger agrees with a model written here from the spec's rules,
 * not from the core's functions: each answer or refusal code, each grant's
 * status and last report, and the token's committed and held amounts, which
 * never exceed the face value; a refusal changes nothing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAmount, parseAmount } from "../../../src/core/amount/decimal.ts";
import { grantIdFor } from "../../../src/core/federation/ids.ts";
import { tokenKeyOf } from "../../../src/core/redemption/record.ts";
import { nodePorts } from "../../../src/runtime/node-ports.ts";
import { testKeys, testNetwork, NOW_SECONDS } from "../../support/network.ts";

const UNIT = 10n ** 18n;
const START = NOW_SECONDS * 1000;
const SETTINGS = { grant_ttl_seconds: 60, report_window_seconds: 30 };
const TOKEN_EXP = START + 3_600_000;
const VISITED = ["https://gw.carrier-b.example", "https://gw.carrier-c.example"];

/** A grant as the spec's rules have it. */
interface ModelGrant {
  id: string;
  visited: string;
  request: string;
  amount: bigint;
  reportBy: number;
  status: "open" | "closed" | "lapsed";
  last: { seq: number; used: bigint; final: boolean };
}

type Step =
  | { op: "ask"; visited: number; amount: number; min: number; retry: number | null }
  | { op: "report"; grant: number; seq: number; used: number; final: boolean; replay: boolean }
  | { op: "wait"; seconds: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("ask" as const),
      visited: fc.nat(1),
      amount: fc.integer({ min: 1, max: 12 }),
      min: fc.integer({ min: 1, max: 12 }),
      // Some requests are retries of an earlier one (the same request id).
      retry: fc.option(fc.nat(5), { freq: 3 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("report" as const),
      grant: fc.nat(5),
      // Relative to the grant's last report: before it, the same, the next, or later.
      seq: fc.integer({ min: -1, max: 2 }),
      used: fc.integer({ min: -2, max: 6 }),
      final: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      replay: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("wait" as const),
      seconds: fc.integer({ min: 1, max: 120 }),
    }),
  },
);

/** Spec §11.6 step 5, in its order, with lapse (§11.6 "Lapse") applied first. */
function modelReport(
  grant: ModelGrant,
  report: { seq: number; used: bigint; final: boolean },
  now: number,
): { code: string } | { kind: "replay" | "applied"; grant: ModelGrant } {
  const g: ModelGrant =
    grant.status === "open" && now >= grant.reportBy ? { ...grant, status: "lapsed" } : grant;
  const last = g.last;
  if (report.used > g.amount) return { code: "usage_invalid" };
  if (report.seq === last.seq && report.used === last.used && report.final === last.final)
    return { kind: "replay", grant: g };
  if (report.seq <= last.seq) return { code: "usage_conflict" };
  if (g.status === "closed") return { code: "usage_conflict" };
  if (report.used < last.used) return { code: "usage_invalid" };
  if (g.status === "lapsed" && !report.final) return { code: "grant_lapsed" };
  return {
    kind: "applied",
    grant: { ...g, status: report.final ? "closed" : g.status, last: report },
  };
}

/** What the home counts: committed (used, or all of a lapsed grant) and held (the rest of an open one). */
function modelBalance(grants: ModelGrant[], now: number) {
  let committed = 0n;
  let held = 0n;
  for (const grant of grants) {
    const lapsed = grant.status === "lapsed" || (grant.status === "open" && now >= grant.reportBy);
    if (lapsed) committed += grant.amount;
    else committed += grant.last.used;
    if (grant.status === "open" && !lapsed) held += grant.amount - grant.last.used;
  }
  return { committed, held };
}

const codeOf = (error: unknown) => (error as { code?: string }).code ?? String(error);

describe("the home's grants and usage reports on its ledger (spec §11.5, §11.6)", () => {
  it("random histories: every answer as the spec's rules say, nothing beyond the face value", async () => {
    const keys = await testKeys();
    let tokens = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 5, max: 40 }),
        fc.array(step, { minLength: 1, maxLength: 30 }),
        async (faceUnits, history) => {
          const ports = nodePorts({ network: testNetwork(keys), dbPath: ":memory:" });
          const { ledger } = ports;
          const token = { iss: "https://tokens.carrier-a.example", jti: `t-${++tokens}` };
          const tokenKey = tokenKeyOf(token);
          const face = BigInt(faceUnits) * UNIT;
          const identity = {
            tokenKey,
            token,
            faceValue: String(faceUnits),
            unit: "gpu-second:h100-sxm",
          };
          let now = START;
          const grants: ModelGrant[] = [];
          const requests: { visited: string; id: string; amount: number; min: number }[] = [];
          const trail: string[] = [];

          const check = async () => {
            const expected = modelBalance(grants, now);
            const balance = await ledger.balance(tokenKey, now);
            expect(
              { committed: parseAmount(balance.committed), held: parseAmount(balance.reserved) },
              trail.join("\n"),
            ).toEqual(expected);
            expect(expected.committed + expected.held).toBeLessThanOrEqual(face);
            for (const grant of grants) {
              const record = await ledger.issuedGrant(tokenKey, grant.id, now);
              const status =
                grant.status === "open" && now >= grant.reportBy ? "lapsed" : grant.status;
              expect(
                { status: record?.status, reported: record?.reported },
                `${grant.id}\n${trail.join("\n")}`,
              ).toEqual({
                status,
                reported: {
                  seq: grant.last.seq,
                  used: formatAmount(grant.last.used),
                  final: grant.last.final,
                },
              });
            }
          };

          for (const s of history) {
            if (s.op === "wait") {
              now += s.seconds * 1000;
              trail.push(`wait ${s.seconds} s`);
            } else if (s.op === "ask") {
              const earlier = s.retry !== null ? requests[s.retry] : undefined;
              const request = earlier ?? {
                visited: VISITED[s.visited]!,
                id: `gr.${requests.length}`,
                amount: s.amount,
                min: Math.min(s.min, s.amount),
              };
              if (!earlier) requests.push(request);
              const id = await grantIdFor(tokenKey, request.visited, request.id);
              const known = grants.find((grant) => grant.id === id);
              const available =
                face - Object.values(modelBalance(grants, now)).reduce((a, b) => a + b, 0n);
              const asked = BigInt(request.amount) * UNIT;
              const amount = asked < available ? asked : available;
              trail.push(
                `ask ${request.id} ${request.amount} (at least ${request.min}) at ${now - START}`,
              );
              let answer: string;
              try {
                const outcome = await ledger.issueGrant({
                  identity,
                  terms: {
                    id,
                    home: "https://gw.carrier-a.example",
                    visited: request.visited,
                    token,
                    unit: identity.unit,
                    faceValue: identity.faceValue,
                    request: request.id,
                  },
                  fingerprint: `fp-${request.id}`,
                  ask: { amount: asked, minAmount: BigInt(request.min) * UNIT },
                  tokenExp: TOKEN_EXP,
                  settings: SETTINGS,
                  now,
                });
                answer = outcome.kind;
                if (outcome.kind === "issued") {
                  expect(parseAmount(outcome.record.terms.amount)).toBe(amount);
                  const validUntil = Math.floor((now + 60_000) / 1000) * 1000;
                  expect(outcome.record.terms).toMatchObject({
                    validUntil,
                    reportBy: validUntil + 30_000,
                  });
                  grants.push({
                    id,
                    visited: request.visited,
                    request: request.id,
                    amount,
                    reportBy: validUntil + 30_000,
                    status: "open",
                    last: { seq: 0, used: 0n, final: false },
                  });
                }
              } catch (error) {
                answer = codeOf(error);
              }
              // A retry gets the grant issued the first time; a new request min(asked,
              // available) if that is at least its least, else insufficient_balance.
              const expected = known
                ? "existing"
                : amount >= BigInt(request.min) * UNIT
                  ? "issued"
                  : "insufficient_balance";
              expect(answer, trail.join("\n")).toBe(expected);
            } else {
              const grant = grants[s.grant % Math.max(grants.length, 1)];
              if (!grant) continue;
              const index = grants.indexOf(grant);
              const report = s.replay
                ? grant.last
                : {
                    seq: Math.max(0, grant.last.seq + s.seq),
                    used: grant.last.used + BigInt(s.used) * UNIT,
                    final: s.final,
                  };
              if (report.used < 0n) continue;
              trail.push(
                `report ${grant.id.slice(-4)} seq ${report.seq} used ${formatAmount(report.used)}${report.final ? " final" : ""} at ${now - START}`,
              );
              const expected = modelReport(grant, report, now);
              let answer: string;
              try {
                const { record, replay } = await ledger.applyUsage(tokenKey, grant.id, report, now);
                answer = "applied";
                expect(replay).toBe("kind" in expected && expected.kind === "replay");
                expect(record.reported.seq).toBe(report.seq);
              } catch (error) {
                answer = codeOf(error);
              }
              expect(answer, trail.join("\n")).toBe("code" in expected ? expected.code : "applied");
              if ("grant" in expected) grants[index] = expected.grant;
            }
            await check();
          }
          ports.close();
        },
      ),
      { numRuns: 200 },
    );
  });
});
