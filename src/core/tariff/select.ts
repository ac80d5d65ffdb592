/**
 * @module Finding the tariff in force (`spec/oct.md` §5.4): the gateway
 * never guesses a rate. No tariff for this carrier, unit pair and provider at
 * this instant means no redemption (`no_tariff`).
 */
import { OctError } from "../errors.ts";
import type { Network, Tariff } from "../network/config.ts";

export interface TariffQuery {
  carrier: string;
  from: string;
  provider: string;
  to: string;
  /** Milliseconds since the epoch. */
  at: number;
}

/** Whether a tariff is in force at `at`: valid_from inclusive, valid_until exclusive. */
export function inForce(tariff: Tariff, at: number): boolean {
  return (
    Date.parse(tariff.valid_from) <= at &&
    (tariff.valid_until === undefined || at < Date.parse(tariff.valid_until))
  );
}

/**
 * The tariff in force for a conversion. The configuration guarantees at most
 * one at any instant (`spec/oct.md` §5.7).
 *
 * @example
 * const tariff = selectTariff(network, { carrier: "carrier-a", from, provider, to, at: Date.now() });
 */
export function selectTariff(network: Network, query: TariffQuery): Tariff {
  const found = network.tariffs.find(
    (tariff) =>
      tariff.carrier === query.carrier &&
      tariff.from === query.from &&
      tariff.provider === query.provider &&
      tariff.to === query.to &&
      inForce(tariff, query.at),
  );
  if (!found) {
    throw new OctError(
      "no_tariff",
      `no tariff in force converts ${query.carrier}'s ${query.from} to ${query.to} at ${query.provider}`,
    );
  }
  return found;
}
