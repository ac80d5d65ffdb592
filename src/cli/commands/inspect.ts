/**
 * @module `oct inspect`: decode any token and explain, step by step, the
 * verification algorithm of `spec/oct.md` §6.2: offline with our own core
 * pipeline against a carrier's JWK Set, or online as a gateway sees it.
 */
import {
  ConfigError,
  DEFAULT_LIMITS,
  loadNetwork,
  type Network,
} from "../../core/network/config.ts";
import { OctError } from "../../core/errors.ts";
import { ALLOWED_ALGORITHMS, type Algorithm } from "../../core/token/header.ts";
import { VERIFICATION_STEPS } from "../../core/token/steps.ts";
import { verifyToken } from "../../core/token/verify.ts";
import { webCryptoSignatures } from "../../adapters/crypto/web-crypto-signatures.ts";
import { CarrierKeys } from "../../adapters/keys/carrier-keys.ts";
import { GatewayClient, GatewayError, GATEWAY_OPTION, gatewayOf } from "../client.ts";
import {
  readJson,
  TOKEN_OPTIONS,
  tokenOf,
  UsageError,
  type Command,
  type Values,
} from "../command.ts";
import type { Quantity } from "../signed.ts";
import { quantity } from "./gateway.ts";

export type StepStatus = "passed" | "failed" | "not_reached" | "not_checked";

/** One step of §6.2 and how the token fared (the shape of `POST /v1/inspect`'s steps). */
export interface StepOutcome {
  step: number;
  title: string;
  section: string;
  status: StepStatus;
  code?: string;
  detail?: string;
}

/** What `oct inspect --json` prints. */
export interface Inspection {
  /** decode: no keys given, steps 5-8 not checked; jwks: offline; gateway: online. */
  mode: "decode" | "jwks" | "gateway";
  /** The JWKS file or the gateway URL the token was checked against. */
  against?: string;
  /** Decoded for display only: untrusted unless `valid` is true. */
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  steps: StepOutcome[];
  /** null when the token decodes but could not be checked (no keys). */
  valid: boolean | null;
  error?: string;
  detail?: string;
  remaining?: Quantity;
  balance?: { face_value: Quantity; committed: Quantity; reserved: Quantity; remaining: Quantity };
  redemptions?: {
    id: string;
    status: string;
    provider: string;
    debited: Quantity;
    credited: Quantity;
    created_at: string;
  }[];
}

/** Which step of §6.2 raises a code, for verdicts that name only the code. */
const STEP_OF_CODE: Record<string, number> = {
  token_malformed: 2,
  header_invalid: 3,
  alg_not_allowed: 5,
  issuer_untrusted: 5,
  carrier_suspended: 5,
  key_unknown: 6,
  keys_unavailable: 6,
  signature_invalid: 7,
  claims_invalid: 8,
  unit_unknown: 8,
  token_not_yet_valid: 8,
  token_expired: 8,
};

/** A carrier id and issuer no real token has: steps 5-8 cannot pass against it. */
const NO_ISSUER = "urn:oct:inspect:no-issuer";
const TOKEN_MAX_BYTES = DEFAULT_LIMITS.token_max_bytes;

/** The steps before `failed` passed, `failed` failed, the later ones were not reached. */
function outcomes(failed?: { step: number; code: string; detail: string }): StepOutcome[] {
  return VERIFICATION_STEPS.map(({ step, title, section }): StepOutcome => {
    if (!failed || step < failed.step) return { step, title, section, status: "passed" };
    if (step > failed.step) return { step, title, section, status: "not_reached" };
    return { step, title, section, status: "failed", code: failed.code, detail: failed.detail };
  });
}

