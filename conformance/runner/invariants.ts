/**
 * @module Rules every answer must hold to, judged after the other cases on
 * every exchange of the run: the header fields of spec §7.1 and §7.2 on
 * every kind of answer (success, problem, 401, 405, 201), no token echoed,
 * the form of redemption and quote ids (§8.1), and what `/metrics` may not
 * show (§7.11). A case names its rule (`input.invariant`); it fails on the
 * first answer that breaks it, which the report shows.
 */
import { partyHeaders, SUITE_OPERATOR } from "./assertion.ts";

/** The 401 codes of a party's credentials (spec §7.13). */
const PARTY_CODES = new Set<unknown>([
  "authentication_required",
  "party_unknown",
  "client_assertion_invalid",
  "client_assertion_replayed",
]);
import type { FullExchange } from "./client.ts";
import type { RunContext } from "./context.ts";
import { CaseFailure, schemaMismatch } from "./match.ts";
import type { Case, Exchange } from "./types.ts";

/** The rules a case may name (`input.invariant` of the vector schema). */
export type Invariant = NonNullable<Case["input"]["invariant"]>;

type Json = Record<string, any>;

const REQUEST_ID = /^[\x21-\x7e]{1,255}$/;
/** §8.1: at most 128 characters of this alphabet, and 122 random bits need at least 21 of them. */
const ID = /^[A-Za-z0-9._~-]{21,128}$/;

const describe = (e: FullExchange) => `${e.method} ${e.path} answered ${e.answer.status}`;
const isProblem = (e: FullExchange) => e.answer.status >= 400;
const body = (e: FullExchange) => e.answer.json as Json | undefined;

/** The first exchange for which `broken` gives a reason, with that reason. */
function firstBroken(
  exchanges: readonly FullExchange[],
  broken: (e: FullExchange) => string | undefined,
): void {
  for (const e of exchanges) {
    const reason = broken(e);
    if (reason !== undefined)
      throw new CaseFailure(`${describe(e)}: ${reason}`, {
        status: e.answer.status,
        headers: Object.fromEntries(e.answer.headers),
        body: e.answer.json ?? e.answer.text.slice(0, 2000),
      });
  }
}

const RULES: Record<
  Exclude<Invariant, "metrics" | "ids">,
  (e: FullExchange, ctx: RunContext) => string | undefined
> = {
  "request-ids": (e) =>
    REQUEST_ID.test(e.answer.headers.get("x-request-id") ?? "")
      ? undefined
      : "no X-Request-Id of 1 to 255 visible characters",
  "no-store": (e) =>
    !e.path.startsWith("/v1/") || /\bno-store\b/i.test(e.answer.headers.get("cache-control") ?? "")
      ? undefined
      : "no Cache-Control: no-store",
  problems: (e) => {
    if (!isProblem(e) || e.method === "HEAD") return undefined;
    const type = e.answer.headers.get("content-type") ?? "";
    if (!/^application\/problem\+json\s*(;|$)/i.test(type))
      return `a problem must be application/problem+json, not ${JSON.stringify(type)}`;
    const mismatch = schemaMismatch("problem.schema.json", e.answer.json);
    if (mismatch) return `the problem does not validate: ${mismatch}`;
    const problem = body(e)!;
    if (problem.status !== e.answer.status) return `its status member is ${problem.status}`;
    if (problem.type !== `urn:oct:error:${problem.code}`)
      return `its type ${problem.type} is not urn:oct:error:${problem.code}`;
    return undefined;
  },
  "problem-request-ids": (e) => {
    if (!isProblem(e) || e.method === "HEAD") return undefined;
    const id = body(e)?.request_id;
    return id === e.answer.headers.get("x-request-id")
      ? undefined
      : `request_id ${JSON.stringify(id)} is not the X-Request-Id of the answer`;
  },
  "www-authenticate": (e) => {
    if (e.answer.status !== 401) return undefined;
    const code = body(e)?.code;
    // A party's credentials are challenged with Bearer (spec §7.13), a token with OCT (§14.4),
    // alone or beside another challenge (a DPoP one for a refused holder proof, §6.6).
    const field = e.answer.headers.get("www-authenticate") ?? "";
    const wanted = !PARTY_CODES.has(code)
      ? `OCT error="${code}"`
      : code === "authentication_required"
        ? 'Bearer realm="oct"'
        : 'Bearer realm="oct", error="invalid_token"';
    const tokenChallenge = new RegExp(`(^|,\\s*)OCT error="${code}"(\\s*,|$)`);
    return (PARTY_CODES.has(code) ? field === wanted : tokenChallenge.test(field))
      ? undefined
      : `WWW-Authenticate is ${JSON.stringify(e.answer.headers.get("www-authenticate"))}, not ${wanted}`;
  },
  allow: (e) =>
    e.answer.status !== 405 || /^[A-Z]+(\s*,\s*[A-Z]+)*$/.test(e.answer.headers.get("allow") ?? "")
      ? undefined
      : "a 405 without an Allow field listing methods",
  location: (e) => {
    if (e.method !== "POST" || e.path !== "/v1/redemptions" || e.answer.status !== 201)
      return undefined;
    const location = e.answer.headers.get("location") ?? "";
    const id = body(e)?.id;
    return new URL(location, "http://gateway").pathname === `/v1/redemptions/${id}`
      ? undefined
      : `Location is ${JSON.stringify(location)}, not /v1/redemptions/${id}`;
  },
  "json-types": (e) => {
    const json = e.answer.status < 400 && e.method !== "HEAD" && e.answer.json !== undefined;
    if (!json || e.path.startsWith("/metrics") || /format=csv/.test(e.path)) return undefined;
    const type = e.answer.headers.get("content-type") ?? "";
    return /^application\/json\s*(;|$)/i.test(type)
      ? undefined
      : `a JSON answer must be application/json, not ${JSON.stringify(type)}`;
  },
  "no-token-echo": (e, ctx) => {
    for (const token of ctx.sentTokens)
      if (e.answer.text.includes(token)) return "the answer echoes a token the runner sent";
    return undefined;
  },
};

