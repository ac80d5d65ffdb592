/**
 * @module Running one case of each kind of suite against a gateway, over
 * HTTP only. A case passes by returning and fails by throwing
 * {@link CaseFailure}.
 */
import { partyHeaders } from "./assertion.ts";
import { mint, type RunContext } from "./context.ts";
import { checkSignedReport } from "./checks.ts";
import { CaseFailure, expectAnswer, subsetMismatch, type Expectation } from "./match.ts";
import { statusListCase } from "./status-lists.ts";
import { expectVerdict, runStep, type Sequence } from "./steps.ts";
import type { Case, Exchange, Suite } from "./types.ts";

export type { RunContext } from "./context.ts";

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
    case "settlement":
    case "key-sets":
    case "providers":
    case "federation":
      return sequenceCase(c, ctx, log);
    case "status-lists":
      return statusListCase(c, ctx, log);
  }
}

async function verificationCase(c: Case, ctx: RunContext, log: Exchange[]): Promise<void> {
  const { token } = mint(c.input.token, ctx);
  const answer = await ctx.client.postJson(log, "/v1/verify", { token });
  expectVerdict(answer, c.expected as Parameters<typeof expectVerdict>[1]);
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
      ...(request.headers || credentials
        ? { headers: { ...request.headers, ...credentials } }
        : {}),
      ...(body !== undefined ? { body } : {}),
      ...(request.chunked ? { chunked: true } : {}),
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

async function sequenceCase(c: Case, ctx: RunContext, log: Exchange[]): Promise<void> {
  const seq: Sequence = {
    minted: mint(c.input.token, ctx),
    saved: {},
    pending: {},
    proofs: new Map(),
    receivedBefore: ctx.callback?.count ?? 0,
  };
  for (const [index, step] of (c.input.steps ?? []).entries()) {
    try {
      await runStep(step, seq, ctx, log);
    } catch (error) {
      if (error instanceof CaseFailure) {
        throw new CaseFailure(`step ${index + 1} (${step.do}): ${error.message}`, error.received);
      }
      throw error;
    }
  }
}
