/**
 * @module What the runner verifies as a third party would, through its own
 * path (jose, the spec's schemas, its own arithmetic): receipts (§9.4),
 * signed settlement reports (§10.3), the gateway's discovery documents
 * against each other (§7.3, §7.4, §4.1), and settlement totals and CSV rows
 * against the redemptions the run made (§10.2, §10.4).
 */
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from "jose";
import { mint, type RunContext } from "./context.ts";
import { sumAmounts } from "./decimal.ts";
import { UNIT_IDS } from "./generated/units.ts";
import { CaseFailure, expectAnswer, schemaMismatch, subsetMismatch } from "./match.ts";
import type { Exchange } from "./types.ts";

type Json = Record<string, any>;

/** Spec §9.4, as a third party: the gateway's JWKS, the receipt's typ, claims and terms. */
export async function checkReceipt(
  redemption: Json,
  ctx: RunContext,
  log: Exchange[],
): Promise<Json> {
  const receipt = redemption.receipt;
  if (typeof receipt !== "string")
    throw new CaseFailure("the committed redemption carries no receipt", redemption);
  const gateway = await ctx.gateway(log);
  const keys = createLocalJWKSet(gateway.jwks);
  const header = decodeProtectedHeader(receipt);
  const headerMismatch = schemaMismatch("receipt-header.schema.json", header);
  if (headerMismatch) throw new CaseFailure(`receipt header: ${headerMismatch}`, header);
  let claims: Json;
  try {
    const { payload } = await compactVerify(receipt, keys);
    claims = JSON.parse(new TextDecoder().decode(payload));
  } catch (error) {
    throw new CaseFailure(
      `the receipt does not verify with the gateway's JWKS: ${(error as Error).message}`,
      receipt,
    );
  }
  const mismatch = schemaMismatch("receipt-claims.schema.json", claims);
  if (mismatch) throw new CaseFailure(`receipt claims: ${mismatch}`, claims);
  if (claims.iss !== gateway.id)
    throw new CaseFailure(`receipt iss ${claims.iss} is not the gateway id ${gateway.id}`, claims);
  if (claims.jti !== redemption.id)
    throw new CaseFailure("receipt jti is not the redemption id", claims);
  const terms = subsetMismatch(
    { debited: redemption.debited, credited: redemption.credited, provider: redemption.provider },
    claims.oct_receipt,
  );
  if (terms) throw new CaseFailure(`the receipt states other terms: ${terms}`, claims);
  const [h, p, s] = receipt.split(".");
  const forged = Buffer.from(
    JSON.stringify({
      ...claims,
      oct_receipt: {
        ...claims.oct_receipt,
        credited: { ...claims.oct_receipt.credited, amount: "999999" },
      },
    }),
  ).toString("base64url");
  const tampered = await compactVerify(`${h}.${forged}.${s}`, keys).then(
    () => true,
    () => false,
  );
  if (tampered || p === forged) throw new CaseFailure("a tampered receipt still verifies", receipt);
  return claims;
}

/** Spec §10.3: the report's signature verifies and its payload is the report itself. */
export async function checkSignedReport(
  report: unknown,
  ctx: RunContext,
  log: Exchange[],
): Promise<void> {
  const { signature, ...unsigned } = report as { signature?: unknown };
  if (typeof signature !== "string")
    throw new CaseFailure("the settlement report carries no signature", report);
  const gateway = await ctx.gateway(log);
  try {
    const { payload, protectedHeader } = await compactVerify(
      signature,
      createLocalJWKSet(gateway.jwks),
    );
    if (protectedHeader.typ !== "oct-settlement+jwt")
      throw new Error(`typ ${String(protectedHeader.typ)}`);
    const mismatch = subsetMismatch(unsigned, JSON.parse(new TextDecoder().decode(payload)));
    if (mismatch) throw new Error(`the signed payload differs at ${mismatch}`);
  } catch (error) {
    throw new CaseFailure(
      `the report signature does not hold: ${(error as Error).message}`,
      report,
    );
  }
}

/** A public key's identity, whatever its kid and metadata: its type and its public numbers. */
const keyMaterial = (jwk: Json) => JSON.stringify([jwk.kty, jwk.crv, jwk.x, jwk.y, jwk.n, jwk.e]);

/**
 * Spec §7.3, §7.4, §9.3 and §4.1: the metadata names the gateway's id, a
 * `jwks_uri` built from it, the very keys of `/.well-known/jwks.json`
 * (none of them a carrier's), and exactly the units it recognises, each
 * tried in a token.
 */
