import { describe, expect, it } from "vitest";
import type { GrantLedger } from "../../ports/grant-ledger.ts";
import type { Peer } from "../network/peers.ts";
import type {
  GrantTermsRecord,
  HeldGrantRecord,
  IssuedGrantRecord,
} from "../federation/records.ts";
import { grantsShown, homeShown, INSPECT_GRANT_LIMIT } from "./home.ts";

const HOME = "https://gw.carrier-a.example";
const VISITED = "https://gw.carrier-b.example";
const NOW = Date.UTC(2026, 11, 1, 10, 1);
const peer = { id: HOME, url: `${HOME}/`, inlineKeys: new Map() } satisfies Peer;

const terms: GrantTermsRecord = {
  id: "gt.k.1",
  home: HOME,
  visited: VISITED,
  token: { iss: "https://tokens.carrier-a.example", jti: "t-1" },
  unit: "gpu-second:h100-sxm",
  faceValue: "1000",
  amount: "400",
  issuedAt: Date.UTC(2026, 11, 1, 10, 0),
  validUntil: Date.UTC(2026, 11, 1, 10, 5),
  reportBy: Date.UTC(2026, 11, 1, 10, 10),
  request: "gr.1",
};
const issued: IssuedGrantRecord = {
  terms,
  fingerprint: "f",
  status: "open",
  reported: { seq: 1, used: "120", final: false },
};
const held: HeldGrantRecord = {
  terms,
  status: "closing",
  committed: "160",
  reserved: "0",
  lastDrawnAt: terms.issuedAt,
  acknowledged: { seq: 1, used: "120" },
  pending: { seq: 2, used: "160", final: true },
};

/** A grant ledger that lists one grant of each side and records what it was asked. */
function listing() {
  const asked: unknown[][] = [];
  const ledger = {
    latestIssuedGrants: async (...args: unknown[]) => (asked.push(["issued", ...args]), [issued]),
    latestHeldGrants: async (...args: unknown[]) => (asked.push(["held", ...args]), [held]),
  } as unknown as GrantLedger;
  return { ledger, asked };
}

const entry = {
  id: "gt.k.1",
  home: HOME,
  visited: VISITED,
  token: terms.token,
  amount: { amount: "400", unit: "gpu-second:h100-sxm" },
  issued_at: "2026-12-01T10:00:00Z",
  valid_until: "2026-12-01T10:05:00Z",
  report_by: "2026-12-01T10:10:00Z",
};

describe("where an inspected token's balance lives (spec §7.12, §11.2)", () => {
  it("none, here with this gateway's id, or the peer with its configured URL", () => {
    expect(homeShown({ kind: "none" }, VISITED)).toEqual({ kind: "none" });
    expect(homeShown({ kind: "here" }, HOME)).toEqual({ kind: "here", id: HOME });
    expect(homeShown({ kind: "peer", peer }, VISITED)).toEqual({
      kind: "peer",
      id: HOME,
      url: `${HOME}/`,
    });
  });
});

describe("an inspected token's grants (spec §7.12)", () => {
  it("at the home: the grants it issued, at most 20, with the last report's used and seq", async () => {
    const { ledger, asked } = listing();
    expect(await grantsShown({ kind: "here" }, "k", ledger, NOW)).toEqual([
      { ...entry, used: { amount: "120", unit: "gpu-second:h100-sxm" }, seq: 1, status: "open" },
    ]);
    expect(asked).toEqual([["issued", "k", INSPECT_GRANT_LIMIT, NOW]]);
    expect(INSPECT_GRANT_LIMIT).toBe(20);
  });

  it("at a visited gateway: the grants it holds, with what it committed and the last report it sent", async () => {
    const { ledger, asked } = listing();
    expect(await grantsShown({ kind: "peer", peer }, "k", ledger, NOW)).toEqual([
      { ...entry, used: { amount: "160", unit: "gpu-second:h100-sxm" }, seq: 2, status: "closing" },
    ]);
    expect(asked).toEqual([["held", "k", INSPECT_GRANT_LIMIT]]);
  });

  it("none listed for a token without a home; an empty list where the gateway does not federate", async () => {
    const { ledger, asked } = listing();
    expect(await grantsShown({ kind: "none" }, "k", ledger, NOW)).toBeUndefined();
    expect(asked).toEqual([]);
    expect(await grantsShown({ kind: "here" }, "k", undefined, NOW)).toEqual([]);
  });
});
