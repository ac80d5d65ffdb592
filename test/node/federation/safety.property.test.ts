/**
 * The safety argument of spec §11.10, checked on the pure core with
 * fast-check: a model of one token's home and several visited gateways,
 * driven by the core's own decisions (decideGrant, applyUsage, lapsed,
 * pickGrant, grantAsk, closeReason, reportDue, ...), under random
 * redemptions, message loss, duplication, reordering and delay, crashes that
 * lose what was in flight, and clocks that disagree by up to the skew.
 * After every step the gateways together have committed at most the face
 * value, and every grant's count at the home covers what its visited
 * gateway committed; once everything is delivered and past report_by, the
 * home and the visited gateways agree on every grant.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OctError } from "../../../src/core/errors.ts";
import {
  acknowledge,
  closeGrant,
  closeReason,
  grantAsk,
  pickGrant,
  reportDue,
  type HeldGrant,
} from "../../../src/core/federation/held-grant.ts";
import {
  applyUsage,
  countedOf,
  decideGrant,
  lapsed,
  newIssuedGrant,
  type IssuedGrant,
  type UsageReport,
} from "../../../src/core/federation/issued-grant.ts";
import { DEFAULT_FEDERATION, type Federation } from "../../../src/core/network/peers.ts";

const UNIT = 10n ** 18n;
const START = 1_900_000_000_000;
const SKEW_MS = 60_000;

type Message =
  | { to: "home"; from: number; kind: "request"; jti: string; amount: bigint; min: bigint }
  | { to: "home"; from: number; kind: "usage"; grant: string; report: UsageReport }
  | { to: number; kind: "grant"; jti: string; grant: IssuedGrant }
  | { to: number; kind: "denied"; jti: string }
  | { to: number; kind: "ack"; grant: string; report: UsageReport }
  | { to: number; kind: "refused"; grant: string; code: string };

interface Visited {
  /** Its clock runs this far from the true one (within the skew). */
  offset: number;
  grants: HeldGrant[];
  /** Grant requests recorded before they were sent (spec §11.9): retried with the same jti. */
  asking: Map<string, { amount: bigint; min: bigint }>;
  lastDebit: bigint;
  /** Killed: serves nothing, runs no timers, receives nothing, until restarted. */
  down: boolean;
}

interface World {
  now: number;
  face: bigint;
  settings: Federation;
  /** The home's own redemptions. */
  homeCommitted: bigint;
  homeGrants: Map<string, IssuedGrant>;
  /** (visited, request jti) -> grant id: a retried request gets the same grant. */
  requests: Map<string, string>;
  visited: Visited[];
  inFlight: Message[];
  nextId: number;
}

type Action =
  | { type: "redeem"; at: number; debit: bigint }
  | { type: "redeemAtHome"; debit: bigint }
  | { type: "deliver"; index: number }
  | { type: "duplicate"; index: number }
  | { type: "drop"; index: number }
  | { type: "crash"; at: number }
  | { type: "restart"; at: number }
  | { type: "tick"; ms: number };

const localNow = (world: World, v: Visited) => world.now + v.offset;

/** The home's view, lapsed grants lapsed as any read of the identity would (spec §11.6). */
function homeGrant(world: World, id: string): IssuedGrant {
  const grant = lapsed(world.homeGrants.get(id)!, world.now);
  world.homeGrants.set(id, grant);
  return grant;
}

function available(world: World): bigint {
  let held = 0n;
  for (const id of world.homeGrants.keys()) held += countedOf(homeGrant(world, id));
  return world.face - world.homeCommitted - held;
}

function send(world: World, message: Message) {
  world.inFlight.push(message);
}

/** The home receives a message (spec §11.5, §11.6). */
function atHome(world: World, message: Extract<Message, { to: "home" }>) {
  if (message.kind === "request") {
    const key = `${message.from}/${message.jti}`;
    let id = world.requests.get(key);
    if (id === undefined) {
      let decision;
      try {
        decision = decideGrant(
          { amount: message.amount, minAmount: message.min },
          available(world),
          world.now,
          Number.MAX_SAFE_INTEGER,
          world.settings,
        );
      } catch (error) {
        if ((error as OctError).code !== "insufficient_balance") throw error;
        send(world, { to: message.from, kind: "denied", jti: message.jti });
        return;
      }
      id = `g${world.nextId++}`;
      world.homeGrants.set(id, newIssuedGrant(id, String(message.from), decision));
      world.requests.set(key, id);
    }
    send(world, { to: message.from, kind: "grant", jti: message.jti, grant: homeGrant(world, id) });
    return;
  }
  const grant = homeGrant(world, message.grant);
  // Only the audience's signed reports reach applyUsage (spec §11.6 step 4, tested elsewhere).
  expect(grant.visited).toBe(String(message.from));
  try {
    const outcome = applyUsage(grant, message.report);
    world.homeGrants.set(grant.id, outcome.grant);
    send(world, { to: message.from, kind: "ack", grant: grant.id, report: message.report });
  } catch (error) {
    if (!(error instanceof OctError)) throw error;
    send(world, { to: message.from, kind: "refused", grant: grant.id, code: error.code });
  }
}

