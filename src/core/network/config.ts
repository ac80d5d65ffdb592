/**
 * @module The network configuration (`spec/oct.md` §5): carriers, their keys,
 * providers and tariffs. Checked whole when the gateway starts: a bad
 * document stops it with the JSON Pointer at fault, never leaving a
 * half-configured gateway.
 */
import { validateNetworkConfig } from "../../generated/validators.js";
import { checkPublicJwks, type PublicJwk } from "../keys/jwk.ts";
import { checkJwksUri } from "../keys/jwks-uri.ts";
import { checkStatusListEntry } from "../status/allowed.ts";
import { isKnownUnit } from "../units/registry.ts";
import { parsePositiveAmount, type Atto } from "../amount/decimal.ts";
import { parseTimestamp } from "../time/timestamp.ts";
import type { Algorithm } from "../token/header.ts";
import type { FederationSettings } from "../../generated/types.ts";
import { loadFederation, type Federation, type Peer, type PeerDocument } from "./peers.ts";

export type { Federation, Peer };

/** Whoever signs with keys of its own entry: a carrier, a provider or an operator (§5.4, §5.5). */
export interface KeyHolder {
  id: string;
  jwks_uri?: string;
  /** Inline keys by kid, checked at load. */
  inlineKeys: Map<string, PublicJwk>;
}

export interface Carrier extends KeyHolder {
  id: string;
  issuer: string;
  jwks?: { keys: unknown[] };
  jwks_uri?: string;
  algorithms: Algorithm[];
  status: "active" | "suspended";
  max_token_lifetime?: number;
  /** Gateway ids allowed to hold this carrier's balances (spec §11.2). */
  homes?: string[];
  /** Inline keys by kid, checked at load. */
  inlineKeys: Map<string, PublicJwk>;
  /** Where its status lists may be fetched from (`spec/oct.md` §5.3). */
  status_lists?: string[];
}

export interface Provider extends KeyHolder {
  id: string;
  adapter: "ledger" | "webhook";
  units: string[];
  endpoint?: string;
  timeout_ms?: number;
  /** The keys it authenticates with (§5.6, §7.13); without any, it cannot. */
  jwks?: { keys: unknown[] };
}

/** Whoever runs the gateway: reads every entry and the metrics (§5.2, §7.13). */
export interface Operator extends KeyHolder {
  jwks?: { keys: unknown[] };
}

export interface Tariff {
  carrier: string;
  from: string;
  provider: string;
  to: string;
  rate: string;
  valid_from: string;
  valid_until?: string;
}

export interface Limits {
  token_max_bytes: number;
  body_max_bytes: number;
  clock_skew_seconds: number;
  reservation_ttl_seconds: number;
  authorization_ttl_seconds: number;
  quote_ttl_seconds: number;
  quote_max_live_per_token: number;
  ledger_lock_timeout_ms: number;
  jwks_cache_seconds: number;
  jwks_cooldown_seconds: number;
  jwks_grace_seconds: number;
  jwks_fetch_timeout_ms: number;
  jwks_max_bytes: number;
  jwks_max_keys: number;
  verify_cache_max_entries: number;
  verify_cache_max_bytes: number;
  status_list_cache_seconds: number;
  status_list_cooldown_seconds: number;
  status_list_grace_seconds: number;
  status_list_fetch_timeout_ms: number;
  status_list_max_bytes: number;
  dpop_max_age_seconds: number;
  http_max_connections: number;
  http_headers_timeout_ms: number;
  http_request_timeout_ms: number;
  http_keep_alive_timeout_ms: number;
}

/** A webhook provider's `timeout_ms` when it names none (`spec/oct.md` §5.6). */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

/** Defaults for every named limit (`spec/oct.md` §5.8). */
export const DEFAULT_LIMITS: Limits = {
  token_max_bytes: 8192,
  body_max_bytes: 16384,
  clock_skew_seconds: 60,
  reservation_ttl_seconds: 60,
  authorization_ttl_seconds: 600,
  quote_ttl_seconds: 300,
  quote_max_live_per_token: 100,
  ledger_lock_timeout_ms: 2000,
  jwks_cache_seconds: 600,
  jwks_cooldown_seconds: 30,
  jwks_grace_seconds: 3600,
  jwks_fetch_timeout_ms: 5000,
  jwks_max_bytes: 65536,
  jwks_max_keys: 32,
  verify_cache_max_entries: 10_000,
  verify_cache_max_bytes: 16_777_216,
  status_list_cache_seconds: 300,
  status_list_cooldown_seconds: 30,
  status_list_grace_seconds: 600,
  status_list_fetch_timeout_ms: 5000,
  status_list_max_bytes: 1_048_576,
  dpop_max_age_seconds: 60,
  http_max_connections: 512,
  http_headers_timeout_ms: 10000,
  http_request_timeout_ms: 30000,
  http_keep_alive_timeout_ms: 5000,
};

