/**
 * @module The inspector's offline verification, in the browser: the
 * gateway's own verification pipeline (`src/core`, `spec/oct.md` §6.2)
 * against a JWK Set the person pastes, trusted for one issuer. Bundled by
 * `scripts/gen.ts` into `assets/offline-inspect.js` and
 * served at `/inspector/offline.js`; it installs `window.OctOffline`. The
 * answer has the shape of `POST /v1/inspect`'s steps and verdict, with one
 * more step status, `not_checked`, for an issuer nobody named.
 */
import { webCryptoSignatures } from "../../../adapters/crypto/web-crypto-signatures.ts";
import {
  inspectAgainstKeySet,
  KeySetError,
  type KeySetInspection,
} from "../../../core/inspection/key-set.ts";

export type OfflineInspection =
  { usable: false; problem: string } | ({ usable: true } & KeySetInspection);

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
  let jwks: unknown;
  try {
    jwks = JSON.parse(jwksText);
  } catch (error) {
    return { usable: false, problem: `The JWK Set is not JSON: ${(error as Error).message}` };
  }
  try {
    const inspection = await inspectAgainstKeySet(token, jwks, namedIssuer, {
      clock: { now: () => nowMs },
      signatures: webCryptoSignatures,
    });
    return { usable: true, ...inspection };
  } catch (error) {
    if (!(error instanceof KeySetError)) throw error;
    return { usable: false, problem: `${error.message}.` };
  }
}

(globalThis as { OctOffline?: unknown }).OctOffline = { inspect: inspectOffline };