/** A visited gateway receives a message (spec §11.9). */
function atVisited(world: World, v: Visited, message: Exclude<Message, { to: "home" }>) {
  if (message.kind === "denied") {
    v.asking.delete(message.jti);
    return;
  }
  if (message.kind === "grant") {
    // A grant answers a recorded request, and is stored once.
    if (!v.asking.delete(message.jti)) {
      if (!v.grants.some((g) => g.id === message.grant.id)) {
        // Recovery found a grant for a request it had given up on: close it at once.
        v.grants.push(closeGrant(heldOf(world, v, message.grant)));
      }
      return;
    }
    v.grants.push(heldOf(world, v, message.grant));
    return;
  }
  const index = v.grants.findIndex((g) => g.id === message.grant);
  const grant = v.grants[index]!;
  if (message.kind === "ack") {
    const pending = grant.pending;
    if (pending && pending.seq === message.report.seq)
      v.grants[index] = acknowledge(grant, pending);
    return;
  }
  // Refused: the home counted the grant as lapsed; close it and send the final report.
  if (message.code === "grant_lapsed" && grant.status === "open") {
    v.grants[index] = closeGrant({ ...grant, pending: undefined });
  }
}

function heldOf(world: World, v: Visited, grant: IssuedGrant): HeldGrant {
  return {
    id: grant.id,
    amount: grant.amount,
    validUntil: grant.validUntil,
    reportBy: grant.reportBy,
    committed: 0n,
    reserved: 0n,
    lastDrawnAt: localNow(world, v),
    status: "open",
    acknowledged: { seq: 0, used: 0n },
  };
}

/** What a visited gateway does on its timers: close, report, retry requests. */
function housekeeping(world: World, index: number) {
  const v = world.visited[index]!;
  if (v.down) return;
  const now = localNow(world, v);
  v.grants = v.grants.map((grant) => {
    let next = grant;
    if (closeReason(next, now, v.lastDebit || 1n, world.settings)) next = closeGrant(next);
    const due = reportDue(next, world.settings);
    if (due) {
      next = { ...next, pending: due };
      send(world, { to: "home", from: index, kind: "usage", grant: next.id, report: due });
    }
    return next;
  });
  for (const [jti, ask] of v.asking) {
    send(world, {
      to: "home",
      from: index,
      kind: "request",
      jti,
      amount: ask.amount,
      min: ask.min,
    });
  }
}

function step(world: World, action: Action) {
  switch (action.type) {
    case "redeem": {
      const v = world.visited[action.at % world.visited.length]!;
      if (v.down) return;
      const now = localNow(world, v);
      v.lastDebit = action.debit;
      const grant = pickGrant(v.grants, action.debit, now, 0);
      if (grant) {
        // Reserve and commit in one step: reservations are the ledger's, tested with it.
        v.grants = v.grants.map((g) =>
          g === grant ? { ...g, committed: g.committed + action.debit, lastDrawnAt: now } : g,
        );
      } else if (v.asking.size === 0) {
        const ask = grantAsk(action.debit, world.face, world.settings);
        const jti = `r${world.nextId++}`;
        v.asking.set(jti, { amount: ask.amount, min: ask.minAmount });
        const from = action.at % world.visited.length;
        send(world, {
          to: "home",
          from,
          kind: "request",
          jti,
          amount: ask.amount,
          min: ask.minAmount,
        });
      }
      return;
    }
    case "redeemAtHome":
      if (action.debit <= available(world)) world.homeCommitted += action.debit;
      return;
    case "deliver":
    case "duplicate": {
      if (world.inFlight.length === 0) return;
      const i = action.index % world.inFlight.length;
      const message = world.inFlight[i]!;
      if (action.type === "deliver") world.inFlight.splice(i, 1);
      if (message.to === "home") atHome(world, message);
      else if (!world.visited[message.to]!.down)
        atVisited(world, world.visited[message.to]!, message);
      return;
    }
    case "drop":
      if (world.inFlight.length > 0) world.inFlight.splice(action.index % world.inFlight.length, 1);
      return;
    case "crash": {
      // Everything durable survives (grants, pending reports, recorded requests); what
      // was in flight to or from the gateway is lost, and it stays down until restarted.
      const at = action.at % world.visited.length;
      world.visited[at]!.down = true;
      world.inFlight = world.inFlight.filter(
        (m) => m.to !== at && !(m.to === "home" && m.from === at),
      );
      return;
    }
    case "restart":
      world.visited[action.at % world.visited.length]!.down = false;
      return;
    case "tick":
      world.now += action.ms;
      world.visited.forEach((_, i) => housekeeping(world, i));
  }
}

