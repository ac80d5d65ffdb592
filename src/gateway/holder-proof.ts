/**
 * @module A request's holder proof (`spec/oct.md` §6.6): its `DPoP` header
 * field and the target it must have been made for, the gateway's own URL of
 * the request, and the challenge a refused proof is answered with.
 */
import type { Context } from "hono";
import type { HolderRequest } from "../core/holder/binding.ts";
import { PROOF_ALGORITHMS } from "../core/holder/proof.ts";
import type { Network } from "../core/network/config.ts";
import type { GatewayEnv } from "./env.ts";
import { publicUrlOf } from "./public-url.ts";

/**
 * The proof and target of `c`. Repeated `DPoP` fields reach here joined with
 * commas (RFC 9110 §5.3), which the proof check refuses.
 *
 * @example
 * await redeem(ports, body, key, hash, holderRequestOf(c, ports.network));
 */
export function holderRequestOf(c: Context<GatewayEnv>, network: Network): HolderRequest {
  return {
    proof: c.req.header("dpop"),
    method: c.req.method,
    url: publicUrlOf(c, network, c.req.path),
  };
}

/**
 * The DPoP challenge of a refused holder proof (RFC 9449 §7.1), beside the
 * OCT one: no `error` when the proof is missing, `invalid_dpop_proof` otherwise.
 */
export function dpopChallenge(code: string): string {
  const algs = `algs="${PROOF_ALGORITHMS.join(" ")}"`;
  return code === "holder_proof_missing"
    ? `DPoP ${algs}`
    : `DPoP error="invalid_dpop_proof", ${algs}`;
}
