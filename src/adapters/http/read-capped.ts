/**
 * @module Reading an answer from a server the gateway calls (a carrier's
 * `jwks_uri` or status list, a peer gateway), never more than a bound
 * (`spec/oct.md` §5.5 item 4, §6.5, §5.10): refused from `Content-Length` when it
 * says too much, and while reading otherwise; decoded as UTF-8 with fatal
 * errors.
 */
import { readBounded } from "../../core/encoding/bounded-bytes.ts";

/**
 * The text of `response`, at most `maxBytes` octets, or an error naming `what`.
 *
 * @example
 * const text = await readCapped(response, 65536, "key set");
 */
export async function readCapped(
  response: Response,
  maxBytes: number,
  what: string,
): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new Error(`${what} too large`);
  if (!response.body) return "";
  const bytes = await readBounded(response.body, maxBytes, () => new Error(`${what} too large`));
  // ignoreBOM keeps a byte-order mark in the text, where the strict parser refuses it (§5.5 item 5).
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
}