/** §8.1: ids of the answers' quotes and redemptions have room for 122 random bits, and never repeat. */
function checkIds(exchanges: readonly FullExchange[]): void {
  const quoteIds = new Set<string>();
  const redemptions = new Map<string, string>();
  firstBroken(exchanges, (e) => {
    if (e.method !== "POST" || e.answer.status !== 201) return undefined;
    const id = body(e)?.id;
    if (e.path === "/v1/quotes" || e.path === "/v1/redemptions") {
      if (typeof id !== "string" || !ID.test(id))
        return `the id ${JSON.stringify(id)} is not 21 to 128 characters of A-Z a-z 0-9 . _ ~ -, too short for 122 random bits`;
    }
    if (e.path === "/v1/quotes") {
      if (quoteIds.has(id)) return `the quote id ${id} was given to an earlier quote`;
      quoteIds.add(id);
    }
    if (e.path === "/v1/redemptions") {
      // A replay answers the same id for the same key and token identity; nothing else may.
      const request = JSON.parse(e.requestBody ?? "{}") as { token?: string };
      const payload = String(request.token ?? "").split(".")[1] ?? "";
      let identity = "";
      try {
        const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Json;
        identity = `${claims.iss} ${claims.jti}`;
      } catch {
        // not a token the runner can read: its own key alone
      }
      const owner = `${identity} ${e.requestHeaders["idempotency-key"] ?? ""}`;
      const earlier = redemptions.get(id);
      if (earlier !== undefined && earlier !== owner)
        return `the redemption id ${id} was given to another token or key`;
      redemptions.set(id, owner);
    }
    return undefined;
  });
}

/** §7.11: `/metrics` shows no token, subject or idempotency key the run sent. */
async function checkMetrics(
  ctx: RunContext,
  exchanges: readonly FullExchange[],
  log: Exchange[],
): Promise<void> {
  // The metrics answer the gateway's operators only (spec §7.11, §7.13).
  const answer = await ctx.client.send(log, "GET", "/metrics", {
    headers: await partyHeaders(SUITE_OPERATOR, ctx, log),
  });
  if (answer.status !== 200)
    throw new CaseFailure(`GET /metrics answered ${answer.status}`, answer.status);
  const secrets = new Set<string>(ctx.sentTokens);
  for (const e of exchanges) {
    const key = e.requestHeaders["idempotency-key"];
    if (key && key.length >= 8) secrets.add(key);
    try {
      const payload = String((JSON.parse(e.requestBody ?? "{}") as Json).token ?? "").split(".")[1];
      const sub = payload && (JSON.parse(Buffer.from(payload, "base64url").toString()) as Json).sub;
      if (typeof sub === "string" && sub.length >= 8) secrets.add(sub);
    } catch {
      // a body without a readable token
    }
  }
  for (const secret of secrets)
    if (answer.text.includes(secret))
      throw new CaseFailure(
        `/metrics shows ${secret.length > 40 ? "a token" : JSON.stringify(secret)} the runner sent`,
        answer.text.slice(0, 2000),
      );
}

/** Judges one rule over the exchanges of the run; throws {@link CaseFailure} on the first breach. */
export async function checkInvariant(
  invariant: Invariant,
  exchanges: readonly FullExchange[],
  ctx: RunContext,
  log: Exchange[],
): Promise<void> {
  if (invariant === "metrics") return checkMetrics(ctx, exchanges, log);
  if (invariant === "ids") return checkIds(exchanges);
  const rule = RULES[invariant];
  firstBroken(exchanges, (e) => rule(e, ctx));
}
