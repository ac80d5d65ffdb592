/**
 * @module Quotes (`spec/oct.md` §8.1): what a redemption would cost, at the
 * tariff in force, held for a while so the redemption that cites it pays
 * exactly that.
 */
import { formatAmount, parseAmount } from "../amount/decimal.ts";
import { OctError } from "../errors.ts";
import { requireHolder, type HolderRequest } from "../holder/binding.ts";
import type { Tariff } from "../network/config.ts";
import { balanceOf } from "./balance.ts";
import { homeOf } from "../federation/home.ts";
import { verifyToken, type VerifiedToken } from "../token/verify.ts";
import type { RedemptionDeps } from "./deps.ts";
import {
  checkConstraints,
  planRedemption,
  planWithTariff,
  providerFor,
  type RedemptionAsk,
  type RedemptionPlan,
} from "./plan.ts";
import {
  expiryInQuoteId,
  newQuoteId,
  tokenKeyInId,
  tokenKeyOf,
  type QuoteRecord,
} from "./record.ts";

/**
 * Quotes `ask` for a token and keeps the quote until it expires, at most
 * `quote_max_live_per_token` unexpired quotes per token (spec §8.3).
 *
 * @example
 * const quote = await createQuote(deps, token, { provider: "carrier-b-edge", amount: "100", unit: "gpu-second:a100-sxm" });
 */
export async function createQuote(
  deps: RedemptionDeps,
  token: string,
  ask: RedemptionAsk,
  holder?: HolderRequest,
): Promise<QuoteRecord> {
  const verified = await verifyToken(token, deps);
  homeOf({ oct: verified.claims.oct, carrier: verified.carrier }, deps.network);
  await requireHolder(deps, verified, token, holder);
  const now = deps.clock.now();
  const plan = planRedemption(deps.network, verified, ask, now, "quote");
  const balance = await balanceOf(deps.ledger, verified, now);
  if (plan.debit > parseAmount(balance.remaining.amount)!) {
    throw new OctError(
      "insufficient_balance",
      `the debit ${formatAmount(plan.debit)} exceeds the remaining ${balance.remaining.amount} ${balance.remaining.unit}`,
    );
  }
  const tokenKey = tokenKeyOf(verified.identity);
  const ttlEnd = now + deps.network.limits.quote_ttl_seconds * 1000;
  const tariffEnd =
    plan.tariff.valid_until === undefined ? Infinity : Date.parse(plan.tariff.valid_until);
  const expiresAt = Math.min(ttlEnd, tariffEnd);
  const quote: QuoteRecord = {
    id: newQuoteId(tokenKey, expiresAt),
    tokenKey,
    token: verified.identity,
    provider: plan.provider.id,
    debit: { amount: formatAmount(plan.debit), unit: verified.claims.oct.unit },
    credit: { amount: formatAmount(plan.credit), unit: ask.unit },
    tariff: plan.tariff,
    expires_at: new Date(expiresAt).toISOString(),
  };
  const most = deps.network.limits.quote_max_live_per_token;
  const saved = await deps.ledger.saveQuote(quote, now, most);
  if (saved.kind === "full") {
    throw new OctError(
      "too_many_quotes",
      `this token holds ${most} unexpired quotes, the most allowed; the earliest expires at ${new Date(saved.earliestExpiry).toISOString()}`,
      { retryAfterSeconds: Math.max(1, Math.ceil((saved.earliestExpiry - now) / 1000)) },
    );
  }
  return quote;
}

/**
 * The plan a cited quote locks: its tariff, if it is this token's, still
 * valid, and for this very provider, amount and unit. Expiry comes first: an
 * expired quote may already be deleted, and its id still tells when it
 * expired (spec §8.4 step 8).
 */
export async function planFromQuote(
  deps: RedemptionDeps,
  verified: VerifiedToken,
  ask: RedemptionAsk,
  quoteId: string,
  now: number,
): Promise<RedemptionPlan> {
  const tokenKey = tokenKeyOf(verified.identity);
  const ours = tokenKeyInId(quoteId, "qt") === tokenKey;
  const quote = ours ? await deps.ledger.getQuote(tokenKey, quoteId) : undefined;
  const expiresAt = quote
    ? Date.parse(quote.expires_at)
    : ours
      ? expiryInQuoteId(quoteId)
      : undefined;
  if (expiresAt !== undefined && expiresAt <= now) {
    throw new OctError(
      "quote_expired",
      `quote ${quoteId} expired at ${new Date(expiresAt).toISOString()}`,
    );
  }
  if (!quote) throw new OctError("quote_invalid", `quote ${quoteId} was not issued for this token`);
  if (
    quote.provider !== ask.provider ||
    quote.credit.amount !== ask.amount ||
    quote.credit.unit !== ask.unit
  ) {
    throw new OctError(
      "quote_invalid",
      `quote ${quoteId} is for ${quote.credit.amount} ${quote.credit.unit} at ${quote.provider}`,
    );
  }
  if (!deps.network.tariffs.some((tariff) => sameTariff(tariff, quote.tariff))) {
    throw new OctError(
      "quote_invalid",
      `the tariff of quote ${quoteId} is no longer in the configuration`,
    );
  }
  const provider = providerFor(deps.network, ask.provider);
  checkConstraints(verified, ask);
  return planWithTariff(verified, ask, provider, quote.tariff);
}

function sameTariff(a: Tariff, b: Tariff): boolean {
  return (
    a.carrier === b.carrier &&
    a.from === b.from &&
    a.provider === b.provider &&
    a.to === b.to &&
    a.rate === b.rate &&
    a.valid_from === b.valid_from &&
    a.valid_until === b.valid_until
  );
}
