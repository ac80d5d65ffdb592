/**
 * @module The inspector's offline verification, in the browser: the
 * gateway's own verification pipeline (`src/core`, `spec/oct.md` §6.2)
 * against a JWK Set the person pastes, trusted for one issuer. Bundled by
 * `scripts/gen.ts` into `assets/offline-inspect.js` and
 * served at `/inspector/offline.js`; it installs `window.OctOffline`. The
 * answer has the shape of `POST /v1/inspect`'s steps and verdict, with one
 * more step status, `not_checked`, for an issuer nobody named.
 */
import { CarrierKeys } from "../../../adapters/keys/carrier-keys.ts";
import { OctError } from "../../../core/errors.ts";
import { keyFitsAlgorithm, type PublicJwk } from "../../../core/keys/jwk.ts";
import { ConfigError, loadNetwork, type Network } from "../../../core/network/config.ts";
import { ALLOWED_ALGORITHMS, type Algorithm } from "../../../core/token/header.ts";
import { lenientBase64 } from "../../../core/token/parse.ts";
import { VERIFICATION_STEPS } from "../../../core/token/profile.ts";
import { verifyToken } from "../../../core/token/verify.ts";

export interface OfflineStep {
  step: number;
  title: string;
  section: string;
  status: "passed" | "failed" | "not_reached" | "not_checked";
  code?: string;
  detail?: string;
}

export type OfflineInspection =
  | { usable: false; problem: string }
  | {
      usable: true;
      steps: OfflineStep[];
      valid: boolean;
      error?: string;
      detail?: string;
      /** The issuer the key set was trusted for, and whether the person named it. */
      issuer: string;
      issuerNamed: boolean;
    };

/** No real token has this issuer: a token whose iss is not a string stops at step 5. */
const NO_ISSUER = "urn:oct:inspect:no-issuer";

/** The algorithms a key set's keys can verify (a key's own `alg`, else its type and curve). */
function algorithmsOf(keys: readonly PublicJwk[]): Algorithm[] {
  const usable = ALLOWED_ALGORITHMS.filter((alg) =>
    keys.some((key) => (key.alg !== undefined ? key.alg === alg : keyFitsAlgorithm(key, alg))),
  );
  return usable.length > 0 ? usable : [...ALLOWED_ALGORITHMS];
}

/** A one-carrier network trusting the pasted key set for `issuer`. */
function networkOf(jwksText: string, issuer: string): Network | string {
  let jwks: unknown;
  try {
    jwks = JSON.parse(jwksText);
  } catch (error) {
    return `The JWK Set is not JSON: ${(error as Error).message}`;
  }
  const set = jwks as { keys?: unknown; kty?: unknown };
  if (typeof set === "object" && set !== null && typeof set.kty === "string")
    jwks = { keys: [set] };
  const keys = (jwks as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) return 'Not a JWK Set: expected { "keys": [ … ] } or one JWK.';
  if (keys.some((key) => typeof key === "object" && key !== null && "d" in key))
    return "This is a private key: paste the carrier's public JWK Set instead, never a private key.";
  try {
    return loadNetwork({
      gateway: { id: "urn:oct:inspect" },
      carriers: [
        {
          id: "pasted-jwks",
          issuer,
          jwks,
          algorithms: algorithmsOf(keys as PublicJwk[]),
          status: "active",
        },
      ],
      providers: [],
      tariffs: [],
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const at = error.pointer.replace(/^\/carriers\/0\/jwks/, "") || "/";
    const reason = error.message.replace(/^network configuration: at "[^"]*": /, "");
    return `The JWK Set is not usable (at ${at}): ${reason}`;
  }
}

/**
 * Verifies `token` as a gateway trusting the pasted key set for `issuer`
 * (the token's own `iss` when none is named) would, at `nowMs`.
 *
 * @example
 * await OctOffline.inspect(token, '{"keys":[…]}', "https://tokens.carrier-a.example", Date.now());
 */
export async function inspectOffline(
  token: string,
  jwksText: string,
  namedIssuer: string,
  nowMs: number,
): Promise<OfflineInspection> {
  const issuerNamed = namedIssuer.trim() !== "";
  let issuer = namedIssuer.trim();
  if (!issuerNamed) {
    // The claims decoded leniently only to learn which issuer to take the keys for.
    const claims = decodeClaims(token);
    issuer = typeof claims?.iss === "string" && claims.iss.length > 0 ? claims.iss : NO_ISSUER;
  }
  const network = networkOf(jwksText, issuer);
  if (typeof network === "string") return { usable: false, problem: network };
  let reached = 0;
  let failure: OctError | undefined;
  try {
    await verifyToken(
      token,
      { network, keys: new CarrierKeys(), clock: { now: () => nowMs } },
      { onStep: (step) => (reached = step.step) },
    );
  } catch (error) {
    if (!(error instanceof OctError)) throw error;
    failure = error;
  }
  // Steps 1 and 2 are one check in the pipeline: a token over the cap failed the first.
  const failedStep =
    failure?.code === "token_malformed" &&
    reached === 2 &&
    token.length > network.limits.token_max_bytes
      ? 1
      : reached;
  const steps = VERIFICATION_STEPS.map(({ step, title, section }): OfflineStep => {
    if (failure && step === failedStep)
      return {
        step,
        title,
        section,
        status: "failed",
        code: failure.code,
        detail: failure.message,
      };
    if (failure && step > failedStep) return { step, title, section, status: "not_reached" };
    if (step === 5 && !issuerNamed)
      return {
        step,
        title,
        section,
        status: "not_checked",
        detail: `no issuer named: the key set was taken as the keys of the token's own iss (${issuer})`,
      };
    return { step, title, section, status: "passed" };
  });
  return {
    usable: true,
    steps,
    valid: failure === undefined,
    ...(failure ? { error: failure.code, detail: failure.message } : {}),
    issuer,
    issuerNamed,
  };
}

function decodeClaims(token: string): Record<string, unknown> | undefined {
  const bytes = lenientBase64(token.split(".")[1] ?? "");
  try {
    const value: unknown = bytes ? JSON.parse(new TextDecoder().decode(bytes)) : undefined;
    return typeof value === "object" && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

(globalThis as { OctOffline?: unknown }).OctOffline = { inspect: inspectOffline };
