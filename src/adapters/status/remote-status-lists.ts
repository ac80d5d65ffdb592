/**
 * @module Carriers' status lists (`spec/oct.md` §6.5) as
 * {@link RemoteDocuments}: fetched from the URLs the carrier's entry allows,
 * verified with that carrier's keys, fresh until the earliest of its `ttl`,
 * its `exp` and `status_list_cache_seconds`, refreshed at most once per
 * cooldown (also when a token's index lies beyond it), usable for a grace
 * period once stale while refreshes fail, never past its `exp`. One
 * fetcher per carrier, so a list is only ever judged with its carrier's keys.
 */
import { OctError } from "../../core/errors.ts";
import type { Carrier, Limits } from "../../core/network/config.ts";
import { verifyStatusListToken } from "../../core/status/list-token.ts";
import { entryCount, statusAt, type StatusList } from "../../core/status/status-list.ts";
import type { Clock } from "../../ports/clock.ts";
import type { KeySource } from "../../ports/keys.ts";
import type { SignatureVerifier } from "../../ports/signatures.ts";
import type { StatusListSource } from "../../ports/status-lists.ts";
import { RemoteDocuments, type DocumentStore, type Judged } from "../http/remote-documents.ts";

export type StatusListLimits = Pick<
  Limits,
  | "status_list_cache_seconds"
  | "status_list_cooldown_seconds"
  | "status_list_grace_seconds"
  | "status_list_fetch_timeout_ms"
  | "status_list_max_bytes"
  | "clock_skew_seconds"
>;

export interface RemoteStatusListsOptions {
  clock: Clock;
  limits: StatusListLimits;
  /** The carriers' keys, which sign their lists. */
  keys: KeySource;
  signatures: SignatureVerifier;
  fetch?: typeof fetch;
  store?: DocumentStore;
}

export class RemoteStatusLists implements StatusListSource {
  private readonly options: RemoteStatusListsOptions;
  private readonly byCarrier = new Map<string, RemoteDocuments<StatusList>>();

  constructor(options: RemoteStatusListsOptions) {
    this.options = options;
  }

  /** Fetches made, for metrics and tests. */
  get fetches(): number {
    let total = 0;
    for (const documents of this.byCarrier.values()) total += documents.fetches;
    return total;
  }

  async statusOf(carrier: Carrier, uri: string, idx: number): Promise<number | undefined> {
    const list = await this.listsOf(carrier).get(uri, (found) => idx < entryCount(found));
    if (!list) {
      throw new OctError(
        "status_unavailable",
        `the status list at ${uri} cannot be fetched, and no good copy is recent enough to use`,
      );
    }
    return statusAt(list, idx);
  }

  private listsOf(carrier: Carrier): RemoteDocuments<StatusList> {
    let documents = this.byCarrier.get(carrier.id);
    if (!documents) {
      const { clock, limits, fetch, store } = this.options;
      documents = new RemoteDocuments({
        clock,
        rules: {
          timeoutMs: limits.status_list_fetch_timeout_ms,
          maxBytes: limits.status_list_max_bytes,
          cooldownMs: limits.status_list_cooldown_seconds * 1000,
          accept: "application/statuslist+jwt",
          what: "status list",
        },
        judge: (uri, body, fetchedAt) => this.judge(carrier, uri, body, fetchedAt),
        ...(fetch ? { fetch } : {}),
        ...(store ? { store } : {}),
      });
      this.byCarrier.set(carrier.id, documents);
    }
    return documents;
  }

  private async judge(
    carrier: Carrier,
    uri: string,
    body: string,
    fetchedAt: number,
  ): Promise<Judged<StatusList>> {
    const { clock, limits, keys, signatures } = this.options;
    // A file served as is may end with a newline; the token itself cannot.
    const verified = await verifyStatusListToken(body.replace(/[\t\n\r ]+$/, ""), carrier, uri, {
      keys,
      signatures,
      now: clock.now(),
      clockSkewSeconds: limits.clock_skew_seconds,
      maxBytes: limits.status_list_max_bytes,
    });
    const { exp, ttl } = verified;
    const freshUntil = Math.min(
      fetchedAt + limits.status_list_cache_seconds * 1000,
      ttl !== undefined ? fetchedAt + ttl * 1000 : Infinity,
      exp !== undefined ? exp * 1000 : Infinity,
    );
    // Expired once exp <= now - skew, as a token is (spec §6.5 item 2).
    const expiresAt =
      exp !== undefined ? (exp + limits.clock_skew_seconds) * 1000 : Number.POSITIVE_INFINITY;
    return {
      value: verified.list,
      freshUntil,
      usableUntil: Math.min(freshUntil + limits.status_list_grace_seconds * 1000, expiresAt),
    };
  }
}
