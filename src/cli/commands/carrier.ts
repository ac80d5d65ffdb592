/**
 * @module Carrier tooling: `oct keys generate`, `oct jwks`, `oct mint`.
 */
import { chmodSync, writeFileSync } from "node:fs";
import type { JWK } from "jose";
import { holderThumbprint } from "../../core/holder/build.ts";
import { generateSigningKey, publicJwks, type PrivateJwk } from "../../core/signing/keys.ts";
import { mintToken, type MintClaims } from "../../core/issuer/mint.ts";
import { ALLOWED_ALGORITHMS, isAllowedAlgorithm } from "../../core/token/header.ts";
import { isKnownUnit, unitIds } from "../../core/units/registry.ts";
import { positiveAmountOption } from "../amount.ts";
import { readJson, required, UsageError, type Command } from "../command.ts";
import { numericDateOption, TIME_HELP } from "../times.ts";

/**
 * Writes a file holding a private key, readable by its owner only, and never
 * over an existing file unless `force`: a key in use, once overwritten, is
 * gone, and every token it signed with it.
 */
export function writePrivateFile(path: string, text: string, force: boolean): void {
  try {
    writeFileSync(path, text, { mode: 0o600, flag: force ? "w" : "wx" });
    chmodSync(path, 0o600); // `mode` only applies to a new file
  } catch (error) {
    if ((error as { code?: string }).code === "EEXIST")
      throw new UsageError(
        `${path} exists and may hold a key in use: choose another --out, or give --force to replace it`,
      );
    throw new UsageError(`cannot write ${path}: ${(error as Error).message}`);
  }
}

/** The private signing key in the file at `path` (`oct keys generate` writes one). */
export function privateKeyFile(path: string): PrivateJwk {
  const key = readJson(path, "key file") as PrivateJwk | null;
  if (
    typeof key !== "object" ||
    key === null ||
    typeof key.d !== "string" ||
    !isAllowedAlgorithm(key.alg)
  )
    throw new UsageError(
      "the key file must hold a private JWK with kid and alg (see `oct keys generate`)",
    );
  return key;
}

/**
 * The `cnf.jkt` of the holder key in a JWK file, public or private: the
 * RFC 7638 thumbprint of its public members.
 */
export async function holderJktOf(path: string): Promise<string> {
  const read = readJson(path, "holder key file") as (JWK & { keys?: JWK[] }) | null;
  // A key set of one key (what `oct jwks` prints) names its key too.
  const jwk = Array.isArray(read?.keys) && read.keys.length === 1 ? read.keys[0]! : read;
  if (typeof jwk !== "object" || jwk === null || typeof jwk.kty !== "string")
    throw new UsageError(`${path} must hold a JWK (see \`oct keys generate --holder\`)`);
  try {
    // The thumbprint of the public members, whether the file has `d` or not.
    return await holderThumbprint(jwk);
  } catch (error) {
    throw new UsageError(`${path}: not a usable public key: ${(error as Error).message}`);
  }
}

/** The `--unit` of a token: a unit of the registry (`spec/units.json`), else `unit_unknown`. */
function registeredUnit(unit: string): string {
  if (!isKnownUnit(unit))
    throw new UsageError(
      `unit_unknown: --unit ${unit} is not in the unit registry (spec/units.json): one of ${unitIds().join(", ")}`,
    );
  return unit;
}

