/**
 * @module Running one case of each kind of suite against a gateway, over
 * HTTP only. A case passes by returning and fails by throwing
 * {@link CaseFailure}.
 */
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from "jose";
import { assertionHeaders, type AssertionRecipe } from "./assertion.ts";
import type { Client } from "./client.ts";
import {
  CaseFailure,
  expectAnswer,
  schemaMismatch,
  subsetMismatch,
  type Expectation,
} from "./match.ts";
import { statusListCase } from "./status-lists.ts";
import { buildToken, type RecipeContext } from "./token-recipe.ts";
import type { Case, Exchange, Step, Suite, TokenRecipe } from "./types.ts";

export interface RunContext {
  client: Client;
  recipe: Omit<RecipeContext, "now">;
  /** The runner's clock, seconds since the epoch. */
  now(): number;
  /** The gateway's receipt keys and id, fetched once. */
  gateway(log: Exchange[]): Promise<{ id: string; jwks: JSONWebKeySet }>;
}

const mint = (recipe: TokenRecipe | undefined, ctx: RunContext) =>
  buildToken(recipe ?? {}, { ...ctx.recipe, now: ctx.now() });

export async function runCase(
  suite: Suite["suite"],
  c: Case,
  ctx: RunContext,
  log: Exchange[],
): Promise<void> {
  switch (suite) {
    case "token-verification":
      return verificationCase(c, ctx, log);
    case "http-api":
      return requestCase(c, ctx, log);
    case "conversion":
      return conversionCase(c, ctx, log);
    case "redemption":
    case "receipts":
      return sequenceCase(c, ctx, log);
    case "status-lists":
      return statusListCase(c, ctx, log);
  }
}

async function verificationCase(c: Case, ctx: RunContext, log: Exchange[]): Promise<void> {
  const { token } = mint(c.input.token, ctx);
  const answer = await ctx.client.postJson(log, "/v1/verify", { token });
  const expected = c.expected as { valid?: boolean; error?: string } & Expectation;
  if (expected.valid === undefined) return expectAnswer(answer, expected);
  const body = answer.json as { valid?: unknown; error?: unknown } | undefined;
  const received = { status: answer.status, body: answer.json ?? answer.text };
  if (answer.status !== 200)
    throw new CaseFailure(`expected HTTP 200 with a verdict, got ${answer.status}`, received);
  if (expected.valid) {
    if (body?.valid !== true)
      throw new CaseFailure(`a valid token was refused (${String(body?.error)})`, received);
  } else {
    if (body?.valid !== false)
      throw new CaseFailure(
        `expected a refusal with ${expected.error}, the token was accepted`,
        received,
      );
    if (body.error !== expected.error) {
      throw new CaseFailure(
        `expected the code ${expected.error}, got ${String(body.error)}`,
        received,
      );
    }
  }
}

async function requestCase(c: Case, ctx: RunContext, log: Exchange[]): Promise<void> {
  const request = c.input.request!;
  const token = request.token ? mint(request.token, ctx).token : "";
  const fill = (text: string) => text.replace(/\$\{token\}/g, token);
  let body: string | undefined;
  if (request.body) body = fill(JSON.stringify(request.body));
  if (request.bodyText !== undefined) body = request.bodyText;
  if (request.bodyRepeat) {
    const r = request.bodyRepeat;
    body = r.prefix + r.text.repeat(r.count) + r.suffix;
  }
  const credentials = request.assertion
    ? await partyHeaders(request.assertion, ctx, log)
    : undefined;
  const send = () =>
    ctx.client.send(log, request.method, fill(request.path), {
      headers: { ...request.headers, ...credentials },
      ...(body !== undefined ? { body } : {}),
    });
  // A replay: the first use is not judged, the second is.
  if (request.assertion?.replay) await send();
  const answer = await send();
  const expected = c.expected as Expectation & { signedReport?: boolean };
  expectAnswer(answer, expected);
  if (expected.signedReport) await checkSignedReport(answer.json, ctx, log);
}

async function conversionCase(c: Case, ctx: RunContext, log: Exchange[]): Promise<void> {
  const { token } = mint(c.input.token, ctx);
  const answer = await ctx.client.postJson(log, "/v1/quotes", { token, ...c.input.quote });
  const expected = c.expected as Expectation & { debit?: unknown };
  expectAnswer(answer, expected);
  if (expected.debit !== undefined) {
    const mismatch = subsetMismatch(
      expected.debit,
      (answer.json as { debit?: unknown }).debit,
      "/debit",
    );
    if (mismatch) throw new CaseFailure(`the debit differs: ${mismatch}`, answer.json);
  }
}

type Saved = Record<string, Record<string, unknown>>;

/** `${name.member}` in a value, from answers saved by earlier steps. */
function fillSaved<T>(value: T, saved: Saved): T {
  return JSON.parse(
    JSON.stringify(value).replace(/\$\{(\w+)\.(\w+)\}/g, (whole, name: string, member: string) => {
      const found = saved[name]?.[member];
      return typeof found === "string" ? found : whole;
    }),
  ) as T;
}

