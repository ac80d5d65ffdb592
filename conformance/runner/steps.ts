/**
 * @module The steps of a sequence case (redemption, receipts, settlement,
 * key-set and provider suites): requests to the gateway, scripts for the
 * runner's callback server, waits, and checks of what the gateway asked the
 * callback server. Answers are saved by name for later steps
 * (`${name.member}`); a step fails by throwing {@link CaseFailure}.
 */
import { partyHeaders, SUITE_OPERATOR } from "./assertion.ts";
import { createHash } from "node:crypto";
import { decodeJwt } from "jose";
import type { Answer } from "./client.ts";
import { mint, type RunContext } from "./context.ts";
import { checkDiscovery, checkReceipt, checkSignedReport, csvOf, totalsOf } from "./checks.ts";
import { buildProof } from "./holder-proofs.ts";
import { CaseFailure, expectAnswer, subsetMismatch, type Expectation } from "./match.ts";
import { scriptOf } from "./served.ts";
import type { MintedToken } from "./token-recipe.ts";
import type { Exchange, Step } from "./types.ts";

type Json = Record<string, any>;

/** What the steps of one case share. */
export interface Sequence {
  minted: MintedToken;
  saved: Record<string, Json>;
  /** Redemptions sent without waiting (`async`), by name. */
  pending: Record<string, Promise<Answer>>;
  /** How many requests the callback server had received when the case began. */
  receivedBefore: number;
  /** Holder proofs made by earlier steps, by `save` name (spec §6.6). */
  proofs: Map<string, string>;
}