export async function checkDiscovery(ctx: RunContext, log: Exchange[]): Promise<void> {
  const metadataAnswer = await ctx.client.send(log, "GET", "/.well-known/oct-gateway");
  expectAnswer(metadataAnswer, { status: 200, schema: "gateway-metadata.schema.json" });
  const jwksAnswer = await ctx.client.send(log, "GET", "/.well-known/jwks.json");
  expectAnswer(jwksAnswer, { status: 200, schema: "jwks.schema.json" });
  const metadata = metadataAnswer.json as Json;
  const jwks = jwksAnswer.json as JSONWebKeySet;
  const id = ctx.network.gateway.id;
  if (metadata.gateway !== id)
    throw new CaseFailure(
      `metadata gateway is ${metadata.gateway}, not gateway.id ${id}`,
      metadata,
    );
  const base = /^https?:\/\//.test(id) ? id : `${ctx.client.base}/`;
  const jwksUri = new URL("/.well-known/jwks.json", base).href;
  if (metadata.jwks_uri !== jwksUri)
    throw new CaseFailure(`jwks_uri is ${metadata.jwks_uri}, not ${jwksUri}`, metadata);
  const mismatch =
    subsetMismatch(jwks, metadata.receipt_jwks) ?? subsetMismatch(metadata.receipt_jwks, jwks);
  if (mismatch || metadata.receipt_jwks.keys.length !== jwks.keys.length)
    throw new CaseFailure(
      `receipt_jwks is not the set of /.well-known/jwks.json: ${mismatch ?? "another number of keys"}`,
      { receipt_jwks: metadata.receipt_jwks, jwks },
    );
  const carrierKeys = new Set(
    ctx.network.carriers.flatMap((c) => (c.jwks?.keys ?? []).map(keyMaterial)),
  );
  const shared = jwks.keys.find((k) => carrierKeys.has(keyMaterial(k as Json)));
  if (shared) throw new CaseFailure(`the receipt key ${shared.kid} is a carrier's key`, shared);
  const units = metadata.units as string[];
  const unregistered = units.filter((u) => !UNIT_IDS.includes(u));
  if (unregistered.length > 0)
    throw new CaseFailure(`metadata lists units the registry lacks: ${unregistered}`, units);
  for (const unit of UNIT_IDS) {
    const { token } = mint({ claims: { oct: { ver: "0.1", amount: "1", unit } } }, ctx);
    const answer = await ctx.client.postJson(log, "/v1/verify", { token });
    const verdict = answer.json as { valid?: boolean; error?: string } | undefined;
    const recognised = verdict?.valid === true;
    const refused = verdict?.valid === false && verdict.error === "unit_unknown";
    if (units.includes(unit) ? !recognised : !refused)
      throw new CaseFailure(
        units.includes(unit)
          ? `metadata lists ${unit}, but a token in it is refused (${String(verdict?.error)})`
          : `metadata does not list ${unit}, but a token in it is not refused with unit_unknown`,
        { status: answer.status, body: answer.json ?? answer.text },
      );
  }
}

/** One total of a report, as the runner computes it from redemptions (spec §10.2). */
export interface Total {
  carrier: string;
  provider: string;
  unit: string;
  debited: string;
  credit_unit: string;
  credited: string;
  count: number;
}

/** The totals of committed redemptions, grouped and sorted as spec §10.2 says, summed exactly. */
export function totalsOf(redemptions: readonly Json[]): Total[] {
  const groups = new Map<string, Json[]>();
  for (const r of redemptions) {
    const key = JSON.stringify([r.tariff.carrier, r.provider, r.debited.unit, r.credited.unit]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const totals = [...groups.entries()].map(([key, group]) => {
    const [carrier, provider, unit, credit_unit] = JSON.parse(key) as string[];
    return {
      carrier: carrier!,
      provider: provider!,
      unit: unit!,
      debited: sumAmounts(group.map((r) => r.debited.amount)),
      credit_unit: credit_unit!,
      credited: sumAmounts(group.map((r) => r.credited.amount)),
      count: group.length,
    };
  });
  const order = (t: Total) => [t.carrier, t.provider, t.unit, t.credit_unit];
  // Code-point order, as §10.2 says: not the locale's.
  return totals.sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return 0;
  });
}

/** Spec §10.4: a CSV field, quoted when it holds a comma, a double quote, CR or LF. */
const csvField = (value: string | number) => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * The CSV form of a report with these totals, exactly as spec §10.4 writes
 * it: written again here, not imported from the gateway, so that the
 * runner's expectation is its own reading of the spec.
 */
export function csvOf(gateway: string, from: string, to: string, totals: readonly Total[]): string {
  const lines = [
    "gateway,period_from,period_to,carrier,provider,unit,debited,credit_unit,credited,count",
  ];
  for (const t of totals)
    lines.push(
      [
        gateway,
        from,
        to,
        t.carrier,
        t.provider,
        t.unit,
        t.debited,
        t.credit_unit,
        t.credited,
        t.count,
      ]
        .map(csvField)
        .join(","),
    );
  return lines.join("\r\n") + "\r\n";
}