export interface NetworkDocument {
  gateway: {
    id: string;
    receipt_keys?: { keys: Record<string, unknown>[] };
    operators?: Omit<Operator, "inlineKeys">[];
  };
  carriers: Omit<Carrier, "inlineKeys">[];
  providers: Omit<Provider, "inlineKeys">[];
  tariffs: Tariff[];
  limits?: Partial<Limits>;
  peers?: PeerDocument[];
  federation?: FederationSettings;
}

/** A configuration problem, located by JSON Pointer. */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly pointer: string;
  /** What is wrong there, without the location. */
  readonly reason: string;

  /** `source` names the file or binding the document came from, when known. */
  constructor(pointer: string, reason: string, source?: string) {
    super(`network configuration${source ? ` ${source}` : ""}: at "${pointer}": ${reason}`);
    this.pointer = pointer;
    this.reason = reason;
  }
}

/** A checked network configuration with the lookups the gateway needs. */
export interface Network {
  document: NetworkDocument;
  gatewayId: string;
  limits: Limits;
  carriers: Carrier[];
  providers: Provider[];
  operators: Operator[];
  tariffs: Tariff[];
  carrierByIssuer(issuer: string): Carrier | undefined;
  carrierById(id: string): Carrier | undefined;
  providerById(id: string): Provider | undefined;
  /** The gateways this one federates with (spec §5.10), and the settings of §5.11. */
  peers: Peer[];
  federation: Federation;
  peerById(id: string): Peer | undefined;
  operatorById(id: string): Operator | undefined;
}

/**
 * Checks a network configuration document and builds its lookups.
 *
 * @example
 * const network = loadNetwork(JSON.parse(readFileSync("network.json", "utf8")));
 */
export function loadNetwork(document: unknown): Network {
  if (!validateNetworkConfig(document)) {
    const first = validateNetworkConfig.errors?.[0];
    throw new ConfigError(first?.instancePath ?? "", schemaReason(first));
  }
  const doc = document as unknown as NetworkDocument;
  const limits: Limits = { ...DEFAULT_LIMITS, ...doc.limits };
  // A request's whole-request time includes its header time (§5.8): the
  // default header time yields to a shorter request time, a configured one is checked.
  if (doc.limits?.http_headers_timeout_ms === undefined) {
    limits.http_headers_timeout_ms = Math.min(
      limits.http_headers_timeout_ms,
      limits.http_request_timeout_ms,
    );
  } else if (limits.http_headers_timeout_ms > limits.http_request_timeout_ms) {
    throw new ConfigError(
      "/limits/http_headers_timeout_ms",
      `must not exceed http_request_timeout_ms (${limits.http_request_timeout_ms})`,
    );
  }

  const carriers: Carrier[] = [];
  const byIssuer = new Map<string, Carrier>();
  const byId = new Map<string, Carrier>();
  doc.carriers.forEach((c, i) => {
    if (byId.has(c.id)) throw new ConfigError(`/carriers/${i}/id`, `duplicate carrier id ${c.id}`);
    if (byIssuer.has(c.issuer))
      throw new ConfigError(`/carriers/${i}/issuer`, `duplicate issuer ${c.issuer}`);
    c.status_lists?.forEach((entry, j) => {
      const problem = checkStatusListEntry(entry);
      if (problem) throw new ConfigError(`/carriers/${i}/status_lists/${j}`, problem);
    });
    const carrier: Carrier = { ...c, inlineKeys: keysOf(c, `/carriers/${i}`, limits) };
    carriers.push(carrier);
    byId.set(c.id, carrier);
    byIssuer.set(c.issuer, carrier);
  });

  const providers = new Map<string, Provider>();
  doc.providers.forEach((p, i) => {
    if (providers.has(p.id))
      throw new ConfigError(`/providers/${i}/id`, `duplicate provider id ${p.id}`);
    p.units.forEach((unit, j) => {
      if (!isKnownUnit(unit))
        throw new ConfigError(`/providers/${i}/units/${j}`, `unknown unit ${unit}`);
    });
    // A webhook's answer must come before its reservation expires (§5.6), the default timeout too.
    const timeout = p.timeout_ms ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    if (p.adapter === "webhook" && timeout >= limits.reservation_ttl_seconds * 1000)
      throw new ConfigError(
        `/providers/${i}${p.timeout_ms === undefined ? "" : "/timeout_ms"}`,
        `the webhook timeout${p.timeout_ms === undefined ? `, ${DEFAULT_WEBHOOK_TIMEOUT_MS} ms by default,` : ""} must be less than reservation_ttl_seconds (${limits.reservation_ttl_seconds} s)`,
      );
    providers.set(p.id, { ...p, inlineKeys: keysOf(p, `/providers/${i}`, limits) });
  });

  const operators = new Map<string, Operator>();
  doc.gateway.operators?.forEach((o, i) => {
    const at = `/gateway/operators/${i}`;
    if (operators.has(o.id)) throw new ConfigError(`${at}/id`, `duplicate operator id ${o.id}`);
    operators.set(o.id, { ...o, inlineKeys: keysOf(o, at, limits) });
  });

  doc.tariffs.forEach((t, i) => {
    const at = `/tariffs/${i}`;
    if (!byId.has(t.carrier))
      throw new ConfigError(`${at}/carrier`, `unknown carrier ${t.carrier}`);
    const provider = providers.get(t.provider);
    if (!provider) throw new ConfigError(`${at}/provider`, `unknown provider ${t.provider}`);
    if (!isKnownUnit(t.from)) throw new ConfigError(`${at}/from`, `unknown unit ${t.from}`);
    if (!provider.units.includes(t.to)) {
      throw new ConfigError(`${at}/to`, `provider ${t.provider} does not sell ${t.to}`);
    }
    for (const member of ["valid_from", "valid_until"] as const) {
      const text = t[member];
      if (text !== undefined && parseTimestamp(text) === undefined) {
        throw new ConfigError(`${at}/${member}`, `${text} is not a real instant`);
      }
    }
    if (t.valid_until !== undefined && Date.parse(t.valid_until) <= Date.parse(t.valid_from)) {
      throw new ConfigError(`${at}/valid_until`, "must be later than valid_from");
    }
    // Two tariffs for one conversion at one instant would make the rate a guess (spec §5.7).
    doc.tariffs.slice(0, i).forEach((earlier, j) => {
      if (
        earlier.carrier === t.carrier &&
        earlier.from === t.from &&
        earlier.provider === t.provider &&
        earlier.to === t.to &&
        periodsOverlap(earlier, t)
      ) {
        throw new ConfigError(
          at,
          `overlaps /tariffs/${j} for the same carrier, units and provider`,
        );
      }
    });
  });

  const federated = loadFederation(
    {
      gatewayId: doc.gateway.id,
      peers: doc.peers,
      federation: doc.federation,
      carriers: doc.carriers,
      clockSkewSeconds: limits.clock_skew_seconds,
      jwksMaxKeys: limits.jwks_max_keys,
    },
    (pointer, reason) => {
      throw new ConfigError(pointer, reason);
    },
  );

  return {
    document: doc,
    gatewayId: doc.gateway.id,
    limits,
    carriers,
    providers: [...providers.values()],
    operators: [...operators.values()],
    tariffs: doc.tariffs,
    carrierByIssuer: (issuer) => byIssuer.get(issuer),
    carrierById: (id) => byId.get(id),
    providerById: (id) => providers.get(id),
    peers: federated.peers,
    federation: federated.federation,
    peerById: (id) => federated.peerById.get(id),
    operatorById: (id) => operators.get(id),
  };
}