/** Without keys: steps 1-4 passed, 5-8 (issuer, key, signature, claims) not checked. */
function decodedOnly(): StepOutcome[] {
  return VERIFICATION_STEPS.map(({ step, title, section }) => ({
    step,
    title,
    section,
    status: step <= 4 ? "passed" : "not_checked",
  }));
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

/** Header and payload decoded leniently, for display only (as §7.12 shows them). */
export function decodeForDisplay(token: string): Pick<Inspection, "header" | "claims"> {
  if (token.length > TOKEN_MAX_BYTES) return {};
  const [header, payload] = token.split(".").map((segment) => {
    try {
      const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
      return typeof value === "object" && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  });
  return { ...(header ? { header } : {}), ...(payload ? { claims: payload } : {}) };
}

/** Runs our own pipeline (`verifyToken`) and records the step at which it stopped. */
async function runPipeline(token: string, network: Network, now: number) {
  let reached = 0;
  try {
    await verifyToken(
      token,
      {
        network,
        keys: new CarrierKeys(),
        clock: { now: () => now },
        signatures: webCryptoSignatures,
      },
      { onStep: (step) => (reached = step.step) },
    );
    return undefined;
  } catch (error) {
    if (!(error instanceof OctError)) throw error;
    // Steps 1 and 2 are one call: a token over the cap failed the first.
    const overCap =
      error.code === "token_malformed" && token.length > network.limits.token_max_bytes;
    return {
      step: reached === 2 && overCap ? 1 : reached,
      code: error.code,
      detail: error.message,
    };
  }
}

/** The algorithms a key set's keys can verify: the carrier profile built for it. */
function algorithmsOf(keys: Record<string, unknown>[]): Algorithm[] {
  const fits = (key: Record<string, unknown>, alg: Algorithm): boolean => {
    if (key.alg !== undefined) return key.alg === alg;
    if (key.kty === "OKP") return alg === "EdDSA";
    if (key.kty === "EC") return alg === (key.crv === "P-384" ? "ES384" : "ES256");
    return key.kty === "RSA" && (alg === "PS256" || alg === "RS256");
  };
  const algorithms = ALLOWED_ALGORITHMS.filter((alg) => keys.some((key) => fits(key, alg)));
  return algorithms.length > 0 ? algorithms : [...ALLOWED_ALGORITHMS];
}

/** A one-carrier network: the JWKS file's keys, trusted for `iss` (or the token's own iss). */
function networkOf(file: string, iss: string | undefined, claims: Inspection["claims"]): Network {
  let jwks = readJson(file, "JWKS file") as { keys?: unknown } & Record<string, unknown>;
  if (typeof jwks === "object" && jwks !== null && typeof jwks.kty === "string")
    jwks = { keys: [jwks] };
  if (typeof jwks !== "object" || jwks === null || !Array.isArray(jwks.keys)) {
    throw new UsageError(`${file} is not a JWK Set: expected { "keys": [ ... ] }`);
  }
  const keys = jwks.keys as Record<string, unknown>[];
  if (keys.some((key) => typeof key === "object" && key !== null && "d" in key)) {
    throw new UsageError(
      `${file} holds a private key: give the public set instead (oct jwks --key ${file} > jwks.json)`,
    );
  }
  const tokenIss = claims?.iss;
  const issuer =
    iss ??
    (typeof tokenIss === "string" && tokenIss.length >= 1 && tokenIss.length <= 256
      ? tokenIss
      : NO_ISSUER);
  try {
    return loadNetwork({
      gateway: { id: "urn:oct:inspect" },
      carriers: [
        { id: "jwks-file", issuer, jwks, algorithms: algorithmsOf(keys), status: "active" },
      ],
      providers: [],
      tariffs: [],
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const at = error.pointer.replace(/^\/carriers\/0\/jwks/, "") || "/";
    const reason = error.message.replace(/^network configuration: at "[^"]*": /, "");
    throw new UsageError(`${file} is not a usable public JWK Set (at ${at}): ${reason}`);
  }
}

/** Offline: the pipeline against a JWKS, or, without keys, steps 1-4 only. */
async function inspectOffline(token: string, values: Values): Promise<Inspection> {
  const decoded = decodeForDisplay(token);
  if (typeof values.jwks !== "string") {
    const failed = await runPipeline(token, trustingNobody(), Date.now());
    if (failed && failed.step <= 4) {
      const { code: error, detail } = failed;
      return { mode: "decode", ...decoded, steps: outcomes(failed), valid: false, error, detail };
    }
    return { mode: "decode", ...decoded, steps: decodedOnly(), valid: null };
  }
  const iss = typeof values.iss === "string" ? values.iss : undefined;
  const network = networkOf(values.jwks, iss, decoded.claims);
  const failed = await runPipeline(token, network, Date.now());
  return {
    mode: "jwks",
    against: values.jwks,
    ...decoded,
    steps: outcomes(failed),
    valid: failed === undefined,
    ...(failed ? { error: failed.code, detail: failed.detail } : {}),
  };
}

function looksLikeInspection(value: unknown): value is Omit<Inspection, "mode"> {
  const v = value as Inspection;
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
async function inspectOnline(token: string, client: GatewayClient): Promise<Inspection> {
  try {
    const { body } = await client.call("POST", "/v1/inspect", { json: { token } });
    if (looksLikeInspection(body)) return { mode: "gateway", against: client.url, ...body };
  } catch (error) {
    const code = (error as GatewayError).code;
    if (!(error instanceof GatewayError) || (code !== "not_found" && code !== "method_not_allowed"))
      throw error;
  }
  const { body } = await client.call<{
    valid: boolean;
    error?: string;
    detail?: string;
    claims?: Record<string, unknown>;
    remaining?: Quantity;
  }>("POST", "/v1/verify", { json: { token } });
  const decoded = decodeForDisplay(token);
  const inspection: Inspection = {
    mode: "gateway",
    against: client.url,
    ...decoded,
    steps: outcomes(),
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
  const local = await runPipeline(token, trustingNobody(), Date.now());
  const step =
    local && local.step <= 4 && local.code === code ? local.step : (STEP_OF_CODE[code] ?? 8);
  return { ...inspection, steps: outcomes({ step, code, detail }), error: code, detail };
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

const STATUS_TEXT: Record<StepStatus, string> = {
  passed: "passed     ",
  failed: "FAILED     ",
  not_reached: "not reached",
  not_checked: "not checked",
};

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
    const why = step.status === "failed" ? `: ${step.code}: ${step.detail}` : "";
    lines.push(`  ${STATUS_TEXT[step.status]}  ${step.step}  ${step.title}${why}`);
  }
  if (inspection.valid === true) {
    const remaining = inspection.balance?.remaining ?? inspection.remaining;
    lines.push(
      `verdict  valid${remaining ? `: ${quantity(remaining)} remaining` : inspection.mode === "jwks" ? " (the balance is known to a gateway: --gateway URL)" : ""}`,
    );
  } else if (inspection.valid === false) {
    const failed = inspection.steps.find((s) => s.status === "failed");
    lines.push(
      `verdict  refused: ${inspection.error}${failed ? ` (§${failed.section})` : ""}: ${inspection.detail}`,
    );
  } else {
    lines.push(
      "verdict  not verified: steps 5-8 need the carrier's keys (--jwks FILE) or a gateway (--gateway URL)",
    );
  }
  if (inspection.balance) {
    const b = inspection.balance;
    lines.push(
      `balance  face value ${quantity(b.face_value)}, committed ${b.committed.amount}, reserved ${b.reserved.amount}, remaining ${b.remaining.amount}`,
    );
  }
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
    "oct inspect (TOKEN | --token T | --token-file FILE) [--jwks FILE [--iss URL] | --gateway URL]",
  example: "oct inspect --token-file token.jwt --jwks carrier-a.jwks.json",
  help: [
    "Shows the header and claims, then each step of spec/oct.md §6.2: passed, FAILED (with",
    "its error code) or not reached.",
    "",
    "  --jwks FILE     check offline with this carrier's public JWK Set (oct jwks makes one);",
    "                  the carrier is trusted for the token's iss, or for --iss URL if given",
    "  --gateway URL   ask a running gateway instead (POST /v1/inspect, else POST /v1/verify)",
    "  neither         decode and check steps 1-4 only (no keys needed)",
    "  --token-file -  reads the token from standard input",
    "",
    "Exit status: 0 valid (or decodes, without keys), 1 refused, 2 usage error.",
  ].join("\n"),
  positional: "token",
  options: {
    ...TOKEN_OPTIONS,
    ...GATEWAY_OPTION,
    jwks: { type: "string" },
    iss: { type: "string" },
  },
  async run(values, out) {
    if (typeof values.jwks === "string" && typeof values.gateway === "string")
      throw new UsageError("give --jwks FILE (offline) or --gateway URL (online), not both");
    if (typeof values.iss === "string" && typeof values.jwks !== "string")
      throw new UsageError("--iss goes with --jwks FILE");
    const token = tokenOf(values);
    const inspection =
      typeof values.gateway === "string"
        ? await inspectOnline(
            token,
            new GatewayClient(gatewayOf(values), out.progress ? { progress: out.progress } : {}),
          )
        : await inspectOffline(token, values);
    out.print(
      values.json
        ? JSON.stringify(inspection)
        : describe(inspection, new TextEncoder().encode(token).length),
    );
    return inspection.valid === false ? 1 : 0;
  },
};
