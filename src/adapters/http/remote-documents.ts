/**
 * @module Documents a gateway fetches from the URLs its configuration names
 * and keeps while they are good: carriers' key sets (`spec/oct.md` §5.5) and
 * status lists (§6.5), one set of rules for both. Fetched on first need,
 * refreshed in the request when stale, or when the caller's need is not met
 * (an unknown `kid`, an index beyond the list), at most once per cooldown;
 * one fetch in flight per URL, shared by every caller that needs it;
 * fetched with a timeout, without redirects, under a size cap. When a
 * refresh fails the last good document serves until its usable time ends.
 * What "good", "fresh" and "usable" mean is the document kind's judgement.
 */
import { checkJwksUri } from "../../core/keys/jwks-uri.ts";
import type { Clock } from "../../ports/clock.ts";
import { readCapped } from "./read-capped.ts";

/** A document as last fetched, kept where the runtime can keep it. */
export interface StoredDocument {
  /** The body as fetched; judged again when read back (the store is outside the process). */
  body: string;
  /** When it was fetched, in ms since the epoch. */
  fetchedAt: number;
}

/**
 * Storage for fetched documents that outlives one process or isolate (the
 * Cache API on Workers); the fetcher also keeps its own copy in memory.
 */
export interface DocumentStore {
  get(uri: string): Promise<StoredDocument | undefined>;
  put(uri: string, entry: StoredDocument): Promise<void>;
}

/** A document found good: its value, and until when (ms since the epoch) it is fresh, then usable. */
export interface Judged<T> {
  value: T;
  freshUntil: number;
  usableUntil: number;
}

/** How one kind of document is fetched. */
export interface FetchRules {
  timeoutMs: number;
  maxBytes: number;
  /** The least time between the starts of two fetches of one URL. */
  cooldownMs: number;
  /** The request's `Accept` field. */
  accept: string;
  /** What the document is, for messages ("key set"). */
  what: string;
}

export interface RemoteDocumentsOptions<T> {
  clock: Clock;
  rules: FetchRules;
  /**
   * The value of a body fetched at `fetchedAt` and its times; throws when the
   * body is not a good document of its kind (a failed fetch).
   */
  judge(uri: string, body: string, fetchedAt: number): Promise<Judged<T>>;
  fetch?: typeof fetch;
  store?: DocumentStore;
}

interface State<T> {
  judged?: Judged<T>;
  /** Start of the last fetch, successful or not: the cooldown runs from it. */
  attemptedAt: number;
  /** The fetch in flight, which every caller that needs the document awaits. */
  pending?: Promise<void>;
}

/** URLs remembered at once; a token can name only URLs its carrier allows, but not how many. */
const MAX_URLS = 1024;

export class RemoteDocuments<T> {
  /** Per URL, the state once the shared store has been read into it. */
  private readonly states = new Map<string, Promise<State<T>>>();
  private readonly options: RemoteDocumentsOptions<T>;
  /** Fetches made, for metrics and tests. */
  fetches = 0;

  constructor(options: RemoteDocumentsOptions<T>) {
    this.options = options;
  }

  /**
   * The usable document at `uri`, refreshed first when it is stale or does
   * not `satisfy` the caller, as far as the cooldown allows; `undefined`
   * when no usable document can be had.
   */
  async get(uri: string, satisfies: (value: T) => boolean = () => true): Promise<T | undefined> {
    const { clock, rules } = this.options;
    const state = await this.stateOf(uri);
    const judged = state.judged;
    if (judged && clock.now() < judged.freshUntil && satisfies(judged.value)) return judged.value;
    // Stale, missing, or not what the caller needs (a rotation, a grown
    // list): wait for the fetch in flight if there is one (concurrent callers
    // share it), else start one, at most once per cooldown so a flood of
    // unmet needs costs one fetch. The refresh happens in the request, never
    // in the background (spec §5.5 item 6).
    if (state.pending) await state.pending;
    else if (clock.now() - state.attemptedAt >= rules.cooldownMs) await this.refresh(uri, state);
    const after = state.judged;
    return after && clock.now() < after.usableUntil ? after.value : undefined;
  }

  /** The state of `uri`, read once from the shared store by whichever caller comes first. */
  private stateOf(uri: string): Promise<State<T>> {
    let state = this.states.get(uri);
    if (!state) {
      if (this.states.size >= MAX_URLS) this.states.delete(this.states.keys().next().value!);
      state = this.load(uri);
      this.states.set(uri, state);
    }
    return state;
  }

  private async load(uri: string): Promise<State<T>> {
    const state: State<T> = { attemptedAt: -Infinity };
    const stored = await this.options.store?.get(uri).catch(() => undefined);
    if (stored) {
      try {
        state.judged = await this.options.judge(uri, stored.body, stored.fetchedAt);
      } catch {
        // Not good any more (or never was): as if nothing were stored.
      }
    }
    return state;
  }

  private refresh(uri: string, state: State<T>): Promise<void> {
    const { clock, judge, store } = this.options;
    state.attemptedAt = clock.now();
    state.pending = (async () => {
      try {
        const body = await this.download(uri);
        const fetchedAt = clock.now();
        const judged = await judge(uri, body, fetchedAt);
        if (judged.usableUntil <= clock.now()) throw new Error("no longer usable");
        state.judged = judged;
        await store?.put(uri, { body, fetchedAt }).catch(() => undefined);
      } catch {
        // Keep the last good document; get decides whether it may still serve.
      } finally {
        state.pending = undefined;
      }
    })();
    return state.pending;
  }

  private async download(uri: string): Promise<string> {
    const problem = checkJwksUri(uri);
    if (problem) throw new Error(problem);
    const { rules } = this.options;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), rules.timeoutMs);
    this.fetches++;
    try {
      const response = await (this.options.fetch ?? fetch)(uri, {
        redirect: "manual",
        signal: controller.signal,
        headers: { accept: rules.accept },
      });
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      return await readCapped(response, rules.maxBytes, rules.what);
    } finally {
      clearTimeout(timer);
    }
  }
}
