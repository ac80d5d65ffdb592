/**
 * @module The verified-token cache (`spec/oct.md` §6.4): the outcome of
 * §6.2 kept for a token seen before, so that a token presented again costs a
 * look-up instead of its parse, schema and signature. It sits inside
 * `verifyToken`, under whatever runs after it: the ledger, and any later
 * check of the token, run on every request, cached or not.
 *
 * A kept outcome is used again only while the configuration is the same
 * object (a reload builds a new one), its carrier is still that active
 * carrier, step 6 still selects the very key that verified it (the key
 * source's own look-up runs, with the refresh of a stale fetched set, so a
 * withdrawn key stops verifying no later than without the cache) and the
 * clock still passes step 8's time checks. Anything else falls back to the
 * whole of §6.2, so a token's verdict is the one it would have had uncached.
 * Refusals are never kept. Bounded by entries and by bytes, least recently
 * used first out.
 */
import type { PublicJwk } from "../keys/jwk.ts";
import type { Limits, Network } from "../network/config.ts";
import type { KeySource } from "../../ports/keys.ts";
import { checkTimes } from "./claims.ts";
import type { VerifiedToken, VerifyContext } from "./verify.ts";

/**
 * What one kept outcome is counted as, beyond twice its token's length (the
 * token as the map's key, and its claims decoded): the entry, the header and
 * claim objects and the map's own slot. Measured in `bench/scale.ts`.
 */
export const ENTRY_OVERHEAD_BYTES = 1024;

interface Entry {
  verified: VerifiedToken;
  /** The configuration it was verified under. */
  network: Network;
  /** The key that verified its signature, as step 6 returned it. */
  key: PublicJwk;
  bytes: number;
}

/** Whether step 8's time checks (items 3 and 4) pass now. */
function inTime({ claims }: VerifiedToken, { clock, network }: VerifyContext): boolean {
  try {
    checkTimes(claims, {
      now: Math.floor(clock.now() / 1000),
      clockSkewSeconds: network.limits.clock_skew_seconds,
    });
    return true;
  } catch {
    return false;
  }
}

/** How the cache counts a kept token's memory (`verify_cache_max_bytes`). */
export const entryBytes = (token: string) => 2 * token.length + ENTRY_OVERHEAD_BYTES;

/** §6.2 without the cache: what the cache falls back to and keeps the outcome of. */
export type VerifySteps = (token: unknown, context: VerifyContext) => Promise<VerifiedToken>;

export class VerifiedTokenCache {
  // A Map iterates in insertion order: re-inserting on each use keeps the
  // least recently used first, where eviction takes from.
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;

  constructor(limits: Pick<Limits, "verify_cache_max_entries" | "verify_cache_max_bytes">) {
    this.maxEntries = limits.verify_cache_max_entries;
    this.maxBytes = limits.verify_cache_max_bytes;
  }

  /** Tokens kept now. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes kept now, as `verify_cache_max_bytes` counts them. */
  get byteSize(): number {
    return this.bytes;
  }

  /**
   * The outcome of §6.2 for `token`: kept from before while it still holds,
   * else from `steps`, and kept when it is a verified token.
   *
   * @example
   * const verified = await cache.verify(token, context, verifySignedToken);
   */
  async verify(token: unknown, context: VerifyContext, steps: VerifySteps): Promise<VerifiedToken> {
    if (typeof token !== "string") return steps(token, context);
    const entry = this.entries.get(token);
    if (entry) {
      if ((await this.holds(entry, context)) && inTime(entry.verified, context)) {
        this.entries.delete(token);
        this.entries.set(token, entry);
        return entry.verified;
      }
      // The whole of §6.2 says why (and tells `onStep` where it stopped).
      this.drop(token, entry);
    }
    // Step 6 through a decorated key source, to learn which key verified it.
    let key: PublicJwk | undefined;
    const keys: KeySource = {
      keyFor: async (carrier, kid) => (key = await context.keys.keyFor(carrier, kid)),
    };
    const verified = await steps(token, { ...context, keys });
    if (key)
      this.keep(token, { verified, network: context.network, key, bytes: entryBytes(token) });
    return verified;
  }

  /** Whether nothing but the clock could change the outcome kept in `entry`. */
  private async holds(entry: Entry, context: VerifyContext): Promise<boolean> {
    const { carrier, header } = entry.verified;
    if (context.network !== entry.network) return false;
    if (context.network.carrierByIssuer(carrier.issuer) !== carrier) return false;
    if (carrier.status !== "active" || !carrier.algorithms.includes(header.alg)) return false;
    try {
      return (await context.keys.keyFor(carrier, header.kid)) === entry.key;
    } catch {
      // Keys unavailable now: §6.2 in full gives the verdict.
      return false;
    }
  }

  private keep(token: string, entry: Entry): void {
    if (entry.bytes > this.maxBytes) return;
    const old = this.entries.get(token);
    if (old) this.drop(token, old);
    this.entries.set(token, entry);
    this.bytes += entry.bytes;
    for (const [oldest, evicted] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.drop(oldest, evicted);
    }
  }

  private drop(token: string, entry: Entry): void {
    if (this.entries.get(token) !== entry) return;
    this.entries.delete(token);
    this.bytes -= entry.bytes;
  }
}
