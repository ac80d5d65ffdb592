/**
 * @module Token identities and their holds in SQL (`spec/oct.md` §8.1):
 * each change loads the identity's account and the hold, runs the core
 * state machine (`core/hold/hold.ts`) and stores what it returns. Every
 * method but the reads runs inside the caller's transaction, so a hold
 * moves together with whatever the caller records beside it (a redemption,
 * a settlement entry, a grant).
 */
import { formatAmount, parseAmount, type Atto } from "../../../core/amount/decimal.ts";
import {
  checkAccount,
  expire,
  place,
  type Account,
  type Hold,
  type HoldRequest,
  type HoldStep,
} from "../../../core/hold/hold.ts";
import type { TokenIdentity } from "../../../core/token/verify.ts";
import type { Row, SqlStatements } from "./driver.ts";

function atto(text: unknown): Atto {
  const value = parseAmount(text);
  if (value === undefined) throw new Error(`ledger: corrupt amount ${String(text)}`);
  return value;
}

/** A token identity as the ledger records it at its first hold (spec §6.3). */
export interface Identity {
  tokenKey: string;
  token: TokenIdentity;
  faceValue: string;
  unit: string;
}

/** The face value and unit an identity was first recorded with. */
export interface Recorded {
  faceValue: string;
  unit: string;
}

const HOLD_COLUMNS =
  "id, kind, amount, captured, status, expires_at, on_expiry, closed_by, captured_before_expiry, adjusted";

function holdOfRow(row: Row): Hold {
  return {
    id: String(row.id),
    kind: String(row.kind) as Hold["kind"],
    amount: atto(row.amount),
    captured: atto(row.captured),
    status: String(row.status) as Hold["status"],
    expiresAt: Number(row.expires_at),
    onExpiry: String(row.on_expiry) as Hold["onExpiry"],
    ...(row.closed_by !== null ? { closedBy: String(row.closed_by) as "close" | "expiry" } : {}),
    ...(row.captured_before_expiry !== null
      ? { capturedBeforeExpiry: atto(row.captured_before_expiry) }
      : {}),
    ...(Number(row.adjusted) === 1 ? { adjusted: true } : {}),
  };
}

const accountOfRow = (row: Row): Account => ({
  faceValue: atto(row.face_value),
  committed: atto(row.committed),
  held: atto(row.held),
});

export class SqlHolds {
  private readonly sql: SqlStatements;

  constructor(sql: SqlStatements) {
    this.sql = sql;
  }

  account(tokenKey: string): (Account & { recorded: Recorded }) | undefined {
    const row = this.sql.all("SELECT * FROM tokens WHERE token_key = ?", tokenKey)[0];
    return row
      ? {
          ...accountOfRow(row),
          recorded: { faceValue: String(row.face_value), unit: String(row.unit) },
        }
      : undefined;
  }

  /**
   * The identity's account, recorded now with `identity`'s face value if it
   * is unseen; `mismatch` when it was recorded with another (spec §6.3).
   */
  open(identity: Identity): { account: Account } | { mismatch: Recorded } {
    const known = this.account(identity.tokenKey);
    if (known) {
      const { recorded, ...account } = known;
      return recorded.faceValue === identity.faceValue && recorded.unit === identity.unit
        ? { account }
        : { mismatch: recorded };
    }
    this.sql.run(
      "INSERT INTO tokens (token_key, iss, jti, face_value, unit, committed, held) VALUES (?, ?, ?, ?, ?, '0', '0')",
      identity.tokenKey,
      identity.token.iss,
      identity.token.jti,
      identity.faceValue,
      identity.unit,
    );
    return { account: { faceValue: atto(identity.faceValue), committed: 0n, held: 0n } };
  }

  get(tokenKey: string, id: string): Hold | undefined {
    const row = this.sql.all(
      `SELECT ${HOLD_COLUMNS} FROM holds WHERE id = ? AND token_key = ?`,
      id,
      tokenKey,
    )[0];
    return row ? holdOfRow(row) : undefined;
  }

