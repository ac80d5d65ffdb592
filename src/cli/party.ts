/**
 * @module The `oct` command as a party of a gateway (`spec/oct.md` §7.13):
 * `--key FILE` and `--party REF` make a fresh client assertion for each
 * request, for the gateway's id as its metadata names it.
 */
import { makeClientAssertion } from "../core/party/make-assertion.ts";
import type { GatewayClient } from "./client.ts";
import { required, UsageError, type Values } from "./command.ts";
import { privateKeyFile } from "./commands/carrier.ts";

export const PARTY_OPTIONS = {
  key: { type: "string" },
  party: { type: "string" },
} as const;

export const PARTY_HELP = [
  "  --party REF   who asks: carrier:<id>, provider:<id> or operator:<id>, as the gateway's",
  "                network configuration names it",
  "  --key FILE    a private key of that party (its public half is in its entry's jwks or",
  "                jwks_uri): each request carries a fresh assertion signed with it",
].join("\n");

const REFERENCE = /^(carrier|provider|operator):[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * What makes the `Authorization` field of each request: a new assertion
 * every time (a gateway accepts each one once).
 */
export async function partyCredentials(
  values: Values,
  client: GatewayClient,
): Promise<() => Promise<Record<string, string>>> {
  const party = required(values, "party");
  if (!REFERENCE.test(party))
    throw new UsageError(
      `--party ${party}: give carrier:<id>, provider:<id> or operator:<id> (e.g. carrier:carrier-a)`,
    );
  const key = privateKeyFile(required(values, "key"));
  const metadata = await client.call<{ gateway?: unknown }>("GET", "/.well-known/oct-gateway");
  const gateway = metadata.body.gateway;
  if (typeof gateway !== "string")
    throw new Error(`${client.url} does not name itself in /.well-known/oct-gateway`);
  return async () => ({
    authorization: `Bearer ${await makeClientAssertion({ party, gateway, key })}`,
  });
}
