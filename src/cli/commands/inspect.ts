/**
 * @module `oct inspect`: decode any token and explain, step by step, the
 * verification algorithm of `spec/oct.md` §6.2: offline with our own core
 * pipeline against a carrier's JWK Set, or online as a gateway sees it. The
 * inspection model is the core's (`src/core/inspection/`); this command adds
 * its modes and the terminal rendering.
 */
import { webCryptoSignatures } from "../../adapters/crypto/web-crypto-signatures.ts";
import { CarrierKeys } from "../../adapters/keys/carrier-keys.ts";
import {
  decodeForDisplay,
  explainVerification,
  stepOfCode,
  stepOutcomes,
  type Refusal,
  type StepOutcome,
  type TokenErrorCode,
} from "../../core/inspection/steps.ts";
import {
  inspectAgainstKeySet,
  KeySetError,
  type UncheckedStep,
} from "../../core/inspection/key-set.ts";
import { DEFAULT_LIMITS, loadNetwork, type Network } from "../../core/network/config.ts";
import { UNFETCHED_STATUS_LISTS } from "../../core/status/unfetched.ts";
import { VERIFICATION_STEPS } from "../../core/token/steps.ts";
import type { InspectResponse } from "../../generated/types.ts";
import { GatewayClient, GatewayError, GATEWAY_OPTION, gatewayOf } from "../client.ts";
import {
  readJson,
  TOKEN_OPTIONS,
  tokenOf,
  UsageError,
  type Command,
  type Values,
} from "../command.ts";
import { HOLDER_HELP, HOLDER_OPTION, holderHeaders } from "../holder.ts";
import type { Quantity } from "../signed.ts";
import { quantity } from "./gateway.ts";

/** A step this command could not judge: no keys (steps 5-9), no --iss (step 5), offline (step 9). */
type NotChecked = UncheckedStep;

/** What `oct inspect --json` prints: the answer of `POST /v1/inspect`, and how it was reached. */
export interface Inspection extends Omit<InspectResponse, "steps" | "valid"> {
  /** decode: no keys given, steps 5-9 not checked; jwks: offline; gateway: online. */
  mode: "decode" | "jwks" | "gateway";
  /** The JWKS file or the gateway URL the token was checked against. */
  against?: string;
  steps: (StepOutcome | NotChecked)[];
  /** null when the token could not be fully checked (no keys, or no --iss). */
  valid: boolean | null;
  /** The remaining balance from a gateway's `POST /v1/verify` (without `POST /v1/inspect`). */
  remaining?: Quantity;
  /** Times the token was accepted with only thanks to the clock skew (§6.2 step 8). */
  within_skew?: string[];
}

const TOKEN_MAX_BYTES = DEFAULT_LIMITS.token_max_bytes;

/** `steps` with those from `from` to `to` not checked. */
function notChecked(
  steps: StepOutcome[],
  from: number,
  to = VERIFICATION_STEPS.length,
): Inspection["steps"] {
  return steps.map((s) =>
    s.step >= from && s.step <= to && s.status === "passed"
      ? { step: s.step, title: s.title, section: s.section, status: "not_checked" }
      : s,
  );
}

/** A network that trusts no carrier: the pipeline stops at step 5 at the latest. */
function trustingNobody(): Network {
  return loadNetwork({
    gateway: { id: "urn:oct:inspect" },
    carriers: [],
    providers: [],
    tariffs: [],
  });
}

/** Our own pipeline over `network`, offline: where it refused the token, if it did. */
async function refusalOf(token: string, network: Network): Promise<Refusal | undefined> {
  const outcome = await explainVerification(token, {
    network,
    keys: new CarrierKeys(),
    statusLists: UNFETCHED_STATUS_LISTS,
    clock: { now: () => Date.now() },
    signatures: webCryptoSignatures,
  });
  return "refusal" in outcome ? outcome.refusal : undefined;
}

