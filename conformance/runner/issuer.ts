/**
 * @module `oct conformance issuer`: a carrier checks its own key set and
 * sample tokens before joining a network — the key rules of `spec/oct.md`
 * §5.4 and, for each token, the format, header profile, signature, claims
 * and lifetime of §2 and §6.2. Judged independently of the gateway's code:
 * the spec's schemas compiled for the runner, jose for keys and signatures,
 * and the runner's own strict reading of the JWS (`jws-checks.ts`).
 */
import { compactVerify, importJWK, type JWK } from "jose";
import {
  validateJoseHeader,
  validateJwks,
  validateTokenClaims,
  type Validator,
} from "./generated/schemas.js";
import { UNIT_IDS } from "./generated/units.ts";
import { CheckFailure, readCompact } from "./jws-checks.ts";
import { summarise, SUITE_VERSION } from "./run.ts";
import type { Case, CaseResult, Report } from "./types.ts";

/** The defaults of spec §5.5 a gateway applies when its configuration sets none. */
const TOKEN_MAX_BYTES = 8192;
const CLOCK_SKEW_SECONDS = 60;
/** §5.3: the longest lifetime (`exp - iat`) of a carrier without max_token_lifetime, 400 days. */
const MAX_LIFETIME_SECONDS = 400 * 86400;
/** §2.2: the algorithm allow-list. */
const ALGORITHMS = ["EdDSA", "ES256", "ES384", "PS256", "RS256"];
/** §5.4: members only a private or symmetric key has. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/** The first schema error of `validate`, as a sentence. */
function firstError(validate: Validator): string {
  const first = validate.errors?.[0];
  return `${first?.instancePath || "(root)"} ${first?.message ?? "is invalid"}`;
}

/** Why a published key is unacceptable (§5.4), or `undefined`. */
function keyProblem(jwk: unknown): string | undefined {
  if (typeof jwk !== "object" || jwk === null) return "not a JSON object";
  const member = PRIVATE_MEMBERS.find((m) => m in jwk);
  if (member) return `the key has the private or symmetric member "${member}"`;
  if (!validateJwks({ keys: [jwk] })) return firstError(validateJwks).replace("/keys/0", "");
  return undefined;
}

/** §6.2 steps 1-8 for one token against the carrier's keys, as a gateway with default limits. */
async function checkToken(
  token: string,
  keys: Map<string, JWK>,
  now: number,
): Promise<Record<string, unknown>> {
  const { header, payload } = readCompact(token, TOKEN_MAX_BYTES);
  if ("alg" in header && !ALGORITHMS.includes(header.alg as string))
    throw new CheckFailure("alg_not_allowed", `alg ${JSON.stringify(header.alg)} is not allowed`);
  if (!validateJoseHeader(header))
    throw new CheckFailure("header_invalid", `header ${firstError(validateJoseHeader)}`);
  const alg = header.alg as string;
  const jwk = keys.get(header.kid as string);
  if (!jwk)
    throw new CheckFailure("key_unknown", `kid ${String(header.kid)} is not in the key set`);
  if (jwk.alg !== undefined && jwk.alg !== alg)
    throw new CheckFailure("alg_not_allowed", `key ${jwk.kid} is an ${jwk.alg} key, not ${alg}`);
  let key;
  try {
    key = await importJWK(jwk, alg);
  } catch (error) {
    throw new CheckFailure(
      "alg_not_allowed",
      `key ${jwk.kid} is not a ${alg} key: ${(error as Error).message}`,
    );
  }
  try {
    await compactVerify(token, key, { algorithms: [alg] });
  } catch (error) {
    throw new CheckFailure("signature_invalid", (error as Error).message);
  }
  if (!validateTokenClaims(payload))
    throw new CheckFailure("claims_invalid", `claim ${firstError(validateTokenClaims)}`);
  const { iat, nbf, exp, oct } = payload as {
    iat: number;
    nbf?: number;
    exp: number;
    oct: { unit: string };
  };
  if (iat > exp || (nbf !== undefined && nbf > exp))
    throw new CheckFailure("claims_invalid", "exp is earlier than iat or nbf");
  if (!UNIT_IDS.includes(oct.unit))
    throw new CheckFailure(
      "unit_unknown",
      `unit ${JSON.stringify(oct.unit)} is not in the registry`,
    );
  if ((nbf !== undefined && nbf > now + CLOCK_SKEW_SECONDS) || iat > now + CLOCK_SKEW_SECONDS)
    throw new CheckFailure("token_not_yet_valid", "nbf or iat is in the future");
  if (exp <= now - CLOCK_SKEW_SECONDS)
    throw new CheckFailure("token_expired", `exp ${exp} is in the past`);
  if (exp - iat > MAX_LIFETIME_SECONDS)
    throw new CheckFailure(
      "claims_invalid",
      `the token lives ${exp - iat} s, longer than 400 days`,
    );
  return payload;
}

