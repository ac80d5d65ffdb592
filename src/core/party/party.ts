/**
 * @module Parties (`spec/oct.md` §7.13): a carrier, a provider or an
 * operator of the gateway, named by its party reference (`carrier:<id>`), and
 * what each may read.
 */
import { OctError } from "../errors.ts";
import { ALLOWED_ALGORITHMS, type Algorithm } from "../token/header.ts";
import type { KeyHolder, Network } from "../network/config.ts";

export type PartyKind = "carrier" | "provider" | "operator";

export interface Party {
  kind: PartyKind;
  id: string;
  /** `kind:id`, the assertion's `iss` and `sub`. */
  reference: string;
  /** The entry whose keys sign its assertions. */
  keys: KeyHolder;
  /** What its assertions may be signed with: a carrier's `algorithms`, else the allow-list. */
  algorithms: readonly Algorithm[];
}

const REFERENCE = /^(carrier|provider|operator):([a-z0-9][a-z0-9-]{0,62})$/;

/** The reference of a party, as its assertions name it. */
export function partyReference(kind: PartyKind, id: string): string {
  return `${kind}:${id}`;
}

/**
 * The configured party a reference names, if it has keys to authenticate
 * with (a provider may have none, §5.6).
 *
 * @example
 * partyOf(network, "carrier:carrier-a")?.keys
 */
export function partyOf(network: Network, reference: unknown): Party | undefined {
  if (typeof reference !== "string") return undefined;
  const match = REFERENCE.exec(reference);
  if (!match) return undefined;
  const kind = match[1] as PartyKind;
  const id = match[2]!;
  const entry =
    kind === "carrier"
      ? network.carrierById(id)
      : kind === "provider"
        ? network.providerById(id)
        : network.operatorById(id);
  if (!entry || (entry.inlineKeys.size === 0 && entry.jwks_uri === undefined)) return undefined;
  const algorithms = kind === "carrier" ? network.carrierById(id)!.algorithms : ALLOWED_ALGORITHMS;
  return { kind, id, reference, keys: entry, algorithms };
}

/** The carrier and provider filters of a listing or a report. */
export interface PartyFilters {
  carrier?: string;
  provider?: string;
}

/**
 * The filters a party's request is answered with: its own carrier or
 * provider id added, and a filter naming another one refused with
 * `party_forbidden`, never narrowed in silence (§7.13).
 *
 * @example
 * withinReach({ kind: "carrier", id: "carrier-a", ... }, { provider: "p" }) // { carrier: "carrier-a", provider: "p" }
 */
export function withinReach<T extends PartyFilters>(party: Party, asked: T): T {
  if (party.kind === "operator") return asked;
  const own = party.kind;
  const named = asked[own];
  if (named !== undefined && named !== party.id)
    throw new OctError(
      "party_forbidden",
      `${party.reference} may read only its own entries, not those of ${own} ${named}`,
    );
  return { ...asked, [own]: party.id };
}

/** Refuses anyone but an operator (§7.11). */
export function requireOperator(party: Party, what: string): void {
  if (party.kind !== "operator")
    throw new OctError("party_forbidden", `${what} is for the gateway's operators only`);
}
