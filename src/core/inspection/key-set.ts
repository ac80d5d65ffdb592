/**
 * @module Inspecting a token offline against a key set someone holds (`oct
 * inspect --jwks`, the inspector page's offline mode): the gateway's own
 * verification over a one-carrier network that trusts those keys for one
 * issuer. Without a named issuer the keys are tried for the token's own
 * `iss`, and step 5 is reported `not_checked`: a key set alone says nothing
 * of whose it is. Nothing is fetched: a token that names a status list has
 * its step 9 reported `not_checked` too.
 */
import { isOctError } from "../errors.ts";
import { loadNetwork, ConfigError, type Network } from "../network/config.ts";
import { keyFitsAlgorithm, type PublicJwk } from "../keys/jwk.ts";
import { ALLOWED_ALGORITHMS, type Algorithm } from "../token/header.ts";
import type { VerifyContext } from "../token/verify.ts";
import type { KeySource } from "../../ports/keys.ts";
import { UNFETCHED_STATUS_LISTS } from "../status/unfetched.ts";
import {
  decodeForDisplay,
  explainVerification,
  stepOutcomes,
  type Refusal,
  type StepOutcome,
} from "./steps.ts";

/** A step that could not be judged: step 5 when nobody named the issuer, step 9 offline. */
export type UncheckedStep = Omit<StepOutcome, "status" | "code" | "detail"> & {
  status: "not_checked";
  detail?: string;
};

export interface KeySetInspection {
  steps: (StepOutcome | UncheckedStep)[];
  /** Every step that was checked passed (steps 5 and 9 may be `not_checked`). */
  valid: boolean;
  error?: Refusal["code"];
  detail?: string;
  /** The issuer the keys were trusted for, and whether someone named it. */
  issuer: string;
  issuerNamed: boolean;
  /** False when the token names a status list, which offline inspection does not fetch. */
  statusChecked: boolean;
}

/** A key set that cannot be used, said so a person can fix it. */
export class KeySetError extends Error {
  override readonly name = "KeySetError";
}

/** The keys the person gave, and nothing fetched. */
const inlineKeys: KeySource = { keyFor: async (carrier, kid) => carrier.inlineKeys.get(kid) };

/** No real token has this issuer: a token whose `iss` is not a string stops at step 5. */
const NO_ISSUER = "urn:oct:inspect:no-issuer";

/** The algorithms a key set's keys can verify (a key's own `alg`, else its type and curve). */
function algorithmsOf(keys: readonly PublicJwk[]): Algorithm[] {
  const usable = ALLOWED_ALGORITHMS.filter((alg) =>
    keys.some((key) => (key.alg !== undefined ? key.alg === alg : keyFitsAlgorithm(key, alg))),
  );
  return usable.length > 0 ? usable : [...ALLOWED_ALGORITHMS];
}

/**
 * A network with one carrier: `jwks` (a JWK Set, or one JWK) trusted for
 * `issuer`. Throws {@link KeySetError} for anything else than public keys
 * that pass spec §5.4.
 *
 * @example
 * const network = keySetNetwork({ keys: [jwk] }, "https://tokens.carrier-a.example");
 */
export function keySetNetwork(jwks: unknown, issuer: string): Network {
  const single = jwks as { kty?: unknown } | null;
  const set = (
    typeof single === "object" && single !== null && typeof single.kty === "string"
      ? { keys: [single] }
      : jwks
  ) as { keys?: unknown } | null;
  if (typeof set !== "object" || set === null || !Array.isArray(set.keys))
    throw new KeySetError('Not a JWK Set: expected { "keys": [ … ] } or one JWK');
  const keys = set.keys as PublicJwk[];
  if (keys.some((key) => typeof key === "object" && key !== null && "d" in key))
    throw new KeySetError(
      "The key set holds a private key: give the carrier's public JWK Set instead, never a private key",
    );
  try {
    return loadNetwork({
      gateway: { id: "urn:oct:inspect" },
      carriers: [
        { id: "key-set", issuer, jwks: set, algorithms: algorithmsOf(keys), status: "active" },
      ],
      providers: [],
      tariffs: [],
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const at = error.pointer.replace(/^\/carriers\/0\/jwks/, "") || "/";
    const reason = error.message.replace(/^network configuration: at "[^"]*": /, "");
    throw new KeySetError(`The key set is not a usable public JWK Set (at ${at}): ${reason}`);
  }
}

/**
 * Verifies `token` as a gateway trusting `jwks` for `namedIssuer` would (the
 * token's own `iss` when none is named).
 *
 * @example
 * const { valid, steps } = await inspectAgainstKeySet(token, jwks, undefined, { clock, signatures });
 */
export async function inspectAgainstKeySet(
  token: string,
  jwks: unknown,
  namedIssuer: string | undefined,
  deps: Pick<VerifyContext, "clock" | "signatures">,
): Promise<KeySetInspection> {
  const issuerNamed = namedIssuer !== undefined && namedIssuer.trim() !== "";
  let issuer = namedIssuer?.trim() ?? "";
  if (!issuerNamed) {
    // The claims decoded for display, only to learn which issuer to try the keys for.
    const iss = (decodeForDisplay(token, Infinity).claims as { iss?: unknown } | undefined)?.iss;
    issuer = typeof iss === "string" && iss.length >= 1 && iss.length <= 256 ? iss : NO_ISSUER;
  }
  const network = keySetNetwork(jwks, issuer);
  let refusal: Refusal | undefined;
  let statusUnfetched: string | undefined;
  try {
    const outcome = await explainVerification(token, {
      ...deps,
      network,
      keys: inlineKeys,
      statusLists: UNFETCHED_STATUS_LISTS,
    });
    refusal = "refusal" in outcome ? outcome.refusal : undefined;
  } catch (error) {
    // Steps 1 to 8 passed; step 9 asked for a list, and offline there is none.
    if (!isOctError(error) || error.code !== "status_unavailable") throw error;
    statusUnfetched = error.message;
  }
  const unchecked = (step: StepOutcome, detail: string): UncheckedStep => ({
    step: step.step,
    title: step.title,
    section: step.section,
    status: "not_checked",
    detail,
  });
  const steps: KeySetInspection["steps"] = stepOutcomes(refusal).map((step) => {
    if (step.step === 5 && !issuerNamed && step.status === "passed")
      return unchecked(
        step,
        `no issuer named: the keys were tried as those of the token's own iss (${issuer})`,
      );
    if (step.step === 9 && statusUnfetched !== undefined) return unchecked(step, statusUnfetched);
    return step;
  });
  return {
    steps,
    valid: refusal === undefined,
    ...(refusal ? { error: refusal.code, detail: refusal.detail } : {}),
    issuer,
    issuerNamed,
    statusChecked: statusUnfetched === undefined,
  };
}
