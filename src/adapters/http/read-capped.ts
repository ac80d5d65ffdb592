/**
 * @module Reading an answer from a server the gateway calls (a carrier's
 * `jwks_uri`, a peer gateway), never more than a bound (`spec/oct.md` §5.5
 * item 4, §5.10): refused from `Content-Length` when it says too much, and
 * while reading otherwise; decoded as UTF-8 with fatal errors.
 */

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
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`${what} too large`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  // ignoreBOM keeps a byte-order mark in the text, where the strict parser refuses it (§5.5 item 5).
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
}
