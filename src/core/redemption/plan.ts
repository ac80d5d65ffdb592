/**
 * @module What a redemption would do, decided before anything is written
 * (`spec/oct.md` §8.2): the provider, the token's constraints, the tariff and
 * the exact debit. Pure: a refusal here changes no balance.
 */
import { debitFor } from "../amount/convert.ts";
import { formatAmount, parsePositiveAmount, type Atto } from "../amount/decimal.ts";
import { OctError } from "../errors.ts";
import { tariffRate, type Network, type Provider, type Tariff } from "../network/config.ts";
import { selectTariff } from "../tariff/select.ts";
import type { VerifiedToken } from "../token/verify.ts";
import { isKnownUnit } from "../units/registry.ts";

export interface RedemptionAsk {
  provider: string;
  /** The credit wanted, in the provider's unit. */
  amount: string;
  unit: string;
  workload?: string;
  region?: string;
}

export interface RedemptionPlan {
  provider: Provider;
  tariff: Tariff;
  /** Token units to take, rounded up (`spec/oct.md` §3.3). */
  debit: Atto;
  credit: Atto;
  faceValue: Atto;
}

/** The provider named by a request, or `provider_unknown`. */
export function providerFor(network: Network, id: string): Provider {
  const provider = network.providerById(id);
  if (!provider)
    throw new OctError("provider_unknown", `provider ${id} is not part of this network`);
  return provider;
}

/**
 * Checks the token's `redeem` constraints that do not depend on amounts.
 * A quote names no region or workload, so it checks `providers` only (spec §8.3).
 */
export function checkConstraints(
  token: VerifiedToken,
  ask: RedemptionAsk,
  scope: "redemption" | "quote" = "redemption",
): void {
  const redeem = token.claims.oct.redeem;
  if (!redeem) return;
  if (redeem.providers && !redeem.providers.includes(ask.provider)) {
    throw new OctError("constraint_violated", `the token may not be redeemed at ${ask.provider}`);
  }
  if (scope === "quote") return;
  if (redeem.regions) {
    if (ask.region === undefined) {
      throw new OctError(
        "constraint_violated",
        `the token is limited to regions ${redeem.regions.join(", ")}: name one`,
      );
    }
    if (!redeem.regions.includes(ask.region)) {
      throw new OctError(
        "constraint_violated",
        `the token may not be redeemed in region ${ask.region}`,
      );
    }
  }
  if (redeem.workloads) {
    if (ask.workload === undefined) {
      throw new OctError(
        "constraint_violated",
        `the token is limited to workloads ${redeem.workloads.join(", ")}: name one`,
      );
    }
    if (!redeem.workloads.includes(ask.workload as never)) {
      throw new OctError(
        "constraint_violated",
        `the token may not pay for ${ask.workload} workloads`,
      );
    }
  }
}

/** The per-redemption cap, checked on the debit in the token's unit. */
export function checkCap(token: VerifiedToken, debit: Atto): void {
  const cap = token.claims.oct.redeem?.max_per_redemption;
  if (cap !== undefined && debit > parsePositiveAmount(cap)!) {
    throw new OctError(
      "constraint_violated",
      `the debit ${formatAmount(debit)} exceeds the token's max_per_redemption ${cap}`,
    );
  }
}

/**
 * Plans a redemption (or a quote) of `ask` with a verified token at `at` (ms).
 *
 * @example
 * const plan = planRedemption(network, verified, { provider: "carrier-b-edge", amount: "100", unit }, Date.now());
 */
export function planRedemption(
  network: Network,
  token: VerifiedToken,
  ask: RedemptionAsk,
  at: number,
  scope: "redemption" | "quote" = "redemption",
): RedemptionPlan {
  const provider = providerFor(network, ask.provider);
  if (!isKnownUnit(ask.unit))
    throw new OctError("unit_unknown", `unit ${ask.unit} is not in the registry`);
  checkConstraints(token, ask, scope);
  const tariff = selectTariff(network, {
    carrier: token.carrier.id,
    from: token.claims.oct.unit,
    provider: provider.id,
    to: ask.unit,
    at,
  });
  return planWithTariff(token, ask, provider, tariff);
}

/** The debit for `ask` at a given tariff (a fresh one, or the one a quote locked). */
export function planWithTariff(
  token: VerifiedToken,
  ask: RedemptionAsk,
  provider: Provider,
  tariff: Tariff,
): RedemptionPlan {
  const credit = parsePositiveAmount(ask.amount);
  if (credit === undefined)
    throw new OctError("request_invalid", `amount ${ask.amount} is not a positive decimal`);
  const debit = debitFor(credit, tariffRate(tariff));
  checkCap(token, debit);
  const faceValue = parsePositiveAmount(token.claims.oct.amount)!;
  if (debit > faceValue) {
    throw new OctError(
      "insufficient_balance",
      `the debit ${formatAmount(debit)} exceeds the face value ${token.claims.oct.amount}`,
    );
  }
  return { provider, tariff, debit, credit, faceValue };
}