/** Offline: the pipeline against a JWKS, or, without keys, steps 1-4 only. */
async function inspectOffline(token: string, values: Values): Promise<Inspection> {
  const decoded = decodeForDisplay(token, TOKEN_MAX_BYTES);
  if (typeof values.jwks !== "string") {
    const refusal = await refusalOf(token, trustingNobody());
    if (refusal && refusal.step <= 4) {
      const { code: error, detail } = refusal;
      return {
        mode: "decode",
        ...decoded,
        steps: stepOutcomes(refusal),
        valid: false,
        error,
        detail,
      };
    }
    return { mode: "decode", ...decoded, steps: notChecked(stepOutcomes(), 5), valid: null };
  }
  const jwks = readJson(values.jwks, "JWKS file");
  let checked;
  try {
    checked = await inspectAgainstKeySet(
      token,
      jwks,
      typeof values.iss === "string" ? values.iss : undefined,
      { clock: { now: () => Date.now() }, signatures: webCryptoSignatures },
    );
  } catch (error) {
    if (!(error instanceof KeySetError)) throw error;
    throw new UsageError(`${values.jwks}: ${error.message}`);
  }
  const { steps, valid, error, detail, issuerNamed, statusChecked } = checked;
  return {
    mode: "jwks",
    against: values.jwks,
    ...decoded,
    steps,
    // Without --iss the issuer was assumed, and offline no status list is
    // fetched: what was not checked gives no verdict of validity.
    valid: valid && (!issuerNamed || !statusChecked) ? null : valid,
    ...(error ? { error, detail: detail! } : {}),
  };
}

function looksLikeInspection(value: unknown): value is InspectResponse {
  const v = value as InspectResponse;
  return (
    typeof v === "object" &&
    v !== null &&
    typeof v.valid === "boolean" &&
    Array.isArray(v.steps) &&
    v.steps.length === VERIFICATION_STEPS.length
  );
}

/**
 * Online: the gateway's own explanation (`POST /v1/inspect`, optional) or,
 * from a gateway without it, its verdict (`POST /v1/verify`) placed on the
 * steps, with steps 1-4 rechecked here.
 */
async function inspectOnline(
  token: string,
  client: GatewayClient,
  values: Values,
): Promise<Inspection> {
  try {
    const { body } = await client.call("POST", "/v1/inspect", {
      json: { token },
      headers: await holderHeaders(values, client, "POST", "/v1/inspect", token),
    });
    if (looksLikeInspection(body)) return { mode: "gateway", against: client.url, ...body };
  } catch (error) {
    const code = (error as GatewayError).code;
    if (!(error instanceof GatewayError) || (code !== "not_found" && code !== "method_not_allowed"))
      throw error;
  }
  const { body } = await client.call<{
    valid: boolean;
    error?: TokenErrorCode;
    detail?: string;
    claims?: Record<string, unknown>;
    remaining?: Quantity;
  }>("POST", "/v1/verify", {
    json: { token },
    headers: await holderHeaders(values, client, "POST", "/v1/verify", token),
  });
  const inspection: Inspection = {
    mode: "gateway",
    against: client.url,
    ...decodeForDisplay(token, TOKEN_MAX_BYTES),
    steps: stepOutcomes(),
    valid: body.valid,
  };
  if (body.valid) {
    if (body.claims) inspection.claims = body.claims;
    if (body.remaining) inspection.remaining = body.remaining;
    return inspection;
  }
  const code = body.error ?? "token_malformed";
  const detail = body.detail ?? code;
  // The verdict names a code; steps 1-4 need no keys, so they are placed here.
  const local = await refusalOf(token, trustingNobody());
  const step = local && local.step <= 4 && local.code === code ? local.step : stepOfCode(code);
  return { ...inspection, steps: stepOutcomes({ step, code, detail }), error: code, detail };
}

/**
 * The times of a valid token that hold only thanks to the clock skew of
 * §6.2 step 8 (60 s unless the network sets another): worth saying, since
 * the same token is refused a little later, or by a stricter clock.
 */
function withinSkew(claims: Record<string, unknown> | undefined, now: number): string[] {
  const seconds = Math.floor(now / 1000);
  const notes: string[] = [];
  const { exp, nbf, iat } = (claims ?? {}) as Record<string, unknown>;
  if (typeof exp === "number" && exp <= seconds)
    notes.push(`exp passed ${seconds - exp} s ago: accepted only inside the clock skew`);
  for (const [name, value] of [
    ["nbf", nbf],
    ["iat", iat],
  ] as const) {
    if (typeof value === "number" && value > seconds)
      notes.push(`${name} is ${value - seconds} s ahead: accepted only inside the clock skew`);
  }
  return notes;
}

// ---- human output --------------------------------------------------------

const NUMERIC_DATES = new Set(["iat", "nbf", "exp"]);

function when(seconds: number, now: number): string {
  const iso = new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
  const delta = seconds - Math.floor(now / 1000);
  const abs = Math.abs(delta);
  const span =
    abs < 120
      ? `${abs} s`
      : abs < 7200
        ? `${Math.round(abs / 60)} min`
        : abs < 172800
          ? `${Math.round(abs / 3600)} h`
          : `${Math.round(abs / 86400)} days`;
  return `${iso} (${delta >= 0 ? `in ${span}` : `${span} ago`})`;
}

