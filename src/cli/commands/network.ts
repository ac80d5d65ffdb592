/**
 * @module `oct network init|add-carrier|add-provider|add-tariff`: a network
 * configuration of one's own (`spec/oct.md` §5), made and grown from the
 * command line. `init` gives the gateway the id asked for and a receipt key
 * of its own, never the demo's; every change is checked whole, as the
 * gateway checks it at start, before the file is written.
 */
import { writeFileSync } from "node:fs";
import { loadNetworkFile } from "../../adapters/config/file.ts";
import { generateSigningKey, type PrivateJwk } from "../../core/signing/keys.ts";
import { ConfigError, loadNetwork, type NetworkDocument } from "../../core/network/config.ts";
import { ALLOWED_ALGORITHMS, isAllowedAlgorithm, type Algorithm } from "../../core/token/header.ts";
import { positiveAmountOption } from "../amount.ts";
import { readJson, required, UsageError, type Command, type Values } from "../command.ts";
import { writePrivateFile } from "./carrier.ts";

const CONFIG_OPTION = { config: { type: "string" } } as const;
const CONFIG_HELP =
  "  --config FILE   the network configuration to change (made by `oct network init`)";

const list = (value: Values[string]) => (Array.isArray(value) ? value : []);

function algorithmsOf(values: Values, fallback: readonly unknown[]): Algorithm[] {
  const given = list(values.alg);
  const algorithms = given.length > 0 ? given : [...new Set(fallback)];
  for (const alg of algorithms)
    if (!isAllowedAlgorithm(alg))
      throw new UsageError(`--alg ${String(alg)}: one of ${ALLOWED_ALGORITHMS.join(", ")}`);
  if (algorithms.length === 0)
    throw new UsageError("--alg is required: the algorithms the carrier signs with");
  return algorithms as Algorithm[];
}

/**
 * Reads the configuration at `file`, applies `change`, checks the result
 * whole and only then writes it back (its mode unchanged: it may hold the
 * gateway's private receipt keys).
 */
function changeNetwork(file: string, change: (document: NetworkDocument) => void): void {
  const document = structuredClone(loadNetworkFile(file).document);
  change(document);
  try {
    loadNetwork(document);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new UsageError(`the change would make ${file} invalid: ${error.message}`);
    throw error;
  }
  writeFileSync(file, JSON.stringify(document, null, 2) + "\n");
}

export const networkInit: Command = {
  name: "network init",
  summary: "start a network configuration: the gateway's id and a new receipt key of its own",
  usage: "oct network init --gateway-id URL [--alg ES256|EdDSA|...] [--out FILE [--force]]",
  example: "oct network init --gateway-id https://gateway.example --out network.json",
  help: [
    "  --gateway-id URL   where the gateway is reached (its https origin in production, e.g.",
    "                     http://127.0.0.1:8787 for a trial): receipts and settlement reports",
    "                     name it as their issuer, and its jwks_uri is derived from it",
    "  --alg ALG          the receipt key's algorithm (default ES256)",
    "  --out FILE         write there (mode 0600: it holds the private receipt key) instead",
    "                     of printing; an existing file is never replaced unless --force",
    "The network starts with no carriers, providers or tariffs: add them with",
    "`oct network add-carrier`, `add-provider` and `add-tariff`, then start the gateway",
    "on it: OCT_CONFIG=FILE npm start.",
  ].join("\n"),
  options: {
    "gateway-id": { type: "string" },
    alg: { type: "string", default: "ES256" },
    out: { type: "string" },
    force: { type: "boolean" },
  },
  async run(values, out) {
    const id = required(values, "gateway-id");
    if (!/^https?:\/\/[^/]/.test(id))
      throw new UsageError(
        `--gateway-id ${id} must be an http(s) URL, e.g. https://gateway.example`,
      );
    const alg = values.alg;
    if (!isAllowedAlgorithm(alg))
      throw new UsageError(`--alg must be one of ${ALLOWED_ALGORITHMS.join(", ")}`);
    const key: PrivateJwk = await generateSigningKey(alg);
    const document: NetworkDocument = {
      gateway: { id, receipt_keys: { keys: [{ ...key }] } },
      carriers: [],
      providers: [],
      tariffs: [],
    };
    try {
      loadNetwork(document);
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(`--gateway-id ${id}: ${error.reason}`);
      throw error;
    }
    const text = JSON.stringify(document, null, 2) + "\n";
    if (typeof values.out !== "string") return out.print(text.trimEnd());
    writePrivateFile(values.out, text, values.force === true);
    out.print(
      values.json
        ? JSON.stringify({ file: values.out, gateway: id, receipt_kid: key.kid })
        : `wrote ${values.out}: gateway ${id}, a new ${alg} receipt key (kid ${key.kid}); ` +
            "no carriers, providers or tariffs yet (oct network add-carrier, add-provider, add-tariff)",
    );
  },
};

