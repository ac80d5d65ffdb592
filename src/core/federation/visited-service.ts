/**
 * @module A visited gateway's grants (`spec/oct.md` §11.9): finding the
 * grant a debit draws on, asking the home for one when none has room (one
 * request per token at a time, recorded before it is sent), and the
 * reporting that closes grants and tells the home what they were used for,
 * retried until acknowledged. The ledger keeps every state; this object
 * keeps only what may be lost (the pause after a failed home, the last
 * debit, requests in flight).
 */
import { formatAmount, parseAmount, type Atto } from "../amount/decimal.ts";
import { OctError } from "../errors.ts";
import type { Peer } from "../network/peers.ts";
import type { GrantAskRecord, GrantLedger, GrantWork } from "../../ports/grant-ledger.ts";
import { requestGrant, reportUsage, type GrantAnswer, type HomeLink } from "./ask-home.ts";
import type { DocumentClaims } from "./documents.ts";
import {
  allowanceOf,
  closeGrant,
  closeReason,
  grantAsk,
  pickGrant,
  wantsRefill,
} from "./held-grant.ts";
import { HomePause } from "./home-pause.ts";
import { newFederationId } from "./ids.ts";
import { heldOf, withHeld, type HeldGrantRecord } from "./records.ts";

export interface VisitedDeps extends HomeLink {
  ledger: GrantLedger;
  /** Where a line about a refused report or a failed turn goes. */
  log?: (message: string) => void;
}

/** What a redemption brings to draw on a grant. */
export interface DrawRequest {
  tokenKey: string;
  /** The token as presented (sent to the home in a grant request). */
  token: string;
  identity: { iss: string; jti: string };
  unit: string;
  faceValue: string;
  debit: Atto;
  home: Peer;
  /** How long before `valid_until` a grant stops being drawable: the provider's timeout. */
  marginMs: number;
  /**
   * For a token bound to a holder key: the proof this gateway accepted for
   * the redemption, which a grant request it needs carries to the home
   * (spec §11.5 step 4). The home accepts a proof once, so it goes with one
   * grant request at most.
   */
  holderProof?: string;
}

const isUnavailable = (error: unknown) =>
  error instanceof OctError && error.code === "home_unavailable";

export class VisitedGrants {
  private readonly deps: VisitedDeps;
  private readonly pause: HomePause;
  /** Per token, the grant request in flight: concurrent redemptions wait for it. */
  private readonly asking = new Map<string, Promise<void>>();
  /** Per token, the last debit: the smallest a grant must still have room for. */
  private readonly lastDebit = new Map<string, Atto>();
  /**
   * The draws (one per redemption) whose holder proof went with a grant
   * request: the home accepts a proof once, so it is never sent again, even
   * when the redemption, its grant taken by another, looks for one again.
   */
  private readonly proofSent = new WeakSet<DrawRequest>();

  constructor(deps: VisitedDeps) {
    this.deps = deps;
    this.pause = new HomePause(deps.clock, deps.network.federation.home_retry_seconds);
  }

  /**
   * The held grant a debit draws on: a drawable one with room, else a new
   * one from the home. Throws `insufficient_balance`, a token refusal of the
   * home, or `home_unavailable`.
   *
   * @example
   * const grant = await visited.grantFor({ tokenKey, token, identity, unit, faceValue, debit, home, marginMs });
   */
  async grantFor(draw: DrawRequest): Promise<HeldGrantRecord> {
    this.lastDebit.set(draw.tokenKey, draw.debit);
    // Each turn finds room, or asks the home, which grants (the room may then
    // go to a concurrent redemption) or refuses: the face value bounds the turns.
    for (let attempt = 0; attempt < 50; attempt++) {
      const found = await this.drawable(draw);
      if (found) return found;
      if (this.proofSent.has(draw)) {
        // The holder's proof went with an earlier request, and the home accepts it once.
        throw new OctError(
          "home_unavailable",
          "the grant obtained with the holder's proof went to a concurrent redemption; send the request again with a new proof",
          { retryAfterSeconds: 1 },
        );
      }
      await this.ask(draw);
    }
    throw new OctError(
      "home_unavailable",
      "no grant from the token's home has room for this debit now; try again",
      { retryAfterSeconds: this.deps.network.federation.home_retry_seconds },
    );
  }