/** An entry's inline keys, checked (§5.4), and its `jwks_uri`, checked (§5.5). */
function keysOf(
  entry: { jwks?: { keys: unknown[] }; jwks_uri?: string },
  at: string,
  limits: Limits,
): Map<string, PublicJwk> {
  if (entry.jwks_uri !== undefined) {
    const problem = checkJwksUri(entry.jwks_uri);
    if (problem) throw new ConfigError(`${at}/jwks_uri`, problem);
  }
  if (!entry.jwks) return new Map();
  const checked = checkPublicJwks(entry.jwks, limits.jwks_max_keys);
  if ("error" in checked) throw new ConfigError(`${at}/jwks`, checked.error);
  return checked.keys;
}

/** The members of a JWK that hold a private key (RFC 7518 §6). */
const PRIVATE_JWK_MEMBERS = new Set(["d", "p", "q", "dp", "dq", "qi", "oth", "k"]);
const ENTRY_KEY = /^\/(carriers|providers|gateway\/operators)\/\d+\/jwks\/keys\/\d+$/;

/**
 * The schema's complaint in words that say what is wrong: ajv's "must NOT
 * have additional properties" names neither the member nor, for a private
 * key pasted into a carrier entry, the mistake.
 */
function schemaReason(
  error: { instancePath: string; message?: string; params?: unknown } | undefined,
): string {
  const extra = (error?.params as { additionalProperty?: unknown } | undefined)?.additionalProperty;
  if (typeof extra !== "string") return error?.message ?? "does not match the schema";
  if (ENTRY_KEY.test(error!.instancePath) && PRIVATE_JWK_MEMBERS.has(extra))
    return `holds private member ${extra}: a ${entryKind(error!.instancePath)} entry takes public keys only (the output of \`oct jwks\`)`;
  return `has a member the schema does not allow: ${extra}`;
}

function entryKind(pointer: string): string {
  return pointer.startsWith("/carriers")
    ? "carrier"
    : pointer.startsWith("/providers")
      ? "provider"
      : "operator";
}

function periodsOverlap(a: Tariff, b: Tariff): boolean {
  const end = (t: Tariff) => (t.valid_until === undefined ? Infinity : Date.parse(t.valid_until));
  return Date.parse(a.valid_from) < end(b) && Date.parse(b.valid_from) < end(a);
}

/** The rate of a tariff as an exact amount (checked by the schema). */
export function tariffRate(tariff: Tariff): Atto {
  return parsePositiveAmount(tariff.rate)!;
}
