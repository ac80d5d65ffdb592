/**
 * @module Carrier tooling: `oct keys generate`, `oct jwks`, `oct mint`.
 */
import { writeFileSync } from "node:fs";
import { parsePositiveAmount } from "../../core/amount/decimal.ts";
import { generateSigningKey, publicJwks, type PrivateJwk } from "../../core/signing/keys.ts";
import { mintToken, type MintClaims } from "../../core/issuer/mint.ts";
import { ALLOWED_ALGORITHMS, isAllowedAlgorithm } from "../../core/token/header.ts";
import { readJson, required, UsageError, type Command } from "../command.ts";

export const keysGenerate: Command = {
  name: "keys generate",
  summary: "generate a carrier signing key (private JWK, kid = RFC 7638 thumbprint)",
  usage: "oct keys generate --alg EdDSA|ES256|ES384|PS256|RS256 [--out FILE]",
  example: "oct keys generate --alg EdDSA --out carrier-a.private.jwk.json",
  options: { alg: { type: "string", default: "EdDSA" }, out: { type: "string" } },
  async run(values, out) {
    const alg = values.alg;
    if (!isAllowedAlgorithm(alg))
      throw new UsageError(`--alg must be one of ${ALLOWED_ALGORITHMS.join(", ")}`);
    const key = await generateSigningKey(alg);
    const text = JSON.stringify(key, null, 2) + "\n";
    if (typeof values.out === "string") {
      writeFileSync(values.out, text, { mode: 0o600 });
      out.print(
        values.json
          ? JSON.stringify({ kid: key.kid, alg, file: values.out })
          : `wrote ${values.out} (kid ${key.kid})`,
      );
    } else out.print(text.trimEnd());
  },
};

export const jwks: Command = {
  name: "jwks",
  summary: "print the public JWK Set of one or more private keys",
  usage: "oct jwks --key FILE [--key FILE ...]",
  example: "oct jwks --key carrier-a.private.jwk.json > jwks.json",
  options: { key: { type: "string", multiple: true } },
  async run(values, out) {
    const files = (values.key as string[] | undefined) ?? [];
    if (files.length === 0) throw new UsageError("--key is required");
    const keys = files.map((file) => readJson(file, "key file") as PrivateJwk);
    out.print(JSON.stringify(publicJwks(keys), null, 2));
  },
};

export const mint: Command = {
  name: "mint",
  summary: "mint an OCT token with a carrier's private key",
  usage:
    "oct mint --key FILE --iss URL --sub ID --amount DECIMAL --unit UNIT [--ttl SECONDS] [--jti ID] [--provider ID ...] [--region ID ...] [--workload NAME ...] [--max-per-redemption DECIMAL]",
  example:
    "oct mint --key config/demo/keys/carrier-a.private.jwk.json --iss https://tokens.carrier-a.example --sub acct-42 --amount 100 --unit gpu-second:h100-sxm",
  options: {
    key: { type: "string" },
    iss: { type: "string" },
    sub: { type: "string" },
    amount: { type: "string" },
    unit: { type: "string" },
    ttl: { type: "string", default: "86400" },
    jti: { type: "string" },
    provider: { type: "string", multiple: true },
    region: { type: "string", multiple: true },
    workload: { type: "string", multiple: true },
    "max-per-redemption": { type: "string" },
  },
  async run(values, out) {
    const key = readJson(required(values, "key"), "key file") as PrivateJwk;
    if (
      typeof key !== "object" ||
      key === null ||
      typeof key.d !== "string" ||
      !isAllowedAlgorithm(key.alg)
    ) {
      throw new UsageError(
        "the key file must hold a private JWK with kid and alg (see `oct keys generate`)",
      );
    }
    const amount = required(values, "amount");
    if (parsePositiveAmount(amount) === undefined) {
      throw new UsageError(
        `--amount ${amount} is not a canonical positive decimal (e.g. 100 or 0.5)`,
      );
    }
    const ttl = Number(values.ttl);
    if (!Number.isSafeInteger(ttl) || ttl <= 0)
      throw new UsageError("--ttl must be a positive whole number of seconds");
    const now = Math.floor(Date.now() / 1000);
    const redeem: NonNullable<MintClaims["oct"]["redeem"]> = {};
    if (values.provider) redeem.providers = values.provider as string[];
    if (values.region) redeem.regions = values.region as string[];
    if (values.workload) redeem.workloads = values.workload as string[];
    if (typeof values["max-per-redemption"] === "string")
      redeem.max_per_redemption = values["max-per-redemption"];
    const claims: MintClaims = {
      iss: required(values, "iss"),
      sub: required(values, "sub"),
      aud: "urn:oct:redeem",
      iat: now,
      nbf: now,
      exp: now + ttl,
      jti: typeof values.jti === "string" ? values.jti : crypto.randomUUID(),
      oct: {
        ver: "0.1",
        amount,
        unit: required(values, "unit"),
        ...(Object.keys(redeem).length > 0 ? { redeem } : {}),
      },
    };
    const token = await mintToken(claims, key);
    out.print(values.json ? JSON.stringify({ token, claims }) : token);
  },
};
