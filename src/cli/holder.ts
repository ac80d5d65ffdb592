/**
 * @module The holder's side of the `oct` commands (`spec/oct.md` §2.6,
 * §6.6): `--holder-key FILE` makes each request for a bound token carry a
 * fresh DPoP proof, made for the URL the gateway knows itself by (its
 * `gateway.id`, from its metadata), not the address the command dials.
 */
import { createHolderProof } from "../core/holder/build.ts";
import type { GatewayClient } from "./client.ts";
import type { Values } from "./command.ts";
import { privateKeyFile } from "./commands/carrier.ts";

export const HOLDER_OPTION = { "holder-key": { type: "string" } } as const;

export const HOLDER_HELP =
  "  --holder-key FILE   the holder key of a bound token (oct keys generate --holder): each\n" +
  "                      request carries a fresh DPoP proof made with it";

/**
 * The `DPoP` header field of a request for `token`, when `--holder-key` is
 * given; none otherwise.
 *
 * @example
 * const headers = await holderHeaders(values, client, "POST", "/v1/balance", token);
 */
export async function holderHeaders(
  values: Values,
  client: GatewayClient,
  method: "GET" | "POST",
  path: string,
  token: string,
): Promise<Record<string, string>> {
  const file = values["holder-key"];
  if (typeof file !== "string") return {};
  const key = privateKeyFile(file);
  const url = await client.publicUrl(path);
  return { dpop: await createHolderProof({ key, method, url, token }) };
}
