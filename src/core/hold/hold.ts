/**
 * @module The hold (`spec/oct.md` §8.1): an amount of a token's face value
 * set aside until it expires, captured in part or whole, then closed. The
 * state machine and its exact arithmetic, pure: the ledger adapters run each
 * step serialised on one token identity and store what it returns.
 */
import type { Atto } from "../amount/decimal.ts";

/** What a hold pays for: a redemption (automatic capture), an authorisation (manual capture), a federation grant. */
export type HoldKind = "redemption" | "authorization" | "grant";
/** What the ledger does with an open hold at its expiry. */
export type OnExpiry = "release" | "capture";

/** One token identity's totals, in its unit. */
export interface Account {
  faceValue: Atto;
  /** Sum of every hold's captured amount. */
  committed: Atto;
  /** Sum over open holds of (amount - captured). */
  held: Atto;
}

export interface Hold {
  /** Unguessable, unique in the gateway. */
  id: string;
  kind: HoldKind;
  /** The most it may capture. */
  amount: Atto;
  /** Captured so far: 0 <= captured <= amount. */
  captured: Atto;
  status: "open" | "closed";
  /** ms since the epoch. */
  expiresAt: number;
  onExpiry: OnExpiry;
  /** How a closed hold closed: asked to, or at its expiry. */
  closedBy?: "close" | "expiry";
  /**
   * A hold closed by expiry with `onExpiry` capture: what it had captured
   * before expiry captured the rest. A late report may lower `captured` no
   * further than this.
   */
  capturedBeforeExpiry?: Atto;
  /** A grant closed by expiry whose late final report has been applied. */
  adjusted?: boolean;
}

/** Why a step was refused; nothing changed. */
export type HoldRefusal =
  /** place: committed + held + amount would exceed the face value. */
  | "insufficient"
  /** capture of a closed hold. */
  | "closed"
  /** capture below what is already captured: captures are cumulative. */
  | "below_captured"
  /** capture above the hold's amount. */
  | "above_amount"
  /**
   * adjust of a hold that is not a grant closed by expiry, a total outside
   * [captured before expiry, captured], or a second, different adjustment.
   */
  | "not_adjustable";

export type HoldStep =
  /** `changed` false: the step was a no-op (a repeated capture, close or adjustment). */
  | { ok: true; account: Account; hold: Hold; changed: boolean }
  | { ok: false; refusal: HoldRefusal };

export interface HoldRequest {
  id: string;
  kind: HoldKind;
  amount: Atto;
  expiresAt: number;
  onExpiry: OnExpiry;
}

const refused = (refusal: HoldRefusal): HoldStep => ({ ok: false, refusal });
const unchanged = (account: Account, hold: Hold): HoldStep => ({
  ok: true,
  account,
  hold,
  changed: false,
});

/** What can still be held or committed: face value - committed - held. */
export function available(account: Account): Atto {
  return account.faceValue - account.committed - account.held;
}

/**
 * The invariant of spec §8.2 item 1 and the bounds of each total; throws
 * on a corrupt account, so a broken ledger stops rather than spends.
 */
export function checkAccount(account: Account): void {
  if (account.committed < 0n || account.held < 0n || available(account) < 0n) {
    throw new Error(
      `ledger: broken account (face ${account.faceValue}, committed ${account.committed}, held ${account.held})`,
    );
  }
}

/** Sets `request.amount` aside: refused when committed + held + amount > face value. */
export function place(account: Account, request: HoldRequest): HoldStep {
  if (request.amount <= 0n) throw new RangeError("a hold's amount is positive");
  if (request.amount > available(account)) return refused("insufficient");
  return {
    ok: true,
    account: { ...account, held: account.held + request.amount },
    hold: { ...request, captured: 0n, status: "open" },
    changed: true,
  };
}

type Moved = { account: Account; hold: Hold };

