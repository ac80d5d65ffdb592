/**
 * @module The package's main entry (`open-compute-token`): what a carrier, a
 * provider or another gateway needs as a library — keys and minting, token
 * verification against a network configuration, receipts and settlement
 * reports checked against a gateway's keys, exact amounts and the errors.
 *
 * @example
 * import { loadNetwork, verifyToken, CarrierKeys, RemoteStatusLists, systemClock, webCryptoSignatures } from "open-compute-token";
 * const network = loadNetwork(JSON.parse(readFileSync("network.json", "utf8")));
 * const keys = new CarrierKeys();
 * const statusLists = new RemoteStatusLists({ clock: systemClock, limits: network.limits, keys, signatures: webCryptoSignatures });
 * const { claims } = await verifyToken(token, {
 *   network, keys, statusLists, clock: systemClock, signatures: webCryptoSignatures,
 * });
 */

// Carrier keys and minting.
export {
  generateSigningKey,
  publicJwkOf,
  publicJwks,
  type PrivateJwk,
} from "../core/signing/keys.ts";
export { mintToken, type MintClaims } from "../core/issuer/mint.ts";

// Holder binding (spec §2.6, §6.6): a holder's key, its thumbprint for
// `cnf.jkt`, the DPoP proof each request with a bound token carries, and the
// gateway's check of one.
export {
  createHolderProof,
  generateHolderKey,
  holderThumbprint,
  type HolderProofRequest,
} from "../core/holder/build.ts";
export {
  PROOF_ALGORITHMS,
  PROOF_TYPE,
  accessTokenHash,
  checkHolderProof,
  type CheckedProof,
  type ProofTarget,
  type ProofWindow,
} from "../core/holder/proof.ts";

// Parties (spec §7.13): a carrier, provider or operator makes a client
// assertion for each request for its books; a gateway checks one.
export { makeClientAssertion, type AssertionRequest } from "../core/party/make-assertion.ts";
export {
  authenticateParty,
  CLIENT_ASSERTION_TYPE,
  MAX_ASSERTION_LIFETIME_SECONDS,
  type AssertionContext,
} from "../core/party/assertion.ts";
export { partyOf, partyReference, type Party, type PartyKind } from "../core/party/party.ts";
export type { AssertionJtis } from "../ports/assertion-jtis.ts";

// Token status (spec §2.8, §6.5): a carrier's status lists, published and read.
export {
  TOKEN_STATUS,
  compressStatusList,
  decompressStatusList,
  entryCount,
  newStatusList,
  setStatus,
  statusAt,
  type StatusBits,
  type StatusList,
} from "../core/status/status-list.ts";
export { signStatusList, type StatusListTerms } from "../core/issuer/status-list.ts";
export {
  RemoteStatusLists,
  type RemoteStatusListsOptions,
} from "../adapters/status/remote-status-lists.ts";
export { UNFETCHED_STATUS_LISTS } from "../core/status/unfetched.ts";
export type { StatusListSource } from "../ports/status-lists.ts";

// Verification (spec §6.2) against a network configuration (spec §5).
export {
  verifyToken,
  verifySignedToken,
  type TokenIdentity,
  type VerifiedToken,
  type VerifyContext,
  type VerifyOptions,
} from "../core/token/verify.ts";
export type { TokenClaims } from "../core/token/claims.ts";
export {
  ALLOWED_ALGORITHMS,
  TOKEN_TYPE,
  isAllowedAlgorithm,
  type Algorithm,
  type TokenHeader,
} from "../core/token/header.ts";
export {
  ConfigError,
  DEFAULT_LIMITS,
  loadNetwork,
  type Carrier,
  type Limits,
  type Network,
  type NetworkDocument,
  type Provider,
  type Tariff,
} from "../core/network/config.ts";
export { CarrierKeys } from "../adapters/keys/carrier-keys.ts";
export { RemoteJwks, type RemoteJwksOptions } from "../adapters/keys/remote-jwks.ts";
export type { KeySource } from "../ports/keys.ts";
export type { PublicJwk } from "../core/keys/jwk.ts";
export { systemClock, type Clock } from "../ports/clock.ts";
export { webCryptoSignatures } from "../adapters/crypto/web-crypto-signatures.ts";
export type { SignatureVerifier } from "../ports/signatures.ts";

// What a gateway signs (spec §9.4, §10.3), checked with its published keys.
export {
  SignatureError,
  verifyReceipt,
  verifySettlement,
  type GatewayKeys,
  type Quantity,
  type ReceiptClaims,
  type SettlementReport,
} from "../cli/signed.ts";
export { RECEIPT_TYPE } from "../core/receipt/sign.ts";
export { SETTLEMENT_TYPE } from "../core/settlement/report.ts";

// Exact amounts (spec §3), units (spec §4) and the error registry (spec §12).
export {
  formatAmount,
  parseAmount,
  parsePositiveAmount,
  type Atto,
} from "../core/amount/decimal.ts";
export { isKnownUnit, unitIds } from "../core/units/registry.ts";
export {
  ERROR_REGISTRY,
  OctError,
  isOctError,
  type ErrorCode,
  type Problem,
} from "../core/errors.ts";
