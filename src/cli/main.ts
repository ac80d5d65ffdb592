/**
 * @module The `oct` command: carrier tooling (keys, JWKS, minting) and,
 * against a gateway, the enterprise's verbs. Each command has `--help`.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { readFileSync, writeFileSync } from "node:fs";
import { generateSigningKey, publicJwks, type PrivateJwk } from "../core/issuer/keys.ts";
import { mintToken, type MintClaims } from "../core/issuer/mint.ts";
import { ALLOWED_ALGORITHMS, isAllowedAlgorithm } from "../core/token/header.ts";
import { parsePositiveAmount } from "../core/amount/decimal.ts";

/** A usage error: printed with the command's help hint, exit status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

interface Command {
  summary: string;
  usage: string;
  example: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(values: Record<string, string | boolean | string[] | undefined>, out: Output): Promise<void>;
}

export interface Output {
  print(text: string): void;
  error(text: string): void;
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`cannot read ${what} ${path}: no such file or not readable`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`);
  }
}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.length === 0)
    throw new UsageError(`--${name} is required`);
  return value;
}

const COMMANDS: Record<string, Command> = {
  "keys generate": {
    summary: "generate a carrier signing key (private JWK, kid = RFC 7638 thumbprint)",
    usage: "oct keys generate --alg EdDSA|ES256|ES384|PS256|RS256 [--out FILE]",
    example: "oct keys generate --alg EdDSA --out carrier-a.private.jwk.json",
    options: { alg: { type: "string", default: "EdDSA" }, out: { type: "string" } },
    async run(values, out) {
      const alg = values.alg;
      if (!isAllowedAlgorithm(alg)) {
        throw new UsageError(`--alg must be one of ${ALLOWED_ALGORITHMS.join(", ")}`);
      }
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
  },
  jwks: {
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
  },
  mint: {
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
  },
};

function helpFor(name: string, command: Command): string {
  return [
    `oct ${name}: ${command.summary}`,
    "",
    `usage:   ${command.usage}`,
    `example: ${command.example}`,
    "",
    "--json prints machine-readable output.",
  ].join("\n");
}

export function overview(): string {
  const lines = ["oct: the Open Compute Token command", "", "commands:"];
  for (const [name, command] of Object.entries(COMMANDS))
    lines.push(`  ${name.padEnd(16)} ${command.summary}`);
  lines.push("", "`oct <command> --help` shows a command's options and an example.");
  return lines.join("\n");
}

/** Runs the command line; returns the exit status. */
export async function main(argv: string[], out: Output): Promise<number> {
  const name = [argv.slice(0, 2).join(" "), argv[0] ?? ""].find(
    (candidate) => candidate in COMMANDS,
  );
  if (!name) {
    if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
      out.print(overview());
      return 0;
    }
    out.error(`oct: unknown command "${argv.join(" ")}"\n\n${overview()}`);
    return 2;
  }
  const command = COMMANDS[name]!;
  const rest = argv.slice(name.split(" ").length);
  try {
    const { values } = parseArgs({
      args: rest,
      options: {
        ...command.options,
        help: { type: "boolean", short: "h" },
        json: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      out.print(helpFor(name, command));
      return 0;
    }
    await command.run(values, out);
    return 0;
  } catch (error) {
    const message = (error as Error).message;
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      out.error(`oct ${name}: ${message}\n(see \`oct ${name} --help\`)`);
      return 2;
    }
    out.error(`oct ${name}: ${message}`);
    return 1;
  }
}
