/**
 * @module The federation part of the network configuration (`spec/oct.md`
 * §5.3 `homes`, §5.10 peers, §5.11 settings): the gateways this one
 * federates with, where they are, which keys sign their documents, and the
 * carriers' allowed homes, checked at load like the rest of §5.
 */
import type { FederationSettings } from "../../generated/types.ts";
import { checkPublicJwks, type PublicJwk } from "../keys/jwk.ts";
import { checkJwksUri } from "../keys/jwks-uri.ts";

/** Every federation setting, defaults filled in. */
export type Federation = Required<FederationSettings>;

/** Defaults of `spec/oct.md` §5.11. */
export const DEFAULT_FEDERATION: Federation = {
  grant_ttl_seconds: 300,
  report_window_seconds: 300,
  prefetch_factor: 10,
  refill_below_debits: 2,
  report_threshold_percent: 50,
  idle_release_seconds: 60,
  home_retry_seconds: 5,
  peer_timeout_ms: 5000,
  peer_max_bytes: 65536,
};

export interface PeerDocument {
  id: string;
  url: string;
  jwks?: { keys: unknown[] };
  jwks_uri?: string;
}

/** A gateway this one federates with (§5.10). */
export interface Peer extends PeerDocument {
  /** Inline keys by kid, checked at load. */
  inlineKeys: Map<string, PublicJwk>;
}

/** What the checks need of the rest of the configuration. */
export interface FederationInput {
  gatewayId: string;
  peers?: PeerDocument[];
  federation?: FederationSettings;
  carriers: readonly { homes?: string[] }[];
  clockSkewSeconds: number;
  jwksMaxKeys: number;
}

export interface LoadedFederation {
  peers: Peer[];
  peerById: Map<string, Peer>;
  federation: Federation;
}

/** A refusal of the configuration at a JSON Pointer (thrown as the caller's ConfigError). */
export type Refuse = (pointer: string, reason: string) => never;

/**
 * Checks peers, carrier homes and federation settings: the rules the schema
 * cannot express.
 *
 * @example
 * const { peers } = loadFederation({ gatewayId, peers: doc.peers, carriers, ... }, refuse);
 */
export function loadFederation(input: FederationInput, refuse: Refuse): LoadedFederation {
  const peerById = new Map<string, Peer>();
  const peers: Peer[] = [];
  (input.peers ?? []).forEach((p, i) => {
    const at = `/peers/${i}`;
    if (p.id === input.gatewayId) refuse(`${at}/id`, "a peer cannot be this gateway itself");
    if (peerById.has(p.id)) refuse(`${at}/id`, `duplicate peer id ${p.id}`);
    const urlProblem = checkPeerUrl(p.url);
    if (urlProblem) refuse(`${at}/url`, urlProblem);
    if (p.jwks_uri !== undefined) {
      const problem = checkJwksUri(p.jwks_uri);
      if (problem) refuse(`${at}/jwks_uri`, problem);
    }
    let inlineKeys = new Map<string, PublicJwk>();
    if (p.jwks) {
      const checked = checkPublicJwks(p.jwks, input.jwksMaxKeys);
      if ("error" in checked) refuse(`${at}/jwks`, checked.error);
      inlineKeys = checked.keys;
    }
    const peer: Peer = { ...p, inlineKeys };
    peers.push(peer);
    peerById.set(p.id, peer);
  });

  input.carriers.forEach((carrier, i) => {
    carrier.homes?.forEach((home, j) => {
      if (home !== input.gatewayId && !peerById.has(home)) {
        refuse(`/carriers/${i}/homes/${j}`, `${home} is neither this gateway nor a peer`);
      }
    });
  });

  const federation: Federation = { ...DEFAULT_FEDERATION, ...input.federation };
  // A final report sent at valid_until must reach the home before report_by
  // even when the two clocks differ by the skew each way (§5.11).
  if (federation.report_window_seconds < 2 * input.clockSkewSeconds) {
    refuse(
      "/federation/report_window_seconds",
      `must be at least twice clock_skew_seconds (${2 * input.clockSkewSeconds})`,
    );
  }
  return { peers, peerById, federation };
}

/** Why a peer's base URL is refused, or `undefined` (§5.10: the jwks_uri rules, no query). */
function checkPeerUrl(url: string): string | undefined {
  const problem = checkJwksUri(url);
  if (problem) return problem;
  return new URL(url).search ? "must not have a query" : undefined;
}