export interface IssuerInput {
  /** The carrier's published key set (already fetched or read). */
  jwks: unknown;
  jwksSource: string;
  tokens: string[];
  /** Seconds since the epoch. */
  now: number;
}

type IssuerCheck = Pick<Case, "id" | "title" | "level" | "section" | "requirements">;

/**
 * The kinds of check of the issuer mode, each traced to the requirements it
 * judges; a report has one result per key and per token of each kind.
 */
export const ISSUER_CHECKS = {
  jwks: {
    id: "iss-jwks",
    title: "The key set is a JWK Set of 1 to 100 keys",
    level: "MUST",
    section: "5.4",
    requirements: ["R-wkxj2"],
  },
  key: {
    id: "iss-key",
    title: "Each key is a public signing key of an allowed type and strength",
    level: "MUST",
    section: "5.4",
    requirements: ["R-wkxj2", "R-y4w8m"],
  },
  token: {
    id: "iss-token",
    title: "Each token: format, header, signature, claims and lifetime",
    level: "MUST",
    section: "6.2",
    requirements: ["R-6an2f", "R-16c65", "R-q9a45", "R-31wvm", "R-pf2gd", "R-x1kgv", "R-qgpv2"],
  },
  numericDates: {
    id: "iss-numeric-dates",
    title: "Each token writes its NumericDates as plain decimal integers",
    level: "SHOULD",
    section: "2.3",
    requirements: ["R-vjfx0"],
  },
  jti: {
    id: "iss-jti",
    title: "Each jti is long enough to hold 96 random bits",
    level: "SHOULD",
    section: "2.5",
    requirements: ["R-jhwb2"],
  },
  algorithm: {
    id: "iss-alg",
    title: "Each token is signed with EdDSA or ES256",
    level: "SHOULD",
    section: "12.2",
    requirements: ["R-88rfq"],
  },
  oneIssuer: {
    id: "iss-one-issuer",
    title: "Every token names the same iss",
    level: "MUST",
    section: "5.3",
    requirements: ["R-pb1d6"],
  },
  identities: {
    id: "iss-identities",
    title: "No two tokens share an identity with different face values",
    level: "MUST",
    section: "2.5",
    requirements: ["R-jhwb2"],
  },
} as const satisfies Record<string, IssuerCheck>;

function result(
  check: IssuerCheck,
  suffix: string,
  title: string,
  failure: string | undefined,
  received?: unknown,
): CaseResult {
  return {
    id: `${check.id}${suffix}`,
    suite: "issuer",
    title,
    level: check.level,
    section: check.section,
    requirements: [...check.requirements],
    flags: [],
    status: failure === undefined ? "pass" : "fail",
    ...(failure !== undefined ? { message: failure } : {}),
    expected: "conforms",
    ...(received !== undefined ? { received } : {}),
    exchanges: [],
    durationMs: 0,
  };
}

/** The characters a jti needs for 96 bits: its alphabet (§2.3) has 66 symbols, about 6.04 bits each. */
const JTI_MIN_LENGTH = 16;
/** A NumericDate member written as anything but digits: `1795000000.0`, `1.795e9`. */
const SPELT_DATE = /"(iat|nbf|exp)"\s*:\s*(-?\d+(?:\.\d+)?[eE][+-]?\d+|-?\d+\.\d+)/;

