/**
 * @module `oct conformance issuer`: a carrier checks its own key set and
 * sample tokens before joining a network — the key rules of `spec/oct.md`
 * §5.4 and, for each token, the format, header profile, signature, claims
 * and lifetime of §2 and §6.2, judged by the same code the gateway runs.
 */
import { webCryptoSignatures } from "../../src/adapters/crypto/web-crypto-signatures.ts";
import { OctError } from "../../src/core/errors.ts";
import { checkPublicJwk, type PublicJwk } from "../../src/core/keys/jwk.ts";
import { DEFAULT_LIMITS } from "../../src/core/network/config.ts";
import { checkClaims, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS } from "../../src/core/token/claims.ts";
import { checkHeader } from "../../src/core/token/header.ts";
import { decodeJsonObject, parseCompact } from "../../src/core/token/parse.ts";
import { verifySignature } from "../../src/core/token/signature.ts";
import { summarise, SUITE_VERSION } from "./run.ts";
import type { CaseResult, Level, Report } from "./types.ts";

export interface IssuerInput {
  /** The carrier's published key set (already fetched or read). */
  jwks: unknown;
  jwksSource: string;
  tokens: string[];
  /** Seconds since the epoch. */
  now: number;
}

function result(
  id: string,
  title: string,
  level: Level,
  section: string,
  failure: string | undefined,
  received?: unknown,
): CaseResult {
  return {
    id,
    suite: "issuer",
    title,
    level,
    section,
    flags: [],
    status: failure === undefined ? "pass" : "fail",
    ...(failure !== undefined ? { message: failure } : {}),
    expected: "conforms",
    ...(received !== undefined ? { received } : {}),
    exchanges: [],
    durationMs: 0,
  };
}

/** Checks a carrier's key set and tokens; every finding is a case of the report. */
export async function checkIssuer(input: IssuerInput): Promise<Report> {
  const startedAt = new Date().toISOString();
  const results: CaseResult[] = [];
  const keys = new Map<string, PublicJwk>();

  const list = (input.jwks as { keys?: unknown })?.keys;
  results.push(
    result(
      "iss-jwks",
      `The key set at ${input.jwksSource} is a JWK Set of 1 to 100 keys`,
      "MUST",
      "5.4",
      Array.isArray(list) && list.length >= 1 && list.length <= 100
        ? undefined
        : 'expected { "keys": [...] } with 1 to 100 keys',
      input.jwks,
    ),
  );
  for (const [i, jwk] of (Array.isArray(list) ? list : []).entries()) {
    const problem = checkPublicJwk(jwk);
    const kid = (jwk as { kid?: unknown })?.kid;
    results.push(
      result(
        `iss-key-${i + 1}`,
        `Key ${String(kid ?? i + 1)}: a public signing key of an allowed type and strength`,
        "MUST",
        "5.4",
        problem,
        jwk,
      ),
    );
    if (!problem) keys.set(String(kid), jwk as PublicJwk);
  }

  const issuers = new Set<string>();
  for (const [i, token] of input.tokens.entries()) {
    const label = `Token ${i + 1}`;
    const id = `iss-token-${i + 1}`;
    let failure: string | undefined;
    let audience: unknown;
    try {
      const parsed = parseCompact(token, { maxBytes: DEFAULT_LIMITS.token_max_bytes });
      const header = checkHeader(parsed.header);
      const payload = decodeJsonObject(parsed.payloadBytes, "payload");
      if (typeof payload.iss === "string") issuers.add(payload.iss);
      const jwk = keys.get(header.kid);
      if (!jwk) throw new OctError("key_unknown", `kid ${header.kid} is not in the key set`);
      await verifySignature(parsed, jwk, header.alg, webCryptoSignatures);
      // The default lifetime cap (400 days) is the one a carrier must meet
      // to be accepted by a gateway that sets no max_token_lifetime.
      const claims = checkClaims(payload, {
        now: input.now,
        clockSkewSeconds: DEFAULT_LIMITS.clock_skew_seconds,
        maxLifetimeSeconds: DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
      });
      audience = claims.aud;
    } catch (error) {
      const code = error instanceof OctError ? error.code : "error";
      failure = `${code}: ${(error as Error).message}`;
    }
    results.push(
      result(
        id,
        `${label}: format, header, signature, claims and lifetime`,
        "MUST",
        "6.2",
        failure,
      ),
    );
    if (failure === undefined) {
      results.push(
        result(
          `${id}-aud`,
          `${label}: names the audience urn:oct:redeem`,
          "SHOULD",
          "12.2",
          audience === undefined ? "no aud: RFC 8725 §3.9 recommends one" : undefined,
        ),
      );
    }
  }
  if (input.tokens.length > 1) {
    results.push(
      result(
        "iss-one-issuer",
        "Every token names the same iss",
        "MUST",
        "5.3",
        issuers.size <= 1 ? undefined : `several issuers: ${[...issuers].join(", ")}`,
      ),
    );
  }
  return {
    tool: { name: "oct-conformance", version: SUITE_VERSION },
    target: { kind: "issuer", url: input.jwksSource },
    startedAt,
    finishedAt: new Date().toISOString(),
    summary: summarise(results),
    results,
  };
}
