/**
 * @module The checks of the verification profile (`spec/oct.md` §6.2), by
 * name and step. The pipeline reports each step as it enters it (for the
 * token inspector), and a check can be left out only to prove that the
 * conformance suite notices (a deliberately weakened gateway, in tests).
 */

/** The numbered steps of `spec/oct.md` §6.2. */
export const VERIFICATION_STEPS = [
  { step: 1, name: "size", title: "Size cap", section: "6.2 step 1" },
  { step: 2, name: "compact", title: "Compact serialization", section: "6.2 step 2" },
  { step: 3, name: "header", title: "JOSE header profile", section: "6.2 step 3" },
  { step: 4, name: "payload", title: "Payload is strict JSON", section: "6.2 step 4" },
  { step: 5, name: "issuer", title: "Trusted, active issuer", section: "6.2 step 5" },
  { step: 6, name: "key", title: "Carrier key by kid", section: "6.2 step 6" },
  { step: 7, name: "signature", title: "Signature", section: "6.2 step 7" },
  { step: 8, name: "claims", title: "Claims, units and time", section: "6.2 step 8" },
] as const;

export type VerificationStep = (typeof VERIFICATION_STEPS)[number];

/** Every individual check of the profile. */
export const PROFILE_CHECKS = [
  "size",
  "segments",
  "base64url",
  "strict-json",
  "alg-allowed",
  "header-profile",
  "issuer-trusted",
  "carrier-active",
  "carrier-algorithms",
  "key-in-carrier",
  "key-fits-alg",
  "signature",
  "claims-schema",
  "unit-registry",
  "not-before",
  "expiry",
  "lifetime",
] as const;

export type ProfileCheck = (typeof PROFILE_CHECKS)[number];

export interface VerifyOptions {
  /** Told of each step as verification enters it. */
  onStep?: (step: VerificationStep) => void;
  /** Checks to leave out: never in production, only to test the conformance suite. */
  omit?: ReadonlySet<ProfileCheck>;
}