  /** After a commit: ask for the next grant now if the room left is below the refill threshold. */
  refillSoon(draw: DrawRequest): Promise<void> {
    return (async () => {
      // A bound token's grant request needs a proof of its own (spec §11.9 "Asking").
      if (draw.holderProof !== undefined) return;
      const grants = (await this.deps.ledger.heldGrants(draw.tokenKey)).map(heldOf);
      const room = allowanceOf(grants, this.deps.clock.now(), draw.marginMs);
      if (!wantsRefill(room, draw.debit, this.deps.network.federation)) return;
      await this.ask(draw).catch(() => undefined);
    })();
  }

  private async drawable(draw: DrawRequest): Promise<HeldGrantRecord | undefined> {
    const records = await this.deps.ledger.heldGrants(draw.tokenKey);
    const picked = pickGrant(records.map(heldOf), draw.debit, this.deps.clock.now(), draw.marginMs);
    return picked && records.find((r) => r.terms.id === picked.id);
  }

  /** One grant request per token at a time; others wait for it and look again. */
  private ask(draw: DrawRequest): Promise<void> {
    let pending = this.asking.get(draw.tokenKey);
    if (!pending) {
      pending = this.askNow(draw).finally(() => this.asking.delete(draw.tokenKey));
      this.asking.set(draw.tokenKey, pending);
    }
    return pending;
  }

  private async askNow(draw: DrawRequest): Promise<void> {
    this.pause.check(draw.home.id);
    const ask = grantAsk(draw.debit, parseAmount(draw.faceValue)!, this.deps.network.federation);
    const record: GrantAskRecord = {
      requestId: newFederationId("gr"),
      tokenKey: draw.tokenKey,
      home: draw.home.id,
      token: draw.token,
      amount: formatAmount(ask.amount),
      minAmount: formatAmount(ask.minAmount),
      unit: draw.unit,
      identity: draw.identity,
      faceValue: draw.faceValue,
      ...(draw.holderProof !== undefined ? { holderProof: draw.holderProof } : {}),
    };
    // Recorded before it is sent: a lost answer is asked for again, never left to lapse.
    await this.deps.ledger.recordAsk(record);
    if (draw.holderProof !== undefined) this.proofSent.add(draw);
    await this.send(record, draw.home);
  }

  /** Sends a recorded request and stores what comes back; throws what the redemption answers. */
  private async send(ask: GrantAskRecord, home: Peer): Promise<void> {
    let answer: GrantAnswer;
    try {
      answer = await requestGrant(this.deps, home, {
        token: ask.token,
        identity: ask.identity,
        unit: ask.unit,
        faceValue: ask.faceValue,
        amount: ask.amount,
        minAmount: ask.minAmount,
        requestId: ask.requestId,
        ...(ask.holderProof !== undefined ? { holderProof: ask.holderProof } : {}),
      });
    } catch (error) {
      if (isUnavailable(error)) {
        // Kept: the home may have granted and the answer been lost (spec §11.9).
        this.pause.failed(home.id, (error as OctError).retryAfterSeconds);
      } else {
        this.pause.answered(home.id);
        await this.deps.ledger.dropAsk(ask.tokenKey, ask.requestId);
      }
      throw error;
    }
    this.pause.answered(home.id);
    const record = heldRecordOf(answer.claims, answer.jws, this.deps.clock.now());
    if (answer.kind === "unusable") {
      // Genuine but not what was asked: closed at once, its final report (nothing used) pending.
      await this.deps.ledger.storeHeldGrant(
        ask.tokenKey,
        withHeld(record, closeGrant(heldOf(record))),
        ask.requestId,
      );
      throw new OctError(
        "home_unavailable",
        `the token's home sent a grant that ${answer.reason}`,
        {
          retryAfterSeconds: this.deps.network.federation.home_retry_seconds,
        },
      );
    }
    await this.deps.ledger.storeHeldGrant(ask.tokenKey, record, ask.requestId);
  }