type EntryKeys = { jwks?: { keys: Record<string, unknown>[] }; jwks_uri?: string };

/** An entry's public keys from `--jwks FILE` and `--jwks-uri URL`, or none given. */
function keysOption(values: Values, kind: string): EntryKeys | undefined {
  const jwksFile = values.jwks;
  const jwksUri = values["jwks-uri"];
  if (typeof jwksFile !== "string" && typeof jwksUri !== "string") return undefined;
  let jwks: EntryKeys["jwks"];
  if (typeof jwksFile === "string") {
    jwks = readJson(jwksFile, "key set") as EntryKeys["jwks"];
    if (!Array.isArray(jwks?.keys))
      throw new UsageError(`${jwksFile} is not a JWK Set ({ "keys": [ ... ] })`);
    if (jwks.keys.some((key) => "d" in key))
      throw new UsageError(
        `${jwksFile} holds a private key: a ${kind} entry takes public keys only (oct jwks --key ${jwksFile})`,
      );
  }
  return {
    ...(jwks ? { jwks } : {}),
    ...(typeof jwksUri === "string" ? { jwks_uri: jwksUri } : {}),
  };
}

const KEYS_OPTIONS = { jwks: { type: "string" }, "jwks-uri": { type: "string" } } as const;

export const networkAddCarrier: Command = {
  name: "network add-carrier",
  summary: "trust a carrier: its issuer and its public keys, inline or at a jwks_uri",
  usage:
    "oct network add-carrier --config FILE --id ID --issuer ISS (--jwks FILE | --jwks-uri URL) [--alg ALG ...]",
  example:
    "oct network add-carrier --config network.json --id carrier-c --issuer https://tokens.carrier-c.example --jwks carrier-c.jwks.json",
  help: [
    CONFIG_HELP,
    "  --jwks FILE      the carrier's public JWK Set (`oct jwks --key ...`), put inline in the",
    "                   configuration: nothing to serve, but a key rotation means a new entry",
    "  --jwks-uri URL   where the carrier publishes it (https; http only on localhost): the",
    "                   gateway fetches, caches and refreshes it (spec §5.5)",
    "  --alg ALG        the algorithms accepted for its tokens (default: the keys' alg)",
  ].join("\n"),
  options: {
    ...CONFIG_OPTION,
    ...KEYS_OPTIONS,
    id: { type: "string" },
    issuer: { type: "string" },
    alg: { type: "string", multiple: true },
  },
  async run(values, out) {
    const file = required(values, "config");
    const id = required(values, "id");
    const issuer = required(values, "issuer");
    const keys = keysOption(values, "carrier");
    if (!keys)
      throw new UsageError("give the carrier's keys: --jwks FILE (inline) or --jwks-uri URL");
    const algorithms = algorithmsOf(values, keys.jwks?.keys.map((key) => key.alg) ?? []);
    changeNetwork(file, (document) => {
      document.carriers.push({ id, issuer, ...keys, algorithms, status: "active" });
    });
    out.print(
      values.json
        ? JSON.stringify({ file, carrier: id, issuer, algorithms })
        : `${file}: carrier ${id} trusted for tokens of ${issuer} (${algorithms.join(", ")}); restart the gateway to load it`,
    );
  },
};