export const keysGenerate: Command = {
  name: "keys generate",
  summary:
    "generate a carrier signing key, or with --holder a token holder's key (private JWK, kid = RFC 7638 thumbprint)",
  usage: "oct keys generate [--holder] --alg EdDSA|ES256|ES384|PS256|RS256 [--out FILE [--force]]",
  example: "oct keys generate --alg EdDSA --out carrier-a.private.jwk.json",
  help: [
    "  --out FILE   write the private key there (mode 0600) instead of printing it; an",
    "               existing file is never replaced unless --force is given",
    "  --holder     a holder key, to bind tokens to (spec §2.6): give its file to the issuer",
    "               (oct mint --holder-jwk FILE; only the public part is used) and to the",
    "               spending commands (--holder-key FILE); its kid is the token's cnf.jkt",
  ].join("\n"),
  options: {
    alg: { type: "string", default: "EdDSA" },
    out: { type: "string" },
    force: { type: "boolean" },
    holder: { type: "boolean" },
  },
  async run(values, out) {
    const alg = values.alg;
    if (!isAllowedAlgorithm(alg))
      throw new UsageError(`--alg must be one of ${ALLOWED_ALGORITHMS.join(", ")}`);
    const holder = values.holder === true;
    // A holder key is a signing key like a carrier's: its kid is already the
    // thumbprint a token's cnf.jkt names.
    const key = await generateSigningKey(alg);
    const text = JSON.stringify(key, null, 2) + "\n";
    if (typeof values.out === "string") {
      writePrivateFile(values.out, text, values.force === true);
      out.print(
        values.json
          ? JSON.stringify({
              kid: key.kid,
              alg,
              file: values.out,
              ...(holder ? { jkt: key.kid } : {}),
            })
          : holder
            ? `wrote ${values.out} (holder key, cnf.jkt ${key.kid})`
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
    "oct mint --key FILE --iss URL --sub ID --amount DECIMAL --unit UNIT [--ttl SECONDS | --exp TIME] [--nbf TIME] [--iat TIME] [--jti ID] [--provider ID ...] [--region ID ...] [--workload NAME ...] [--max-per-redemption DECIMAL] [--status-list URL --status-index I] [--holder-jwk FILE]",
  example:
    "oct mint --key config/demo/keys/carrier-a.private.jwk.json --iss https://tokens.carrier-a.example --sub acct-42 --amount 100 --unit gpu-second:h100-sxm",
  help: [
    "--amount is a canonical decimal (100, 0.5; not 1.50 or 1e3) and --unit a unit of the",
    "registry (spec/units.json); both are checked before anything is signed.",
    "  --ttl SECONDS   lifetime from nbf (default 86400)",
    "  --exp, --nbf, --iat TIME   set the claims themselves, e.g. to test expired or",
    "                  not-yet-valid tokens (--exp now-60, --nbf now+3600)",
    `  ${TIME_HELP}`,
    "  --status-list URL --status-index I   the token's entry in one of the carrier's status",
    "                  lists (oct status-list), so that it can be revoked or suspended later",
    "  --holder-jwk FILE   bind the token to this holder key (its public part is enough):",
    "                  cnf.jkt is its thumbprint, and every request that spends the token or",
    "                  reads its balance must carry a proof made with it (spec §2.6, §6.6)",
  ].join("\n"),
  options: {
    key: { type: "string" },
    iss: { type: "string" },
    sub: { type: "string" },
    amount: { type: "string" },
    unit: { type: "string" },
    ttl: { type: "string" },
    exp: { type: "string" },
    nbf: { type: "string" },
    iat: { type: "string" },
    jti: { type: "string" },
    provider: { type: "string", multiple: true },
    region: { type: "string", multiple: true },
    workload: { type: "string", multiple: true },
    "max-per-redemption": { type: "string" },
    "status-list": { type: "string" },
    "status-index": { type: "string" },
    "holder-jwk": { type: "string" },
  },
  async run(values, out) {
    const key = privateKeyFile(required(values, "key"));
    const amount = positiveAmountOption("amount", required(values, "amount"));
    const unit = registeredUnit(required(values, "unit"));
    if (typeof values.ttl === "string" && typeof values.exp === "string")
      throw new UsageError(
        "--ttl and --exp: give one (--exp sets the expiry, --ttl counts from nbf)",
      );
    const ttlText = typeof values.ttl === "string" ? values.ttl : "86400";
    const ttl = Number(ttlText);
    if (!/^\d+$/.test(ttlText) || !Number.isSafeInteger(ttl) || ttl <= 0)
      throw new UsageError("--ttl must be a positive whole number of seconds");
    const now = Math.floor(Date.now() / 1000);
    const time = (name: "exp" | "nbf" | "iat") => {
      const text = values[name];
      return typeof text === "string" ? numericDateOption(name, text, now) : undefined;
    };
    const nbf = time("nbf") ?? now;
    const redeem: NonNullable<MintClaims["oct"]["redeem"]> = {};
    if (values.provider) redeem.providers = values.provider as string[];
    if (values.region) redeem.regions = values.region as string[];
    if (values.workload) redeem.workloads = values.workload as string[];
    if (typeof values["max-per-redemption"] === "string")
      redeem.max_per_redemption = positiveAmountOption(
        "max-per-redemption",
        values["max-per-redemption"],
      );
    const statusList = values["status-list"];
    const statusIndex = values["status-index"];
    if ((typeof statusList === "string") !== (typeof statusIndex === "string"))
      throw new UsageError("--status-list and --status-index go together");
    if (typeof statusIndex === "string" && !/^\d{1,15}$/.test(statusIndex))
      throw new UsageError("--status-index must be a whole number");
    const claims: MintClaims = {
      iss: required(values, "iss"),
      sub: required(values, "sub"),
      aud: "urn:oct:redeem",
      iat: time("iat") ?? now,
      nbf,
      exp: time("exp") ?? nbf + ttl,
      jti: typeof values.jti === "string" ? values.jti : crypto.randomUUID(),
      oct: {
        ver: "0.1",
        amount,
        unit,
        ...(Object.keys(redeem).length > 0 ? { redeem } : {}),
      },
      ...(typeof statusList === "string"
        ? { status: { status_list: { idx: Number(statusIndex), uri: statusList } } }
        : {}),
      ...(typeof values["holder-jwk"] === "string"
        ? { cnf: { jkt: await holderJktOf(values["holder-jwk"]) } }
        : {}),
    };
    const token = await mintToken(claims, key);
    out.print(values.json ? JSON.stringify({ token, claims }) : token);
  },
};