/** An open hold's capture grown to `to` (captured <= to <= amount). */
function captureTo(account: Account, hold: Hold, to: Atto): Moved {
  const delta = to - hold.captured;
  return {
    account: { ...account, committed: account.committed + delta, held: account.held - delta },
    hold: { ...hold, captured: to },
  };
}

/** An open hold closed, what it did not capture returned. */
function closeOpen(account: Account, hold: Hold, by: "close" | "expiry"): Moved {
  return {
    account: { ...account, held: account.held - (hold.amount - hold.captured) },
    hold: { ...hold, status: "closed", closedBy: by },
  };
}

/**
 * Captures up to `to` in total (cumulative and monotone): committed grows,
 * held shrinks, by `to - captured`. The same `to` again is a no-op.
 */
export function capture(account: Account, hold: Hold, to: Atto): HoldStep {
  if (hold.status === "closed") return refused("closed");
  if (to < hold.captured) return refused("below_captured");
  if (to > hold.amount) return refused("above_amount");
  if (to === hold.captured) return unchanged(account, hold);
  return { ok: true, ...captureTo(account, hold, to), changed: true };
}

/** Closes the hold, returning what it did not capture. A closed hold is left as it is. */
export function close(account: Account, hold: Hold): HoldStep {
  if (hold.status === "closed") return unchanged(account, hold);
  return { ok: true, ...closeOpen(account, hold, "close"), changed: true };
}

/**
 * Captures up to `to` in total, then closes: the usual end of a hold (a
 * commit, a capture, a final report). Repeating it on the hold it closed,
 * with the same total, is a no-op.
 */
export function captureAndClose(account: Account, hold: Hold, to: Atto): HoldStep {
  if (hold.status === "closed") {
    return hold.captured === to ? unchanged(account, hold) : refused("closed");
  }
  const captured = capture(account, hold, to);
  if (!captured.ok) return captured;
  return { ok: true, ...closeOpen(captured.account, captured.hold, "close"), changed: true };
}

/** One open hold at its expiry: closed with what it captured, or captured whole first. */
function expireOne(account: Account, hold: Hold): Moved {
  if (hold.onExpiry === "release") return closeOpen(account, hold, "expiry");
  const whole = captureTo(account, hold, hold.amount);
  const closed = closeOpen(whole.account, whole.hold, "expiry");
  return { account: closed.account, hold: { ...closed.hold, capturedBeforeExpiry: hold.captured } };
}

/**
 * Every open hold with `expiresAt <= now` reaches its expiry: `release`
 * holds close with what they captured, `capture` holds capture their
 * amount, then close. Returns the account and the holds that changed.
 */
export function expire(
  account: Account,
  holds: readonly Hold[],
  now: number,
): { account: Account; expired: Hold[] } {
  let current = account;
  const expired: Hold[] = [];
  for (const hold of holds) {
    if (hold.status !== "open" || hold.expiresAt > now) continue;
    const step = expireOne(current, hold);
    current = step.account;
    expired.push(step.hold);
  }
  return { account: current, expired };
}

/**
 * A late, final report of a grant closed by expiry (counted fully used):
 * `captured` falls to the reported total, and committed with it. Allowed
 * once; the same total again is a no-op.
 */
export function adjust(account: Account, hold: Hold, reported: Atto): HoldStep {
  const adjustable =
    hold.kind === "grant" &&
    hold.status === "closed" &&
    hold.closedBy === "expiry" &&
    hold.onExpiry === "capture";
  if (!adjustable) return refused("not_adjustable");
  if (hold.adjusted) {
    return reported === hold.captured ? unchanged(account, hold) : refused("not_adjustable");
  }
  const floor = hold.capturedBeforeExpiry ?? 0n;
  if (reported < floor || reported > hold.captured) return refused("not_adjustable");
  return {
    ok: true,
    account: { ...account, committed: account.committed - (hold.captured - reported) },
    hold: { ...hold, captured: reported, adjusted: true },
    changed: true,
  };
}
