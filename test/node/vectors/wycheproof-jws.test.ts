import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { webCryptoSignatures } from "../../../src/adapters/crypto/web-crypto-signatures.ts";
import { ROOT } from "../../support/processes.ts";
import { judgeAll, type WycheproofFile } from "../../support/wycheproof.ts";

const file = JSON.parse(
  readFileSync(`${ROOT}test/vectors/wycheproof/json_web_signature_test.json`, "utf8"),
) as WycheproofFile;

describe("Wycheproof JWS vectors (json_web_signature_test.json)", () => {
  it("every invalid vector is refused, every valid one accepted or refused by the algorithm profile", async () => {
    const judgements = await judgeAll(file, webCryptoSignatures);
    expect(judgements.length).toBe(401);
    const wrong = judgements.filter((j) => j.expected !== j.actual);
    expect(wrong).toEqual([]);
    // the run is meaningful: some vectors of each kind
    const accepted = judgements.filter((j) => j.actual === "accepted");
    expect(accepted.length).toBeGreaterThan(10);
    expect(judgements.filter((j) => j.actual === "refused:alg_not_allowed").length).toBeGreaterThan(
      10,
    );
  });
});
