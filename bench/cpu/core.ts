/**
 * @module Core verification: the gateway's whole pipeline (`verifyToken`:
 * size, format, header, issuer, key from cache, signature, claims, schema),
 * no HTTP.
 */
import { CarrierKeys } from "../../src/adapters/keys/carrier-keys.ts";
import type { SignatureVerifier } from "../../src/ports/signatures.ts";
import { loadNetwork, type NetworkDocument } from "../../src/core/network/config.ts";
import { UNFETCHED_STATUS_LISTS } from "../../src/core/status/unfetched.ts";
import { verifyToken } from "../../src/core/token/verify.ts";
import { systemClock } from "../../src/ports/clock.ts";

/** One full verification of `token` with this signature port, ready to call in a loop. */
export function coreVerifier(
  document: NetworkDocument,
  token: string,
  signatures: SignatureVerifier,
): () => Promise<unknown> {
  const network = loadNetwork(document);
  // The bench's tokens name no status list: step 9 passes without a fetch.
  const context = {
    network,
    keys: new CarrierKeys(),
    statusLists: UNFETCHED_STATUS_LISTS,
    clock: systemClock,
    signatures,
  };
  return () => verifyToken(token, context);
}
