import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, loadNetwork } from "./config.ts";

const demo = () =>
  JSON.parse(readFileSync(new URL("../../../config/demo/network.json", import.meta.url), "utf8"));
const demoPrivateKey = JSON.parse(
  readFileSync(
    new URL("../../../config/demo/keys/carrier-b.private.jwk.json", import.meta.url),
    "utf8",
  ),
);

function reasonOf(document: unknown): { pointer: string; reason: string } {
  try {
    loadNetwork(document);
  } catch (error) {
    if (error instanceof ConfigError) return { pointer: error.pointer, reason: error.reason };
    throw error;
  }
  throw new Error("the document was accepted");
}

describe("network configuration messages", () => {
  it("name a private key pasted into a carrier entry as such", () => {
    const document = demo();
    document.carriers[1].jwks.keys[0] = demoPrivateKey;
    expect(reasonOf(document)).toEqual({
      pointer: "/carriers/1/jwks/keys/0",
      reason:
        "holds private member d: a carrier entry takes public keys only (the output of `oct jwks`)",
    });
  });

  it("name the member the schema does not allow", () => {
    const document = demo();
    document.providers[0].colour = "blue";
    expect(reasonOf(document)).toEqual({
      pointer: "/providers/0",
      reason: "has a member the schema does not allow: colour",
    });
  });
});