/** Checks a carrier's key set and tokens; every finding is a case of the report. */
export async function checkIssuer(input: IssuerInput): Promise<Report> {
  const startedAt = new Date().toISOString();
  const results: CaseResult[] = [];
  const keys = new Map<string, JWK>();
  const C = ISSUER_CHECKS;

  const list = (input.jwks as { keys?: unknown })?.keys;
  results.push(
    result(
      C.jwks,
      "",
      `The key set at ${input.jwksSource} is a JWK Set of 1 to 100 keys`,
      Array.isArray(list) && list.length >= 1 && list.length <= 100
        ? undefined
        : 'expected { "keys": [...] } with 1 to 100 keys',
      input.jwks,
    ),
  );
  for (const [i, jwk] of (Array.isArray(list) ? list : []).entries()) {
    const problem = keyProblem(jwk);
    const kid = (jwk as { kid?: unknown })?.kid;
    results.push(
      result(
        C.key,
        `-${i + 1}`,
        `Key ${String(kid ?? i + 1)}: a public signing key of an allowed type and strength`,
        problem,
        jwk,
      ),
    );
    if (!problem) keys.set(String(kid), jwk as JWK);
  }

  const issuers = new Set<string>();
  const faceValues = new Map<string, string>();
  const conflicts: string[] = [];
  for (const [i, token] of input.tokens.entries()) {
    const label = `Token ${i + 1}`;
    const suffix = `-${i + 1}`;
    let failure: string | undefined;
    let claims: Record<string, unknown> | undefined;
    let header: Record<string, unknown> | undefined;
    try {
      claims = await checkToken(token, keys, input.now);
      header = readCompact(token, TOKEN_MAX_BYTES).header;
      if (typeof claims.iss === "string") issuers.add(claims.iss);
    } catch (error) {
      // A token that fails still tells its issuer, when it can be read at all.
      const iss = readableIssuer(token);
      if (iss !== undefined) issuers.add(iss);
      const code = error instanceof CheckFailure ? error.code : "error";
      failure = `${code}: ${(error as Error).message}`;
    }
    results.push(
      result(C.token, suffix, `${label}: format, header, signature, claims and lifetime`, failure),
    );
    if (!claims || !header) continue;
    const payloadText = Buffer.from(token.split(".")[1]!, "base64url").toString("utf8");
    const spelt = SPELT_DATE.exec(payloadText);
    results.push(
      result(
        C.numericDates,
        suffix,
        `${label}: NumericDates written as plain decimal integers`,
        spelt ? `${spelt[1]} is written ${spelt[2]}` : undefined,
      ),
    );
    const jti = String(claims.jti);
    results.push(
      result(
        C.jti,
        suffix,
        `${label}: a jti with room for 96 random bits`,
        jti.length < JTI_MIN_LENGTH
          ? `jti ${JSON.stringify(jti)} has ${jti.length} characters: 96 bits need at least ${JTI_MIN_LENGTH}`
          : undefined,
      ),
    );
    results.push(
      result(
        C.algorithm,
        suffix,
        `${label}: signed with EdDSA or ES256`,
        ["EdDSA", "ES256"].includes(String(header.alg))
          ? undefined
          : `signed with ${String(header.alg)}; EdDSA or ES256 is preferred`,
      ),
    );
    const oct = claims.oct as { amount: string; unit: string };
    const identity = JSON.stringify([claims.iss, claims.jti]);
    const face = `${oct.amount} ${oct.unit}`;
    const earlier = faceValues.get(identity);
    if (earlier !== undefined && earlier !== face)
      conflicts.push(`jti ${jti} is signed for ${earlier} and for ${face}`);
    faceValues.set(identity, face);
  }
  if (input.tokens.length > 1) {
    results.push(
      result(
        C.oneIssuer,
        "",
        C.oneIssuer.title,
        issuers.size <= 1 ? undefined : `several issuers: ${[...issuers].join(", ")}`,
      ),
    );
    results.push(
      result(
        C.identities,
        "",
        C.identities.title,
        conflicts.length > 0 ? conflicts.join("; ") : undefined,
      ),
    );
  }
  return {
    tool: { name: "oct-conformance", version: SUITE_VERSION },
    target: { kind: "issuer", url: input.jwksSource },
    startedAt,
    finishedAt: new Date().toISOString(),
    reachable: true,
    summary: summarise(results),
    notes: [],
    results,
  };
}

/** The `iss` of a token whose payload can at least be read, for the one-issuer check. */
function readableIssuer(token: string): string | undefined {
  try {
    const iss = readCompact(token, TOKEN_MAX_BYTES).payload.iss;
    return typeof iss === "string" ? iss : undefined;
  } catch {
    return undefined;
  }
}
