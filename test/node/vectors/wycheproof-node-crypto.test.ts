/**
 * The Wycheproof JWS vectors again, with the Node runtime's signature port
 * (`node:crypto`, the one `nodePorts` composes): it must judge every vector
 * exactly as Web Crypto does.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { nodeCryptoSignatures } from "../../../src/adapters/crypto/node-signatures.ts";
import { webCryptoSignatures } from "../../../src/adapters/crypto/web-crypto-signatures.ts";
import { ROOT } from "../../support/processes.ts";
import { judgeAll, type WycheproofFile } from "../../support/wycheproof.ts";

const file = JSON.parse(
  readFileSync(`${ROOT}test/vectors/wycheproof/json_web_signature_test.json`, "utf8"),
) as WycheproofFile;

describe("Wycheproof JWS vectors with the node:crypto signature port", () => {
  it("judges all 401 vectors as Web Crypto does", async () => {
    const webCrypto = await judgeAll(file, webCryptoSignatures);
    const nodeCrypto = await judgeAll(file, nodeCryptoSignatures);
    expect(nodeCrypto.filter((j) => j.expected !== j.actual)).toEqual([]);
    expect(nodeCrypto.map((j) => j.actual)).toEqual(webCrypto.map((j) => j.actual));
    expect(nodeCrypto.filter((j) => j.actual === "accepted").length).toBeGreaterThan(10);
  });
});