/** Spec §11.10: the sum over gateways never exceeds F, and V(g) <= H(g) for every grant. */
function checkInvariant(world: World) {
  let total = world.homeCommitted;
  for (const v of world.visited) {
    for (const grant of v.grants) {
      total += grant.committed;
      const home = homeGrant(world, grant.id);
      expect(grant.committed).toBeLessThanOrEqual(countedOf(home));
    }
  }
  expect(total).toBeLessThanOrEqual(world.face);
  expect(available(world)).toBeGreaterThanOrEqual(0n);
}

/** Deliver everything, past every report_by, until nothing moves: then both sides agree. */
function settle(world: World) {
  for (const v of world.visited) v.down = false;
  for (let round = 0; round < 50; round++) {
    step(world, { type: "tick", ms: 700_000 });
    while (world.inFlight.length > 0) step(world, { type: "deliver", index: 0 });
    checkInvariant(world);
  }
  let spent = world.homeCommitted;
  for (const v of world.visited) {
    expect(v.asking.size).toBe(0);
    for (const grant of v.grants) {
      expect(grant.status).toBe("closed");
      const home = homeGrant(world, grant.id);
      expect({ id: grant.id, status: home.status, counted: countedOf(home) }).toEqual({
        id: grant.id,
        status: "closed",
        counted: grant.committed,
      });
      spent += grant.committed;
    }
  }
  // Every grant the home issued reached its visited gateway, or was closed on recovery.
  expect(world.face - available(world)).toBe(spent);
}

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant("redeem" as const),
      at: fc.nat(),
      debit: fc.bigInt({ min: 1n, max: 40n * UNIT }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("redeemAtHome" as const),
      debit: fc.bigInt({ min: 1n, max: 40n * UNIT }),
    }),
  },
  { weight: 6, arbitrary: fc.record({ type: fc.constant("deliver" as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("duplicate" as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("drop" as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("crash" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("restart" as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("tick" as const),
      ms: fc.integer({ min: 1, max: 700_000 }),
    }),
  },
);

const scenario = fc.record({
  face: fc.bigInt({ min: 1n, max: 1000n * UNIT }),
  gateways: fc.integer({ min: 1, max: 3 }),
  offsets: fc.array(fc.integer({ min: -SKEW_MS, max: SKEW_MS }), { minLength: 3, maxLength: 3 }),
  prefetch: fc.integer({ min: 1, max: 20 }),
  threshold: fc.integer({ min: 1, max: 100 }),
  actions: fc.array(action, { maxLength: 300 }),
});

describe("federation safety (spec §11.10), on the pure core", () => {
  it("never commits more than the face value across gateways, and settles to agreement", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const world: World = {
          now: START,
          face: s.face,
          settings: {
            ...DEFAULT_FEDERATION,
            prefetch_factor: s.prefetch,
            report_threshold_percent: s.threshold,
          },
          homeCommitted: 0n,
          homeGrants: new Map(),
          requests: new Map(),
          visited: Array.from({ length: s.gateways }, (_, i) => ({
            offset: s.offsets[i]!,
            grants: [],
            asking: new Map(),
            lastDebit: 0n,
            down: false,
          })),
          inFlight: [],
          nextId: 0,
        };
        for (const a of s.actions) {
          step(world, a);
          checkInvariant(world);
        }
        settle(world);
      }),
      { numRuns: 300 },
    );
  });

  it("replayed, reordered and duplicated reports never lower a grant below what was committed", () => {
    // One honest visited trajectory, its reports delivered by an adversary in any order,
    // any number of times, with lapses in between.
    const trajectory = fc
      .array(fc.bigInt({ min: 0n, max: 50n * UNIT }), { minLength: 1, maxLength: 10 })
      .map((steps) => {
        let used = 0n;
        return steps.map((s) => (used += s));
      });
    fc.assert(
      fc.property(
        trajectory,
        fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 40 }),
        (cumulative, deliveries) => {
          const amount = cumulative[cumulative.length - 1]! + 1n;
          let grant = newIssuedGrant("g", "v", {
            amount,
            validUntil: START + 300_000,
            reportBy: START + 600_000,
          });
          const reports: UsageReport[] = cumulative.map((used, i) => ({
            seq: i + 1,
            used,
            final: i === cumulative.length - 1,
          }));
          let now = START;
          let sent = 0;
          for (const [pick, lapse] of deliveries) {
            if (lapse) now += 300_000;
            // The visited gateway has committed at least what it has reported so far.
            sent = Math.max(sent, (pick % reports.length) + 1);
            const committed = reports[sent - 1]!.used;
            grant = lapsed(grant, now);
            const before = structuredClone(grant);
            try {
              grant = applyUsage(grant, reports[pick % reports.length]!).grant;
            } catch (error) {
              expect(error).toBeInstanceOf(OctError);
              expect(grant).toEqual(before);
            }
            expect(countedOf(grant)).toBeGreaterThanOrEqual(committed);
            expect(grant.reported.used).toBeGreaterThanOrEqual(before.reported.used);
            if (before.status === "closed") expect(grant).toEqual(before);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
