/**
 * @module The numbered steps of the verification algorithm (`spec/oct.md`
 * §6.2), by name, title and section: verification reports each step as it
 * enters it, and the token inspector explains a verdict step by step.
 */

export const VERIFICATION_STEPS = [
  { step: 1, name: "size", title: "Size cap", section: "6.2 step 1" },
  { step: 2, name: "compact", title: "Compact serialization", section: "6.2 step 2" },
  { step: 3, name: "header", title: "JOSE header profile", section: "6.2 step 3" },
  { step: 4, name: "payload", title: "Payload is strict JSON", section: "6.2 step 4" },
  { step: 5, name: "issuer", title: "Trusted, active issuer", section: "6.2 step 5" },
  { step: 6, name: "key", title: "Carrier key by kid", section: "6.2 step 6" },
  { step: 7, name: "signature", title: "Signature", section: "6.2 step 7" },
  { step: 8, name: "claims", title: "Claims, units and time", section: "6.2 step 8" },
  { step: 9, name: "status", title: "Token status", section: "6.2 step 9" },
] as const;

export type VerificationStep = (typeof VERIFICATION_STEPS)[number];
