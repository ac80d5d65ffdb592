/**
 * @module The Wycheproof JWS vectors (`test/vectors/wycheproof/`,
 * C2SP/wycheproof at dac1dd47…) judged by our JOSE layer. Shared by the Node
 * and workerd tests, which load the file each their own way.
 */
import { verifyJws } from "../../src/core/token/signature.ts";
import type { SignatureVerifier } from "../../src/ports/signatures.ts";
import { isAllowedAlgorithm } from "../../src/core/token/header.ts";

interface Vector {
  tcId: number;
  comment: string;
  jws: unknown;
  result: "valid" | "invalid";
  flags: string[];
}
interface Group {
  comment: string;
  public?: Record<string, unknown>;
  private?: Record<string, unknown>;
  tests: Vector[];
}
export interface WycheproofFile {
  testGroups: Group[];
}

// Data quirks documented in the vectors' README: 372 and 373 contain "?" yet
// are labelled valid. Our parser refuses them (token_malformed), as it must.
const LABELLED_VALID_BUT_MALFORMED = new Set([372, 373]);

export interface Judgement {
  tcId: number;
  group: string;
  expected: string;
  actual: string;
}

function headerAlg(jws: unknown): unknown {
  if (typeof jws !== "string") return undefined;
  try {
    return JSON.parse(atob(jws.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/"))).alg;
  } catch {
    return undefined;
  }
}

/**
 * For each vector, what our layer should answer and what it did:
 * invalid → any refusal; valid with an allowed alg → accepted; valid with
 * an alg outside the profile → alg_not_allowed.
 */
export async function judgeAll(
  file: WycheproofFile,
  signatures: SignatureVerifier,
): Promise<Judgement[]> {
  const judgements: Judgement[] = [];
  for (const group of file.testGroups) {
    const key = group.public ?? group.private;
    for (const vector of group.tests) {
      let actual: string;
      try {
        await verifyJws(vector.jws, key, { maxBytes: 16384, signatures });
        actual = "accepted";
      } catch (error) {
        const code = (error as { code?: string }).code;
        actual = code ? `refused:${code}` : `crashed:${String(error)}`;
      }
      let expected: string;
      if (vector.result === "invalid")
        expected = actual.startsWith("refused:") ? actual : "refused:*";
      else if (LABELLED_VALID_BUT_MALFORMED.has(vector.tcId)) expected = "refused:token_malformed";
      else if (isAllowedAlgorithm(headerAlg(vector.jws))) expected = "accepted";
      else expected = "refused:alg_not_allowed";
      judgements.push({ tcId: vector.tcId, group: group.comment, expected, actual });
    }
  }
  return judgements;
}