  /**
   * One reporting turn for a token (spec §11.9): requests not answered are
   * sent again, grants no longer needed are closed, due reports are sent,
   * each acknowledged or kept for the next turn.
   */
  async report(tokenKey: string): Promise<void> {
    const { ledger, network, clock } = this.deps;
    for (const ask of await ledger.asks(tokenKey)) {
      const home = network.peerById(ask.home);
      if (!home) continue;
      try {
        this.pause.check(home.id);
        await this.send(ask, home);
      } catch {
        // Refused (forgotten) or unreachable (kept for the next turn).
      }
    }
    const smallest = this.lastDebit.get(tokenKey) ?? 1n;
    for (const record of await ledger.heldGrants(tokenKey)) {
      const id = record.terms.id;
      const home = network.peerById(record.terms.home);
      if (!home) continue;
      let current: HeldGrantRecord | undefined = record;
      if (closeReason(heldOf(record), clock.now(), smallest, network.federation)) {
        current = await ledger.closeHeldGrant(tokenKey, id, clock.now());
      }
      current = await ledger.planReport(tokenKey, id, network.federation, clock.now());
      const pending = current?.pending;
      if (!pending || this.paused(home.id)) continue;
      const answer = await reportUsage(this.deps, home, {
        grant: id,
        seq: pending.seq,
        used: pending.used,
        final: pending.final,
      });
      switch (answer.kind) {
        case "acknowledged":
          await ledger.acknowledgeReport(tokenKey, id, pending.seq);
          break;
        case "lapsed":
          // Counted as fully used at the home: close it, and report finally next turn.
          await ledger.closeHeldGrant(tokenKey, id, clock.now());
          break;
        case "refused":
          // Not retried: the grant is left to reconciliation (spec §11.11).
          this.deps.log?.(
            `oct: the home ${home.id} refused report ${pending.seq} of grant ${id}: ${answer.code} ${answer.detail}`,
          );
          await ledger.acknowledgeReport(tokenKey, id, pending.seq);
          break;
        case "retry":
          this.pause.failed(home.id);
          break;
      }
    }
  }

  private paused(home: string): boolean {
    try {
      this.pause.check(home);
      return false;
    } catch {
      return true;
    }
  }

  /** One reporting turn for every token with grant work; a token's failure does not stop the rest. */
  async reportAll(work: GrantWork): Promise<void> {
    for (const tokenKey of await work.tokensWithGrantWork()) {
      try {
        await this.report(tokenKey);
      } catch (error) {
        this.deps.log?.(`oct: reporting grants failed: ${(error as Error).message}`);
      }
    }
  }
}

/** A grant just received, as the visited gateway records it. */
export function heldRecordOf(
  claims: DocumentClaims["grant"],
  jws: string,
  now: number,
): HeldGrantRecord {
  const grant = claims.oct_grant;
  return {
    terms: {
      id: claims.jti,
      home: claims.iss,
      visited: claims.aud,
      token: grant.token,
      unit: grant.unit,
      faceValue: grant.face_value,
      amount: grant.amount,
      issuedAt: claims.iat * 1000,
      validUntil: claims.exp * 1000,
      reportBy: grant.report_by * 1000,
      request: grant.request,
      jws,
    },
    status: "open",
    committed: "0",
    reserved: "0",
    lastDrawnAt: now,
    acknowledged: { seq: 0, used: "0" },
  };
}
