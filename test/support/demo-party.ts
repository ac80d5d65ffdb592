/**
 * @module Credentials of the demo network's parties (`config/demo/`,
 * spec §7.13) for tests against a gateway process serving it, at the wall
 * clock: its operator, and any party whose key file is there.
 */
import { readFileSync } from "node:fs";
import { makeClientAssertion } from "../../src/core/party/make-assertion.ts";
import type { PrivateJwk } from "../../src/core/signing/keys.ts";
import { ROOT } from "./processes.ts";

const DEMO_GATEWAY_ID = (
  JSON.parse(readFileSync(`${ROOT}config/demo/network.json`, "utf8")) as { gateway: { id: string } }
).gateway.id;

/** The `Authorization` field of a fresh assertion of `party`, signed with the demo key `keyFile`. */
export async function asDemoParty(
  party = "operator:ops",
  keyFile = "operator",
): Promise<Record<string, string>> {
  const key = JSON.parse(
    readFileSync(`${ROOT}config/demo/keys/${keyFile}.private.jwk.json`, "utf8"),
  ) as PrivateJwk;
  const assertion = await makeClientAssertion({ party, key, gateway: DEMO_GATEWAY_ID });
  return { authorization: `Bearer ${assertion}` };
}
