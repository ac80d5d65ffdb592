import { describe, expect, it } from "vitest";
import { loadNetwork } from "../network/config.ts";
import { partyOf, requireOperator, withinReach, type Party } from "./party.ts";

const jwks = {
  keys: [
    {
      kty: "OKP",
      crv: "Ed25519",
      x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
      kid: "k1",
      alg: "EdDSA",
    },
  ],
};
const network = loadNetwork({
  gateway: { id: "https://gw.example", operators: [{ id: "ops", jwks }] },
  carriers: [
    {
      id: "carrier-a",
      issuer: "https://a.example",
      jwks,
      algorithms: ["EdDSA"],
      status: "active",
    },
  ],
  providers: [
    { id: "edge", adapter: "ledger", units: ["pflop"], jwks },
    { id: "keyless", adapter: "ledger", units: ["pflop"] },
  ],
  tariffs: [],
});

describe("parties (spec §7.13)", () => {
  it("are named by kind and id, with their own algorithms", () => {
    expect(partyOf(network, "carrier:carrier-a")).toMatchObject({
      kind: "carrier",
      id: "carrier-a",
      algorithms: ["EdDSA"],
    });
    expect(partyOf(network, "provider:edge")?.algorithms).toContain("ES256");
    expect(partyOf(network, "operator:ops")?.kind).toBe("operator");
  });

  it.each([
    "carrier-a",
    "carrier:Carrier-A",
    "carrier:unknown",
    "provider:keyless",
    "operator:carrier-a",
    "provider:carrier-a",
    " carrier:carrier-a",
  ])("%j names none that can authenticate", (reference) => {
    expect(partyOf(network, reference)).toBeUndefined();
  });

  it("a reference that is not a string names none", () => {
    expect(partyOf(network, 42)).toBeUndefined();
    expect(partyOf(network, undefined)).toBeUndefined();
  });

  const carrier = partyOf(network, "carrier:carrier-a")!;
  const provider = partyOf(network, "provider:edge")!;
  const operator = partyOf(network, "operator:ops")!;

  it("reach: a carrier and a provider are held to their own id, an operator to nothing", () => {
    expect(withinReach(carrier, {})).toEqual({ carrier: "carrier-a" });
    expect(withinReach(carrier, { provider: "edge" })).toEqual({
      carrier: "carrier-a",
      provider: "edge",
    });
    expect(withinReach(provider, { carrier: "x" })).toEqual({ carrier: "x", provider: "edge" });
    expect(withinReach(operator, { carrier: "x" })).toEqual({ carrier: "x" });
  });

  it.each([
    ["a carrier naming another carrier", () => withinReach(carrier, { carrier: "carrier-b" })],
    ["a provider naming another provider", () => withinReach(provider, { provider: "keyless" })],
    ["a carrier asking for the metrics", () => requireOperator(carrier, "the metrics")],
    ["a provider asking for the metrics", () => requireOperator(provider as Party, "the metrics")],
  ])("refuses %s with party_forbidden", (_, ask) => {
    expect(ask).toThrow(expect.objectContaining({ code: "party_forbidden" }));
  });
});
