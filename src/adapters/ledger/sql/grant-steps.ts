/**
 * @module The ledger's federation steps in SQL (`spec/oct.md` §11.5, §11.6,
 * §11.9), each run by `SqlLedger` inside one transaction on the token
 * identity after its lapsed holds' expiry: the core decides (grant amount,
 * usage state machine, closing and reporting), this module moves the hold
 * and the grant's record together.
 */
import { formatAmount, parseAmount } from "../../../core/amount/decimal.ts";
import {
  available,
  adjust,
  capture,
  captureAndClose,
  type Account,
  type Hold,
} from "../../../core/hold/hold.ts";
import { acknowledge, closeGrant, reportDue } from "../../../core/federation/held-grant.ts";
import {
  applyUsage,
  decideGrant,
  newIssuedGrant,
  type UsageReport,
} from "../../../core/federation/issued-grant.ts";
import {
  heldOf,
  issuedOf,
  withHeld,
  withIssued,
  type HeldGrantRecord,
  type IssuedGrantRecord,
} from "../../../core/federation/records.ts";
import type { Federation } from "../../../core/network/peers.ts";
import type { IssueGrantInput, IssueGrantOutcome } from "../../../ports/grant-ledger.ts";
import type { SqlGrants } from "./grants.ts";
import type { SqlHolds } from "./holds.ts";

export interface GrantStepContext {
  holds: SqlHolds;
  grants: SqlGrants;
}

/** Spec §11.5 step 7: decide, place the grant's hold, record the grant. */
export function issueGrantStep(ctx: GrantStepContext, input: IssueGrantInput): IssueGrantOutcome {
  const { identity, terms, now } = input;
  const existing = ctx.grants.issued(identity.tokenKey, terms.id);
  if (existing) return { kind: "existing", record: existing };
  const opened = ctx.holds.open(identity);
  if ("mismatch" in opened) return { kind: "mismatch", recorded: opened.mismatch };
  // Throws insufficient_balance or token_expired: the transaction leaves no trace.
  const decision = decideGrant(
    input.ask,
    available(opened.account),
    now,
    input.tokenExp,
    input.settings,
  );
  const step = ctx.holds.place(identity.tokenKey, opened.account, {
    id: terms.id,
    kind: "grant",
    amount: decision.amount,
    expiresAt: decision.reportBy,
    onExpiry: "capture",
  });
  if (!step.ok)
    throw new Error(`ledger: a grant within the available balance was refused (${step.refusal})`);
  const issued = newIssuedGrant(terms.id, terms.visited, decision);
  const record = withIssued(
    {
      terms: {
        ...terms,
        amount: formatAmount(decision.amount),
        issuedAt: Math.floor(now / 1000) * 1000,
        validUntil: decision.validUntil,
        reportBy: decision.reportBy,
      },
      fingerprint: input.fingerprint,
      status: "open",
      reported: { seq: 0, used: "0", final: false },
    },
    issued,
  );
  ctx.grants.insertIssued(identity.tokenKey, record);
  return { kind: "issued", record };
}

/**
 * A grant's record as its hold now stands: lapsed once the hold expired
 * with nothing reported finally (spec §11.6 "Lapse"). Called for each grant
 * hold the identity's expiry closes.
 */
export function lapseIssuedGrant(ctx: GrantStepContext, tokenKey: string, hold: Hold): void {
  const record = ctx.grants.issued(tokenKey, hold.id);
  if (record && record.status === "open" && hold.closedBy === "expiry") {
    ctx.grants.saveIssued({ ...record, status: "lapsed" });
  }
}

/** Spec §11.6 step 5: the report through the state machine, then the hold and the record. */
export function applyUsageStep(
  ctx: GrantStepContext,
  tokenKey: string,
  id: string,
  report: UsageReport,
): { record: IssuedGrantRecord; replay: boolean } | undefined {
  const record = ctx.grants.issued(tokenKey, id);
  if (!record) return undefined;
  const outcome = applyUsage(issuedOf(record), report); // throws the refusal
  if (outcome.kind === "replay") return { record, replay: true };
  const used = report.used;
  const step = (account: Account, hold: Hold) =>
    record.status === "lapsed"
      ? adjust(account, hold, used)
      : report.final
        ? captureAndClose(account, hold, used)
        : capture(account, hold, used);
  const moved = ctx.holds.change(tokenKey, id, step);
  if (!moved?.ok) throw new Error(`ledger: grant ${id}'s hold refused a report the grant accepted`);
  const next = withIssued(record, outcome.grant);
  ctx.grants.saveIssued(next);
  return { record: next, replay: false };
}

/** Spec §11.9: close an open held grant once nothing is reserved against it. */
export function closeHeldStep(
  ctx: GrantStepContext,
  tokenKey: string,
  id: string,
): HeldGrantRecord | undefined {
  const record = ctx.grants.held(tokenKey, id);
  if (!record || record.status !== "open" || parseAmount(record.reserved)! > 0n) return record;
  const closed = withHeld(record, closeGrant(heldOf(record)));
  ctx.grants.saveHeld(closed);
  return closed;
}

/** Spec §11.9: the pending report, else a threshold report made pending now. */
export function planReportStep(
  ctx: GrantStepContext,
  tokenKey: string,
  id: string,
  settings: Pick<Federation, "report_threshold_percent">,
): HeldGrantRecord | undefined {
  const record = ctx.grants.held(tokenKey, id);
  if (!record || record.pending) return record;
  const due = reportDue(heldOf(record), settings);
  if (!due) return record;
  const planned = withHeld(record, { ...heldOf(record), pending: due });
  ctx.grants.saveHeld(planned);
  return planned;
}

/** The home acknowledged report `seq`. */
export function acknowledgeStep(
  ctx: GrantStepContext,
  tokenKey: string,
  id: string,
  seq: number,
): HeldGrantRecord | undefined {
  const record = ctx.grants.held(tokenKey, id);
  if (!record?.pending || record.pending.seq !== seq) return record;
  const held = heldOf(record);
  const done = withHeld(record, acknowledge(held, held.pending!));
  ctx.grants.saveHeld(done);
  return done;
}