export const networkAddProvider: Command = {
  name: "network add-provider",
  summary: "add a provider where tokens are redeemed, and the units it sells",
  usage:
    "oct network add-provider --config FILE --id ID --unit UNIT [--unit UNIT ...] [--webhook URL] [--jwks FILE | --jwks-uri URL]",
  example:
    "oct network add-provider --config network.json --id carrier-b-edge --unit gpu-second:a100-sxm",
  help: [
    CONFIG_HELP,
    "  --unit UNIT    a unit it sells (spec/units.json); repeat for several",
    "  --webhook URL  the gateway POSTs each signed receipt there, a 2xx accepting it;",
    "                 without it the gateway's own ledger is the provider's record",
    "  --jwks FILE | --jwks-uri URL   the provider's public keys, with which it signs its",
    "                 requests for its settlement lines and redemptions (spec §7.13)",
  ].join("\n"),
  options: {
    ...CONFIG_OPTION,
    ...KEYS_OPTIONS,
    id: { type: "string" },
    unit: { type: "string", multiple: true },
    webhook: { type: "string" },
  },
  async run(values, out) {
    const file = required(values, "config");
    const id = required(values, "id");
    const units = list(values.unit);
    if (units.length === 0) throw new UsageError("--unit is required: the units it sells");
    const webhook = values.webhook;
    const keys = keysOption(values, "provider") ?? {};
    changeNetwork(file, (document) => {
      document.providers.push(
        typeof webhook === "string"
          ? { id, adapter: "webhook", endpoint: webhook, units, ...keys }
          : { id, adapter: "ledger", units, ...keys },
      );
    });
    out.print(
      values.json
        ? JSON.stringify({ file, provider: id, units })
        : `${file}: provider ${id} sells ${units.join(", ")}; add tariffs to redeem there (oct network add-tariff)`,
    );
  },
};

export const networkAddOperator: Command = {
  name: "network add-operator",
  summary: "add an operator of the gateway: it reads every settlement line and the metrics",
  usage: "oct network add-operator --config FILE --id ID (--jwks FILE | --jwks-uri URL)",
  example:
    "oct keys generate --alg EdDSA --out ops.private.jwk.json && oct jwks --key ops.private.jwk.json > ops.jwks.json && oct network add-operator --config network.json --id ops --jwks ops.jwks.json",
  help: [
    CONFIG_HELP,
    "  --jwks FILE | --jwks-uri URL   the operator's public keys; it signs each request",
    "                 for the books or the metrics with one (oct metrics --party operator:ID)",
  ].join("\n"),
  options: { ...CONFIG_OPTION, ...KEYS_OPTIONS, id: { type: "string" } },
  async run(values, out) {
    const file = required(values, "config");
    const id = required(values, "id");
    const keys = keysOption(values, "operator");
    if (!keys)
      throw new UsageError("give the operator's keys: --jwks FILE (inline) or --jwks-uri URL");
    changeNetwork(file, (document) => {
      document.gateway.operators = [...(document.gateway.operators ?? []), { id, ...keys }];
    });
    out.print(
      values.json
        ? JSON.stringify({ file, operator: id })
        : `${file}: operator ${id} reads the books and the metrics as operator:${id}; restart the gateway to load it`,
    );
  },
};

export const networkAddTariff: Command = {
  name: "network add-tariff",
  summary: "add a tariff: 1 unit of a carrier's tokens = RATE units at a provider",
  usage:
    "oct network add-tariff --config FILE --carrier ID --from UNIT --provider ID --to UNIT --rate DECIMAL [--valid-from TIME] [--valid-until TIME]",
  example:
    "oct network add-tariff --config network.json --carrier carrier-c --from gpu-second:l40s --provider carrier-b-edge --to gpu-second:a100-sxm --rate 0.4",
  help: [
    CONFIG_HELP,
    "1 --from unit of a token of --carrier is worth --rate --to units at --provider.",
    "  --valid-from TIME   in force from then (a UTC time, 2026-01-01T00:00:00Z; default now)",
    "  --valid-until TIME  until then, excluded (default: no end)",
    "Without a tariff in force a redemption is refused with no_tariff.",
  ].join("\n"),
  options: {
    ...CONFIG_OPTION,
    carrier: { type: "string" },
    from: { type: "string" },
    provider: { type: "string" },
    to: { type: "string" },
    rate: { type: "string" },
    "valid-from": { type: "string" },
    "valid-until": { type: "string" },
  },
  async run(values, out) {
    const file = required(values, "config");
    const tariff = {
      carrier: required(values, "carrier"),
      from: required(values, "from"),
      provider: required(values, "provider"),
      to: required(values, "to"),
      rate: positiveAmountOption("rate", required(values, "rate")),
      valid_from:
        typeof values["valid-from"] === "string"
          ? values["valid-from"]
          : new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      ...(typeof values["valid-until"] === "string" ? { valid_until: values["valid-until"] } : {}),
    };
    changeNetwork(file, (document) => {
      document.tariffs.push(tariff);
    });
    out.print(
      values.json
        ? JSON.stringify({ file, tariff })
        : `${file}: 1 ${tariff.from} of ${tariff.carrier} = ${tariff.rate} ${tariff.to} at ${tariff.provider}, from ${tariff.valid_from}`,
    );
  },
};