  /**
   * Places a hold on an opened identity; on refusal nothing is written.
   * `grantId`: the held grant a visited gateway's redemption draws on.
   */
  place(tokenKey: string, account: Account, request: HoldRequest, grantId?: string): HoldStep {
    const step = place(account, request);
    if (!step.ok) return step;
    checkAccount(step.account);
    this.saveAccount(tokenKey, step.account);
    this.sql.run(
      `INSERT INTO holds (id, token_key, kind, amount, captured, status, expires_at, on_expiry, grant_id)
       VALUES (?, ?, ?, ?, '0', 'open', ?, ?, ?)`,
      request.id,
      tokenKey,
      request.kind,
      formatAmount(request.amount),
      request.expiresAt,
      request.onExpiry,
      grantId ?? null,
    );
    return step;
  }

  /**
   * Runs one step of the state machine on a stored hold and stores its
   * result; `undefined` for an unknown hold.
   */
  change(
    tokenKey: string,
    id: string,
    step: (account: Account, hold: Hold) => HoldStep,
  ): HoldStep | undefined {
    const known = this.account(tokenKey);
    const hold = this.get(tokenKey, id);
    if (!known || !hold) return undefined;
    const { recorded: _, ...account } = known;
    const result = step(account, hold);
    if (result.ok && result.changed) {
      checkAccount(result.account);
      this.saveAccount(tokenKey, result.account);
      this.saveHold(result.hold);
    }
    return result;
  }

  /** Applies the expiry of every open hold of the identity lapsed at `now`; returns them as closed. */
  expire(tokenKey: string, now: number): Hold[] {
    const lapsed = this.sql
      .all(
        `SELECT ${HOLD_COLUMNS} FROM holds WHERE token_key = ? AND status = 'open' AND expires_at <= ?`,
        tokenKey,
        now,
      )
      .map(holdOfRow);
    if (lapsed.length === 0) return [];
    const known = this.account(tokenKey)!;
    const { recorded: _, ...account } = known;
    const result = expire(account, lapsed, now);
    checkAccount(result.account);
    this.saveAccount(tokenKey, result.account);
    result.expired.forEach((hold) => this.saveHold(hold));
    return result.expired;
  }

  /**
   * Read-only, in one statement (one snapshot): the identity's account as
   * it stands at `now`, its lapsed holds counted as expired (spec §8.6).
   */
  accountAt(tokenKey: string, now: number): (Account & { recorded: Recorded }) | undefined {
    const row = this.sql.all(
      `SELECT tokens.*, (SELECT json_group_array(json_array(${HOLD_COLUMNS})) FROM holds
         WHERE holds.token_key = tokens.token_key AND status = 'open' AND expires_at <= ?
       ) AS lapsed FROM tokens WHERE token_key = ?`,
      now,
      tokenKey,
    )[0];
    if (!row) return undefined;
    const columns = HOLD_COLUMNS.split(", ");
    const lapsed = (JSON.parse(String(row.lapsed)) as unknown[][]).map((values) =>
      holdOfRow(Object.fromEntries(columns.map((column, i) => [column, values[i] as never]))),
    );
    return {
      ...expire(accountOfRow(row), lapsed, now).account,
      recorded: { faceValue: String(row.face_value), unit: String(row.unit) },
    };
  }

  /** The identities holding open holds lapsed at `now`, for recovery. */
  lapsedIdentities(now: number): string[] {
    return this.sql
      .all("SELECT DISTINCT token_key FROM holds WHERE status = 'open' AND expires_at <= ?", now)
      .map((row) => String(row.token_key));
  }

  /** The earliest expiry of an open hold, for a recovery alarm. */
  nextExpiry(): number | undefined {
    const at = this.sql.all("SELECT MIN(expires_at) AS at FROM holds WHERE status = 'open'")[0]?.at;
    return at === null || at === undefined ? undefined : Number(at);
  }

  private saveAccount(tokenKey: string, account: Account): void {
    this.sql.run(
      "UPDATE tokens SET committed = ?, held = ? WHERE token_key = ?",
      formatAmount(account.committed),
      formatAmount(account.held),
      tokenKey,
    );
  }

  private saveHold(hold: Hold): void {
    this.sql.run(
      `UPDATE holds SET captured = ?, status = ?, closed_by = ?, captured_before_expiry = ?, adjusted = ?
       WHERE id = ?`,
      formatAmount(hold.captured),
      hold.status,
      hold.closedBy ?? null,
      hold.capturedBeforeExpiry === undefined ? null : formatAmount(hold.capturedBeforeExpiry),
      hold.adjusted ? 1 : 0,
      hold.id,
    );
  }
}
