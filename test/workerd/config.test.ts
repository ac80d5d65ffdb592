/**
 * The network configuration's messages inside workerd, where the Worker
 * checks OCT_CONFIG: the same words as on Node.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, loadNetwork } from "../../src/core/network/config.ts";
import demo from "../../config/demo/network.json" with { type: "json" };
import privateKey from "../../config/demo/keys/carrier-b.private.jwk.json" with { type: "json" };

describe("network configuration in workerd", () => {
  it("names a private key pasted into a carrier entry as such", () => {
    const document = structuredClone(demo) as { carriers: { jwks: { keys: unknown[] } }[] };
    document.carriers[1]!.jwks.keys[0] = privateKey;
    let error: unknown;
    try {
      loadNetwork(document);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'network configuration: at "/carriers/1/jwks/keys/0": holds private member d: a carrier entry takes public keys only (the output of `oct jwks`)',
    );
  });
});
