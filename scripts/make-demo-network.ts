/**
 * @module Writes the demo network that `npm start` serves by default:
 * `config/demo/network.json` (public: carriers' public keys, providers,
 * tariffs) and `config/demo/keys/` (the private keys of the demo carriers,
 * of a provider and of the operator, kept apart so the demo can mint tokens
 * and read its books, §7.13). Run once; the output is committed.
 *
 *   node scripts/make-demo-network.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { generateSigningKey, publicJwks } from "../src/core/signing/keys.ts";

const dir = new URL("../config/demo/", import.meta.url).pathname;
mkdirSync(`${dir}keys`, { recursive: true });

const carrierA = await generateSigningKey("EdDSA");
const carrierB = await generateSigningKey("ES256");
const gateway = await generateSigningKey("ES256");
const operator = await generateSigningKey("EdDSA");
const providerB = await generateSigningKey("EdDSA");

const network = {
  gateway: {
    id: "http://localhost:8787",
    receipt_keys: { keys: [gateway] },
    operators: [{ id: "ops", jwks: publicJwks([operator]) }],
  },
  carriers: [
    {
      id: "carrier-a",
      issuer: "https://tokens.carrier-a.example",
      jwks: publicJwks([carrierA]),
      algorithms: ["EdDSA"],
      status: "active",
    },
    {
      id: "carrier-b",
      issuer: "https://tokens.carrier-b.example",
      jwks: publicJwks([carrierB]),
      algorithms: ["ES256"],
      status: "active",
    },
  ],
  providers: [
    {
      id: "carrier-b-edge",
      adapter: "ledger",
      units: ["gpu-second:a100-sxm", "gpu-second:h100-sxm"],
      jwks: publicJwks([providerB]),
    },
    { id: "carrier-a-cloud", adapter: "ledger", units: ["inference-token:llm-large", "pflop"] },
  ],
  tariffs: [
    {
      carrier: "carrier-a",
      from: "gpu-second:h100-sxm",
      provider: "carrier-b-edge",
      to: "gpu-second:a100-sxm",
      rate: "2.5",
      valid_from: "2026-01-01T00:00:00Z",
      valid_until: "2030-01-01T00:00:00Z",
    },
    {
      carrier: "carrier-a",
      from: "gpu-second:h100-sxm",
      provider: "carrier-b-edge",
      to: "gpu-second:h100-sxm",
      rate: "1",
      valid_from: "2026-01-01T00:00:00Z",
    },
    {
      carrier: "carrier-b",
      from: "gpu-second:a100-sxm",
      provider: "carrier-a-cloud",
      to: "inference-token:llm-large",
      rate: "1200",
      valid_from: "2026-01-01T00:00:00Z",
    },
    {
      carrier: "carrier-b",
      from: "gpu-second:a100-sxm",
      provider: "carrier-a-cloud",
      to: "pflop",
      rate: "0.312",
      valid_from: "2026-01-01T00:00:00Z",
    },
  ],
};

writeFileSync(`${dir}network.json`, JSON.stringify(network, null, 2) + "\n");
for (const [name, key] of [
  ["carrier-a", carrierA],
  ["carrier-b", carrierB],
  ["carrier-b-edge", providerB],
  ["operator", operator],
] as const) {
  writeFileSync(`${dir}keys/${name}.private.jwk.json`, JSON.stringify(key, null, 2) + "\n");
}
console.log(`wrote ${dir}network.json and ${dir}keys/`);
