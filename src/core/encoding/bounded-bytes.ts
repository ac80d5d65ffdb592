/**
 * @module Reading a byte stream whole, but never more than a bound: what is
 * read from the network (`src/adapters/http/read-capped.ts`) and what a
 * status list inflates to (`src/core/status/status-list.ts`) alike. The
 * stream is cancelled as soon as the bound is passed.
 */

/**
 * The bytes of `stream`, or the error `tooLarge` makes once more than
 * `maxBytes` have come.
 *
 * @example
 * const bytes = await readBounded(response.body, 65536, () => new Error("key set too large"));
 */
export async function readBounded(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