/** `{ oct: { redeem: { providers: [...] } } }` as `oct.redeem.providers  a, b` lines. */
function flatten(value: Record<string, unknown>, prefix = ""): [string, string][] {
  const lines: [string, string][] = [];
  for (const [key, member] of Object.entries(value)) {
    const name = prefix + key;
    if (typeof member === "object" && member !== null && !Array.isArray(member)) {
      lines.push(...flatten(member as Record<string, unknown>, `${name}.`));
    } else if (Array.isArray(member) && member.every((m) => typeof m === "string")) {
      lines.push([name, member.join(", ")]);
    } else {
      lines.push([name, typeof member === "string" ? member : JSON.stringify(member)]);
    }
  }
  return lines;
}

function section(title: string, value: Record<string, unknown> | undefined, now: number): string[] {
  if (!value) return [`${title}  (not a base64url JSON object: nothing to show)`];
  const pairs = flatten(value).map(([name, text]): [string, string] =>
    NUMERIC_DATES.has(name) && typeof value[name] === "number"
      ? [name, `${text}  ${when(value[name] as number, now)}`]
      : [name, text],
  );
  const width = Math.max(...pairs.map(([name]) => name.length), 3);
  return [title, ...pairs.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`)];
}

const STATUS_TEXT: Record<Inspection["steps"][number]["status"], string> = {
  passed: "passed     ",
  failed: "FAILED     ",
  not_reached: "not reached",
  not_checked: "not checked",
};

/** Where the balance lives (spec §11.2) and the token's grants at this gateway, newest first. */
function homeLines(home: NonNullable<Inspection["home"]>, grants: Inspection["grants"]): string[] {
  if (home.kind === "none")
    return ["home     none: the balance lives in the ledger of each gateway that redeems it"];
  const here = home.kind === "here";
  const lines = [
    here
      ? `home     this gateway (${home.id}): the balance lives here`
      : `home     ${home.id} at ${home.url}: the balance lives there; this gateway redeems against its grants`,
  ];
  if (!grants?.length) return [...lines, `grants   none ${here ? "issued" : "held"} here`];
  lines.push(here ? "grants issued, newest first" : "grants held from the home, newest first");
  for (const g of grants) {
    lines.push(
      `  ${g.id}  ${g.status.padEnd(7)}  ${quantity(g.amount)}, used ${g.used.amount} (report ${g.seq})` +
        `${here ? ` to ${g.visited}` : ""}, valid until ${g.valid_until}, report by ${g.report_by}`,
    );
  }
  return lines;
}

/** The inspection as a person reads it. */
export function describe(inspection: Inspection, tokenBytes: number, now = Date.now()): string {
  const source =
    inspection.mode === "jwks"
      ? `checked offline against ${inspection.against}`
      : inspection.mode === "gateway"
        ? `checked by the gateway at ${inspection.against}`
        : "decoded only (no --jwks FILE or --gateway URL)";
  const lines = [`token    ${tokenBytes} bytes, ${source}`];
  if (inspection.valid !== true)
    lines.push("         header and claims below are decoded for display only: do not trust them");
  lines.push(
    ...section("header", inspection.header, now),
    ...section("claims", inspection.claims, now),
  );
  lines.push("verification (spec/oct.md §6.2)");
  for (const step of inspection.steps) {
    const why =
      step.status === "failed"
        ? `: ${step.code}: ${step.detail}`
        : step.status === "not_checked" && step.detail
          ? `: ${step.detail}`
          : "";
    lines.push(`  ${STATUS_TEXT[step.status]}  ${step.step}  ${step.title}${why}`);
  }
  if (inspection.valid === true) {
    const remaining = inspection.balance?.remaining ?? inspection.remaining;
    lines.push(
      `verdict  valid${remaining ? `: ${quantity(remaining)} remaining${inspection.balance?.home ? " here (what its grants cover)" : ""}` : inspection.mode === "jwks" ? " (the balance is known to a gateway: --gateway URL)" : ""}`,
    );
  } else if (inspection.valid === false) {
    const failed = inspection.steps.find((s) => s.status === "failed");
    lines.push(
      `verdict  refused: ${inspection.error}${failed ? ` (§${failed.section})` : ""}: ${inspection.detail}`,
    );
  } else if (inspection.mode === "jwks") {
    const unchecked = new Set(
      inspection.steps.filter((s) => s.status === "not_checked").map((s) => s.step),
    );
    const reasons = [
      ...(unchecked.has(5)
        ? [
            "the key set was not said to be the issuer's; give --iss URL to trust it for that issuer",
          ]
        : []),
      ...(unchecked.has(9)
        ? ["offline, the token's status list is not fetched; a gateway (--gateway URL) checks it"]
        : []),
    ];
    lines.push(`verdict  not verified: ${reasons.join("; and ")}`);
  } else {
    lines.push(
      "verdict  not verified: steps 5-9 need the carrier's keys (--jwks FILE) or a gateway (--gateway URL)",
    );
  }
  for (const note of inspection.within_skew ?? []) lines.push(`note     ${note}`);
  if (inspection.balance) {
    const b = inspection.balance;
    lines.push(
      `balance  face value ${quantity(b.face_value)}, committed ${b.committed.amount}, reserved ${b.reserved.amount}, remaining ${b.remaining.amount}`,
    );
  }
  if (inspection.home) lines.push(...homeLines(inspection.home, inspection.grants));
  if (inspection.redemptions?.length) lines.push("redemptions, newest first");
  for (const r of inspection.redemptions ?? []) {
    lines.push(
      `  ${r.created_at}  ${r.status.padEnd(9)}  ${r.provider}  ${quantity(r.debited)} for ${quantity(r.credited)}  ${r.id}`,
    );
  }
  return lines.join("\n");
}

export const inspect: Command = {
  name: "inspect",
  summary:
    "decode a token and explain each verification step (offline with a JWKS, or via a gateway)",
  usage:
    "oct inspect (TOKEN | --token T | --token-file FILE) [--jwks FILE [--iss URL] | --gateway URL [--holder-key FILE]]",
  example: "oct inspect --token-file token.jwt --jwks carrier-a.jwks.json",
  help: [
    "Shows the header and claims, then each step of spec/oct.md §6.2: passed, FAILED (with",
    "its error code) or not reached.",
    "",
    "  --jwks FILE     check offline with this carrier's public JWK Set (oct jwks makes one)",
    "  --iss URL       the issuer the key set belongs to; without it, step 5 (trusted issuer)",
    "                  is not checked and the token is not called valid; offline, the status",
    "                  list a token names (step 9) is not fetched, nor the token called valid",
    "  --gateway URL   ask a running gateway instead (POST /v1/inspect, else POST /v1/verify);",
    "                  $OCT_GATEWAY is used when neither --jwks nor --gateway is given",
    "  none of these   decode and check steps 1-4 only (no keys needed)",
    HOLDER_HELP + ";",
    "                      without it a gateway shows no balance of a bound token",
    "  --token-file -  reads the token from standard input",
    "",
    "A token accepted only thanks to the clock skew (exp just passed, nbf or iat just ahead)",
    "is said to be so.",
    "",
    "Exit status: 0 valid (or not fully checked), 1 refused, 2 usage error.",
  ].join("\n"),
  positional: "token",
  options: {
    ...TOKEN_OPTIONS,
    ...GATEWAY_OPTION,
    ...HOLDER_OPTION,
    jwks: { type: "string" },
    iss: { type: "string" },
  },
  async run(values, out) {
    if (typeof values.jwks === "string" && typeof values.gateway === "string")
      throw new UsageError("give --jwks FILE (offline) or --gateway URL (online), not both");
    if (typeof values.iss === "string" && typeof values.jwks !== "string")
      throw new UsageError("--iss goes with --jwks FILE");
    if (typeof values["holder-key"] === "string" && typeof values.jwks === "string")
      throw new UsageError("--holder-key goes with a gateway: offline, no balance is shown");
    const token = tokenOf(values);
    // Online with --gateway, or with $OCT_GATEWAY when no --jwks asks for offline.
    const online =
      typeof values.gateway === "string" ||
      (typeof values.jwks !== "string" && !!process.env.OCT_GATEWAY);
    const inspection = online
      ? await inspectOnline(
          token,
          new GatewayClient(gatewayOf(values), out.progress ? { progress: out.progress } : {}),
          values,
        )
      : await inspectOffline(token, values);
    if (inspection.valid !== false) {
      const notes = withinSkew(inspection.claims, Date.now());
      if (notes.length > 0) inspection.within_skew = notes;
    }
    out.print(
      values.json
        ? JSON.stringify(inspection)
        : describe(inspection, new TextEncoder().encode(token).length),
    );
    return inspection.valid === false ? 1 : 0;
  },
};