async function sequenceCase(c: Case, ctx: RunContext, log: Exchange[]): Promise<void> {
  const minted = mint(c.input.token, ctx);
  const saved: Saved = {};
  for (const [index, step] of (c.input.steps ?? []).entries()) {
    try {
      await runStep(step, minted, saved, ctx, log);
    } catch (error) {
      if (error instanceof CaseFailure) {
        throw new CaseFailure(`step ${index + 1} (${step.do}): ${error.message}`, error.received);
      }
      throw error;
    }
  }
}

async function runStep(
  step: Step,
  minted: { token: string; claims: Record<string, unknown> | undefined },
  saved: Saved,
  ctx: RunContext,
  log: Exchange[],
): Promise<void> {
  const expect = fillSaved(step.expect ?? {}, saved) as Expectation & {
    sameIdAs?: string;
    sameReceiptAs?: string;
    counts?: Record<string, number>;
    includes?: Record<string, unknown>;
  };
  let token = minted.token;
  if (step.token) {
    const jti = step.token.sameIdentity ? minted.claims?.jti : undefined;
    token = mint(
      { ...step.token, claims: { ...step.token.claims, ...(jti ? { jti } : {}) } },
      ctx,
    ).token;
  }
  const body = { token, ...fillSaved(step.body ?? {}, saved) };
  const keyHeader = (key: string | null | undefined): Record<string, string> =>
    typeof key === "string" ? { "idempotency-key": key } : {};
  let answer;
  switch (step.do) {
    case "redeem":
      answer = await ctx.client.postJson(log, "/v1/redemptions", body, keyHeader(step.key));
      break;
    case "quote":
      answer = await ctx.client.postJson(log, "/v1/quotes", body);
      break;
    case "balance":
      answer = await ctx.client.postJson(log, "/v1/balance", { token });
      break;
    case "get":
      answer = await ctx.client.send(log, "GET", `/v1/redemptions/${String(saved[step.ref!]?.id)}`);
      break;
    case "concurrent": {
      const answers = await Promise.all(
        Array.from({ length: step.count! }, (_, i) =>
          ctx.client.postJson(
            log,
            "/v1/redemptions",
            body,
            keyHeader(`${step.keyPrefix ?? "c"}-${i}`),
          ),
        ),
      );
      const counts: Record<string, number> = {};
      for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
      const mismatch = subsetMismatch(expect.counts, counts);
      if (mismatch)
        throw new CaseFailure(
          `statuses ${JSON.stringify(counts)}, expected ${JSON.stringify(expect.counts)}`,
          counts,
        );
      return;
    }
    case "receipt":
      return checkReceipt(saved[step.ref!]!, ctx, log);
    case "settlement": {
      const from = new Date((ctx.now() - 600) * 1000).toISOString();
      const to = new Date((ctx.now() + 600) * 1000).toISOString();
      answer = await ctx.client.send(log, "GET", `/v1/settlements?from=${from}&to=${to}`, {
        ...(step.assertion ? { headers: await partyHeaders(step.assertion, ctx, log) } : {}),
      });
      expectAnswer(answer, { status: 200, schema: "settlement-report.schema.json" });
      await checkSignedReport(answer.json, ctx, log);
      const totals = (answer.json as { totals: unknown[] }).totals;
      const mismatch = subsetMismatch([expect.includes], totals, "/totals");
      if (mismatch) throw new CaseFailure(`the report lacks the commit: ${mismatch}`, answer.json);
      return;
    }
    default:
      throw new Error(`a ${step.do} step belongs to the status-lists suite`);
  }
  expectAnswer(answer, expect);
  const json = answer.json as Record<string, unknown>;
  if (expect.sameIdAs && json.id !== saved[expect.sameIdAs]?.id) {
    throw new CaseFailure(
      `expected the stored redemption ${String(saved[expect.sameIdAs]?.id)}, got ${String(json.id)}`,
      json,
    );
  }
  if (expect.sameReceiptAs && json.receipt !== saved[expect.sameReceiptAs]?.receipt) {
    throw new CaseFailure("the receipt differs from the one first returned", json);
  }
  if (step.save) saved[step.save] = json;
}

/** A party's credentials (spec §7.13) for the gateway under test, made now. */
async function partyHeaders(
  recipe: AssertionRecipe,
  ctx: RunContext,
  log: Exchange[],
): Promise<Record<string, string>> {
  const { id } = await ctx.gateway(log);
  return assertionHeaders(recipe, ctx.recipe.keys, id, ctx.now());
}

/** Spec §9.4, as a third party: the gateway's JWKS, the receipt's typ, claims and terms. */
async function checkReceipt(
  redemption: Record<string, unknown>,
  ctx: RunContext,
  log: Exchange[],
): Promise<void> {
  const receipt = redemption.receipt;
  if (typeof receipt !== "string")
    throw new CaseFailure("the committed redemption carries no receipt", redemption);
  const gateway = await ctx.gateway(log);
  const keys = createLocalJWKSet(gateway.jwks);
  const header = decodeProtectedHeader(receipt);
  if (header.typ !== "oct-receipt+jwt")
    throw new CaseFailure(`receipt typ must be oct-receipt+jwt, not ${String(header.typ)}`, header);
  let claims: Record<string, any>;
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
}

async function checkSignedReport(report: unknown, ctx: RunContext, log: Exchange[]): Promise<void> {
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
