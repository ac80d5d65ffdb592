/**
 * @module Grant reports (`spec/oct.md` §11.8): the grants a gateway issued
 * or holds in a period, signed as settlement reports are (a JWS over the JCS
 * form of the report without `signature`, `typ` `oct-grant-report+jwt`), and
 * their verification by any party that has the gateway's public keys.
 */
import { compactVerify } from "jose";
import type { GrantReport, GrantReportEntry } from "../../generated/types.ts";
import { validateGrantReport } from "../../generated/validators.js";
import { OctError } from "../errors.ts";
import type { PrivateJwk } from "../signing/keys.ts";
import { canonicalJson } from "../json/canonical.ts";
import type { PublicJwk } from "../keys/jwk.ts";
import { signGatewayJws } from "../receipt/sign.ts";
import { schemaErrors } from "../validation.ts";
import { importFittingKey, readSignedJws } from "./verify-document.ts";

export const GRANT_REPORT_TYPE = "oct-grant-report+jwt";

export type { GrantReport, GrantReportEntry };

/** Reports may be long; a signature over one is a few hundred octets. */
const SIGNATURE_MAX_BYTES = 65_536;

/**
 * The signed report, its grants sorted by id (code-point order; ids are ASCII).
 *
 * @example
 * const report = await signGrantReport({ gateway, period, generated_at, grants }, key);
 */
export async function signGrantReport(
  report: Omit<GrantReport, "signature">,
  key: PrivateJwk,
): Promise<GrantReport> {
  const sorted = { ...report, grants: [...report.grants].sort((a, b) => compare(a.id, b.id)) };
  const signature = await signGatewayJws(canonicalJson(sorted), key, GRANT_REPORT_TYPE);
  return { ...sorted, signature };
}

/** A gateway as a report's verifier knows it: its id and its public keys by kid. */
export interface ReportSigner {
  id: string;
  keys: Map<string, PublicJwk>;
}

/**
 * Verifies a grant report: its signature with the named gateway's keys, the
 * signed payload equal to the report, the gateway the expected one, and the
 * schema. Refusals are `peer_signature_invalid` (not this gateway's
 * signature over this report) or `document_invalid` (a signed report that
 * is not a valid one from that gateway).
 *
 * @example
 * const report = await verifyGrantReport(JSON.parse(text), { id, keys });
 */
export async function verifyGrantReport(
  report: unknown,
  signer: ReportSigner,
): Promise<GrantReport> {
  if (typeof report !== "object" || report === null || Array.isArray(report)) {
    throw new OctError("document_invalid", "a grant report is a JSON object");
  }
  const { signature, ...unsigned } = report as Record<string, unknown>;
  if (typeof signature !== "string") {
    throw new OctError("peer_signature_invalid", "the grant report carries no signature");
  }
  const header = readSignedJws(signature, GRANT_REPORT_TYPE, SIGNATURE_MAX_BYTES);
  const jwk = signer.keys.get(header.kid);
  if (!jwk) {
    throw new OctError("peer_signature_invalid", `gateway ${signer.id} has no key ${header.kid}`);
  }
  const key = await importFittingKey(jwk, header.alg, signer.id);
  let payload: Uint8Array;
  try {
    payload = (await compactVerify(signature, key, { algorithms: [header.alg] })).payload;
  } catch (error) {
    throw new OctError("peer_signature_invalid", "the grant report's signature does not verify", {
      cause: error,
    });
  }
  if (new TextDecoder().decode(payload) !== canonicalJson(unsigned)) {
    throw new OctError("peer_signature_invalid", "the signed payload differs from the report");
  }
  if (!validateGrantReport(report)) {
    const first = schemaErrors(validateGrantReport)[0];
    throw new OctError(
      "document_invalid",
      `the grant report's ${first?.pointer || "(root)"} ${first?.message ?? "is invalid"}`,
    );
  }
  if (report.gateway !== signer.id) {
    throw new OctError(
      "document_invalid",
      `the report is from ${report.gateway}, not ${signer.id}`,
    );
  }
  return report;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