interface StepExpectation extends Expectation {
  valid?: boolean;
  error?: string;
  sameIdAs?: string;
  sameReceiptAs?: string;
  sameAnswerAs?: string;
  counts?: Record<string, number>;
  count?: number;
  max?: number;
  includes?: Record<string, unknown>;
  totalsOf?: string[];
  csvOf?: string[];
  idempotencyKey?: string;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** `${name.member}` from saved answers, `${iso+N}` the runner's time N seconds on, in a value. */
function fill<T>(value: T, saved: Record<string, Json>, now: number): T {
  return JSON.parse(
    JSON.stringify(value).replace(
      /\$\{(\w+)\.(\w+)\}|\$\{iso([+-]\d+)?\}/g,
      (whole, name: string | undefined, member: string | undefined, offset: string | undefined) => {
        if (name === undefined) return iso(now + Number(offset ?? 0));
        const found = saved[name]?.[member!];
        return typeof found === "string" ? found : whole;
      },
    ),
  ) as T;
}

const keyHeader = (key: string | null | undefined): Record<string, string> =>
  typeof key === "string" ? { "idempotency-key": key } : {};

const received = (answer: Answer) => ({ status: answer.status, body: answer.json ?? answer.text });

function callbackOf(ctx: RunContext) {
  if (!ctx.callback) throw new Error("this case needs the runner's callback server (--callback)");
  return ctx.callback;
}

/** A verification answer against `{ valid, error }` or an HTTP expectation. */
export function expectVerdict(answer: Answer, expected: StepExpectation): void {
  if (expected.valid === undefined) return expectAnswer(answer, expected);
  const body = answer.json as { valid?: unknown; error?: unknown } | undefined;
  if (answer.status !== 200)
    throw new CaseFailure(
      `expected HTTP 200 with a verdict, got ${answer.status}${body && "code" in body ? ` (${String((body as Json).code)})` : ""}`,
      received(answer),
    );
  if (expected.valid) {
    if (body?.valid !== true)
      throw new CaseFailure(`a valid token was refused (${String(body?.error)})`, received(answer));
  } else {
    if (body?.valid !== false)
      throw new CaseFailure(
        `expected a refusal with ${expected.error}, the token was accepted`,
        received(answer),
      );
    if (body.error !== expected.error)
      throw new CaseFailure(
        `expected the code ${expected.error}, got ${String(body.error)}`,
        received(answer),
      );
  }
}

/** The outcome of one answer, for counting concurrent ones: `valid`, a code, or the status. */
function outcomeOf(answer: Answer, of: "redeem" | "verify"): string {
  if (of === "redeem") return String(answer.status);
  const body = answer.json as { valid?: boolean; error?: string; code?: string } | undefined;
  if (answer.status === 200) return body?.valid ? "valid" : String(body?.error);
  return `${answer.status}${body?.code ? ` ${body.code}` : ""}`;
}

/** Without the member that names the current request, which a replay changes (spec §8.5). */
const withoutRequestId = (json: unknown) => {
  if (!json || typeof json !== "object") return json;
  const { request_id: _, ...rest } = json as Json;
  return rest;
};

/** The visited gateway the runner plays, a peer of the test network (its key peer-visited-eddsa). */
const VISITED_PEER = "https://visited.conformance.example";

function visitedPeer(ctx: RunContext): { id: string; url: string } {
  const peer = ctx.network.peers?.find((p) => p.id === VISITED_PEER);
  if (!peer) throw new Error(`the test network has no peer ${VISITED_PEER} for the runner to play`);
  return peer;
}

/**
 * A document between gateways (spec §11.3) the runner signs as the test
 * network's peer, of type `typ` with `claims`, and the step's `document`
 * changes: a JWS like a token, so the token recipe mints it (claims merged,
 * a null removes one).
 */
function peerDocument(step: Step, typ: string, claims: Json, ctx: RunContext): string {
  const peer = visitedPeer(ctx).id;
  const document = step.document ?? {};
  return mint(
    {
      ...document,
      key: document.key ?? "peer-visited-eddsa",
      header: { typ, ...document.header },
      claims: {
        sub: null,
        nbf: null,
        exp: null,
        oct: null,
        iss: peer,
        aud: ctx.network.gateway.id,
        ...claims,
        ...document.claims,
      },
    },
    ctx,
  ).token;
}

/**
 * A grant request (spec §11.5) for the case's token: 400 asked, at least
 * 40; `holderProof`, for a bound token, carried in `oct_grant_request`.
 */
const grantRequest = (step: Step, token: string, ctx: RunContext, holderProof?: string): string =>
  peerDocument(
    step,
    "oct-grant-request+jwt",
    {
      oct_grant_request: {
        ver: "0.1",
        token,
        amount: "400",
        min_amount: "40",
        unit: "gpu-second:h100-sxm",
        ...(holderProof !== undefined ? { holder_proof: holderProof } : {}),
      },
    },
    ctx,
  );

/** A usage report (spec §11.6) of the step's `usage` for `grant`. */
const usageReport = (step: Step, grant: string, ctx: RunContext): string =>
  peerDocument(step, "oct-usage+jwt", { oct_usage: { ver: "0.1", grant, ...step.usage } }, ctx);

export async function runStep(
  step: Step,
  seq: Sequence,
  ctx: RunContext,
  log: Exchange[],
): Promise<void> {
  const now = ctx.now();
  const expect = fill(step.expect ?? {}, seq.saved, now) as StepExpectation;
  let token = step.tokenOf !== undefined ? fill(step.tokenOf, seq.saved, now) : seq.minted.token;
  if (step.token) {
    const jti = step.token.sameIdentity ? seq.minted.claims?.jti : undefined;
    token = mint(
      { ...step.token, claims: { ...step.token.claims, ...(jti ? { jti } : {}) } },
      ctx,
    ).token;
  }
  const body = { token, ...fill(step.body ?? {}, seq.saved, now) };
  /** The step's `DPoP` field, made for a POST to `path` under the gateway's id (§6.6). */
  const dpop = async (path: string): Promise<Record<string, string>> => {
    if (!step.proof) return {};
    const { id } = await ctx.gateway(log);
    const base = /^https?:\/\//i.test(id) ? id : ctx.client.base;
    const proof = buildProof(step.proof, {
      holders: ctx.recipe.holders ?? {},
      token,
      method: "POST",
      url: new URL(path, base).href,
      dialled: ctx.client.base + path,
      now,
      saved: seq.proofs,
    });
    return { dpop: proof };
  };
  /**
   * The holder's proof a grant request carries through (§11.5 step 4): made
   * as the holder made it for the runner's peer, a POST to its redemptions
   * endpoint under the peer's configured `url`.
   */
  const carried = (): string | undefined => {
    if (!step.proof) return undefined;
    const url = `${visitedPeer(ctx).url.replace(/\/$/, "")}/v1/redemptions`;
    return buildProof(step.proof, {
      holders: ctx.recipe.holders ?? {},
      token,
      method: "POST",
      url,
      dialled: url,
      now,
      saved: seq.proofs,
    });
  };
  let answer: Answer;
  switch (step.do) {
    case "redeem": {
      const sent = ctx.client.postJson(log, "/v1/redemptions", body, {
        ...keyHeader(step.key),
        ...(await dpop("/v1/redemptions")),
      });
      if (step.async) {
        // Waited for by a later `await` step; a rejection is reported there.
        sent.catch(() => undefined);
        seq.pending[step.async] = sent;
        return;
      }
      answer = await sent;
      break;
    }
    case "await": {
      const pending = seq.pending[step.ref!];
      if (!pending) throw new Error(`no redemption was sent as ${step.ref}`);
      answer = await pending;
      break;
    }
    case "quote":
      answer = await ctx.client.postJson(log, "/v1/quotes", body, await dpop("/v1/quotes"));
      break;
    case "balance":
      answer = await ctx.client.postJson(log, "/v1/balance", { token }, await dpop("/v1/balance"));
      break;
    case "verify":
      answer = await ctx.client.postJson(log, "/v1/verify", { token }, await dpop("/v1/verify"));
      expectVerdict(answer, expect);
      if (step.save) seq.saved[step.save] = answer.json as Json;
      return;
    case "get":
      answer = await ctx.client.send(
        log,
        "GET",
        `/v1/redemptions/${String(seq.saved[step.ref!]?.id)}`,
      );
      break;
    case "capture":
    case "void": {
      // An action on a saved authorisation: its own body, no token.
      const path = `/v1/redemptions/${String(seq.saved[step.ref!]?.id)}/${step.do}`;
      answer = step.body
        ? await ctx.client.postJson(log, path, fill(step.body, seq.saved, now))
        : await ctx.client.send(log, "POST", path);
      break;
    }
    case "grant-request":
      answer = await ctx.client.send(log, "POST", "/v1/grants", {
        headers: { "content-type": "application/oct-grant-request+jwt" },
        body: grantRequest(step, seq.minted.token, ctx, carried()),
      });
      break;
    case "usage-report": {
      const grant = String(seq.saved[step.ref!]?.id);
      answer = await ctx.client.send(log, "POST", `/v1/grants/${grant}/usage`, {
        headers: { "content-type": "application/oct-usage+jwt" },
        body: usageReport(step, grant, ctx),
      });
      break;
    }
    case "request":
      answer = await ctx.client.send(log, step.method ?? "GET", fill(step.path!, seq.saved, now), {
        ...(step.headers ? { headers: step.headers } : {}),
        ...(step.body ? { body: JSON.stringify(body) } : {}),
      });
      break;
    case "concurrent": {
      const of = step.of ?? "redeem";
      const answers = await Promise.all(
        Array.from({ length: step.count! }, (_, i) =>
          of === "verify"
            ? ctx.client.postJson(log, "/v1/verify", { token })
            : ctx.client.postJson(
                log,
                "/v1/redemptions",
                body,
                keyHeader(`${step.keyPrefix ?? "c"}-${i}`),
              ),
        ),
      );
      const counts: Record<string, number> = {};
      for (const a of answers) counts[outcomeOf(a, of)] = (counts[outcomeOf(a, of)] ?? 0) + 1;
      if (subsetMismatch(expect.counts, counts) || subsetMismatch(counts, expect.counts))
        throw new CaseFailure(
          `outcomes ${JSON.stringify(counts)}, expected ${JSON.stringify(expect.counts)}`,
          counts,
        );
      return;
    }
    case "receipt": {
      const claims = await checkReceipt(seq.saved[step.ref!]!, ctx, log);
      if (expect.idempotencyKey !== undefined) {
        const digest = createHash("sha256").update(expect.idempotencyKey).digest("base64url");
        if (claims.oct_receipt.idempotency_key_sha256 !== digest)
          throw new CaseFailure(
            `idempotency_key_sha256 is ${String(claims.oct_receipt.idempotency_key_sha256)}, not the SHA-256 of the key (${digest})`,
            claims,
          );
      }
      return;
    }
    case "settlement":
      return settlementStep(step, expect, seq, ctx, log);
    case "discovery":
      return checkDiscovery(ctx, log);
    case "serve":
      callbackOf(ctx).serve(
        step.path!,
        scriptOf(step.serve ?? {}, ctx.recipe.keys, callbackOf(ctx).base),
      );
      return;
    case "release": {
      const released = callbackOf(ctx).release(
        step.path!,
        scriptOf(step.serve ?? { status: 200 }, ctx.recipe.keys, callbackOf(ctx).base),
      );
      if (released === 0)
        throw new CaseFailure(`the gateway had no request waiting at ${step.path}`, 0);
      return;
    }
    case "wait": {
      let until = Date.now() + (step.seconds ?? 0) * 1000;
      if (step.sinceFetch) {
        const last = callbackOf(ctx).received(step.path).at(-1);
        if (!last) throw new CaseFailure(`${step.path} was never fetched`, 0);
        until = last.at + (step.seconds ?? 0) * 1000;
      }
      if (until > Date.now())
        await new Promise((resolve) => setTimeout(resolve, until - Date.now()));
      return;
    }
    case "fetches": {
      const count = callbackOf(ctx).received(step.path, seq.receivedBefore).length;
      const wanted =
        expect.count !== undefined ? count === expect.count : count <= (expect.max ?? Infinity);
      if (!wanted)
        throw new CaseFailure(
          `the gateway requested ${step.path} ${count} time(s), expected ${expect.count !== undefined ? expect.count : `at most ${expect.max}`}`,
          count,
        );
      return;
    }
    case "hook-received":
      return hookReceived(step, expect, seq, ctx);
    default:
      throw new Error(`a ${step.do} step belongs to the status-lists suite`);
  }
  expectAnswer(answer, expect);
  const json = answer.json as Json;
  if (expect.sameIdAs && json.id !== seq.saved[expect.sameIdAs]?.id)
    throw new CaseFailure(
      `expected the stored redemption ${String(seq.saved[expect.sameIdAs]?.id)}, got ${String(json.id)}`,
      json,
    );
  if (expect.sameReceiptAs && json.receipt !== seq.saved[expect.sameReceiptAs]?.receipt)
    throw new CaseFailure("the receipt differs from the one first returned", json);
  if (expect.sameAnswerAs) {
    const first = seq.saved[expect.sameAnswerAs]!;
    const mismatch =
      answer.status !== first.__status
        ? `status ${answer.status}, first ${String(first.__status)}`
        : (subsetMismatch(withoutRequestId(first.__body), withoutRequestId(json)) ??
          subsetMismatch(withoutRequestId(json), withoutRequestId(first.__body)));
    if (mismatch) throw new CaseFailure(`the replayed answer differs: ${mismatch}`, json);
  }
  if (step.save)
    seq.saved[step.save] = {
      ...(json ?? {}),
      __status: answer.status,
      __body: json ?? answer.text,
    };
}

/** The requests a webhook path received: each a POST of a receipt (spec §8.7). */
async function hookReceived(
  step: Step,
  expect: StepExpectation,
  seq: Sequence,
  ctx: RunContext,
): Promise<void> {
  const callback = callbackOf(ctx);
  const wanted = expect.count ?? 1;
  const all = await callback.waitFor(step.path!, wanted, 15_000, seq.receivedBefore);
  if (all.length < wanted)
    throw new CaseFailure(
      `the provider at ${step.path} was called ${all.length} time(s), expected ${wanted}`,
      all.length,
    );
  for (const hook of all) {
    const type = hook.headers["content-type"] ?? "";
    if (hook.method !== "POST" || !/^application\/oct-receipt\+jwt\s*(;|$)/i.test(type))
      throw new CaseFailure(
        `the provider was called with ${hook.method} and Content-Type ${JSON.stringify(type)}, not POST application/oct-receipt+jwt`,
        hook.headers,
      );
  }
  const last = all.at(-1)!;
  let jti: unknown;
  try {
    jti = decodeJwt(last.body).jti;
  } catch {
    throw new CaseFailure(
      "the provider's request body is not a receipt (a compact JWS)",
      last.body,
    );
  }
  if (expect.sameReceiptAs && last.body !== seq.saved[expect.sameReceiptAs]?.receipt)
    throw new CaseFailure("the provider received another receipt than the redemption's", last.body);
  if (all.some((r) => r.body !== last.body))
    throw new CaseFailure(
      "the provider received different receipts for one redemption",
      all.map((r) => r.body),
    );
  if (step.save) seq.saved[step.save] = { receipt: last.body, id: jti };
}

/** `GET /v1/settlements` judged against the redemptions the case made (spec §7.10, §10). */
async function settlementStep(
  step: Step,
  expect: StepExpectation,
  seq: Sequence,
  ctx: RunContext,
  log: Exchange[],
): Promise<void> {
  const now = ctx.now();
  const query = fill(
    step.query ?? { from: iso(now - 600), to: iso(now + 600) },
    seq.saved,
    now,
  ) as Record<string, string>;
  // The books answer a party (spec §7.13): the case's, else the suite's operator.
  const answer = await ctx.client.send(
    log,
    "GET",
    `/v1/settlements?${new URLSearchParams(query)}`,
    {
      headers: await partyHeaders(step.assertion ?? SUITE_OPERATOR, ctx, log),
    },
  );
  const { id } = await ctx.gateway(log);
  if (query.format === "csv") {
    expectAnswer(answer, {
      status: 200,
      headers: { "content-type": "^text/csv; ?charset=utf-8; ?header=present$" },
    });
    if (expect.csvOf) {
      const wanted = csvOf(
        id,
        query.from!,
        query.to!,
        totalsOf(expect.csvOf.map((n) => seq.saved[n]!)),
      );
      if (answer.text !== wanted)
        throw new CaseFailure(
          `the CSV differs from the redemptions made:\n${JSON.stringify(wanted)}`,
          answer.text,
        );
    }
    return;
  }
  expectAnswer(answer, {
    status: 200,
    schema: "settlement-report.schema.json",
    ...(expect.json ? { json: expect.json } : {}),
  });
  await checkSignedReport(answer.json, ctx, log);
  const report = answer.json as Json;
  if (report.period.from !== query.from || report.period.to !== query.to)
    throw new CaseFailure(
      `the period is ${report.period.from} – ${report.period.to}, not the from and to sent (${query.from} – ${query.to})`,
      report.period,
    );
  if (expect.includes) {
    const mismatch = subsetMismatch([expect.includes], report.totals, "/totals");
    if (mismatch) throw new CaseFailure(`the report lacks the commit: ${mismatch}`, report);
  }
  if (expect.totalsOf) {
    const wanted = totalsOf(expect.totalsOf.map((n) => seq.saved[n]!));
    const mismatch = subsetMismatch(wanted, report.totals) ?? subsetMismatch(report.totals, wanted);
    if (
      mismatch ||
      JSON.stringify(wanted) !==
        JSON.stringify(
          report.totals.map((t: Total) => ({
            carrier: t.carrier,
            provider: t.provider,
            unit: t.unit,
            debited: t.debited,
            credit_unit: t.credit_unit,
            credited: t.credited,
            count: t.count,
          })),
        )
    )
      throw new CaseFailure(
        `the totals differ from the redemptions made: expected ${JSON.stringify(wanted)}`,
        report.totals,
      );
  }
}

type Total = ReturnType<typeof totalsOf>[number];
