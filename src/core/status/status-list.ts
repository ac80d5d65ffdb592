/**
 * @module Status lists (Token Status List, draft-ietf-oauth-status-list §4,
 * `spec/oct.md` §6.5 item 3): the statuses of many tokens, `bits` bits each,
 * packed from the least significant bit of each octet, compressed with
 * DEFLATE in the ZLIB format and carried as base64url (`lst`).
 *
 * Our own codec rather than `@sd-jwt/jwt-status-list`: that package inflates
 * without a bound (a list of a few kilobytes can expand a thousandfold, and
 * a gateway inflates what it fetched from the network) and decodes every
 * entry into an array to read one; §6.5 wants the inflation stopped at
 * `status_list_max_bytes` and a gateway reads one entry. The test beside
 * this module checks both directions against that package and the draft's
 * own test vectors. Compression uses the platform's Compression Streams
 * (`deflate` is the ZLIB format), present in Node and in workerd alike.
 */
import { decodeBase64Url, encodeBase64Url } from "../encoding/base64url.ts";
import { readBounded } from "../encoding/bounded-bytes.ts";

export const STATUS_BITS = [1, 2, 4, 8] as const;
export type StatusBits = (typeof STATUS_BITS)[number];

/** The status types of the draft's §7 that OCT gives a meaning to. */
export const TOKEN_STATUS = { VALID: 0x00, INVALID: 0x01, SUSPENDED: 0x02 } as const;

export interface StatusList {
  bits: StatusBits;
  /** The uncompressed byte array. */
  bytes: Uint8Array;
}

/** A list that cannot be decoded, or would decode beyond its bound. */
export class StatusListError extends Error {
  override name = "StatusListError";
}

export function isStatusBits(value: unknown): value is StatusBits {
  return (STATUS_BITS as readonly unknown[]).includes(value);
}

/** How many entries a list holds: every `bits` bits of its bytes. */
export function entryCount(list: StatusList): number {
  return (list.bytes.length * 8) / list.bits;
}

/** The status at `index`, or `undefined` when the list has no such entry. */
export function statusAt(list: StatusList, index: number): number | undefined {
  if (!Number.isSafeInteger(index) || index < 0 || index >= entryCount(list)) return undefined;
  const bit = index * list.bits;
  return (list.bytes[Math.floor(bit / 8)]! >> (bit % 8)) & ((1 << list.bits) - 1);
}

/** Sets the status at `index` (which must exist) to `value` (which must fit in `bits`). */
export function setStatus(list: StatusList, index: number, value: number): void {
  if (statusAt(list, index) === undefined)
    throw new RangeError(`index ${index} is outside the list of ${entryCount(list)} entries`);
  const mask = (1 << list.bits) - 1;
  if (!Number.isInteger(value) || value < 0 || value > mask)
    throw new RangeError(`status ${value} does not fit in ${list.bits} bit(s)`);
  const bit = index * list.bits;
  const at = Math.floor(bit / 8);
  const shift = bit % 8;
  list.bytes[at] = (list.bytes[at]! & ~(mask << shift)) | (value << shift);
}

/** A list of at least `size` entries, every one VALID (the draft's §13.3 default). */
export function newStatusList(size: number, bits: StatusBits): StatusList {
  if (!Number.isSafeInteger(size) || size < 1)
    throw new RangeError("a list holds at least one entry");
  return { bits, bytes: new Uint8Array(Math.ceil((size * bits) / 8)) };
}

/** `bytes` as one stream through a transform. */
function through(bytes: Uint8Array, transform: CompressionStream | DecompressionStream) {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  return source.pipeThrough(transform as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
}

/**
 * The `lst` of a list: its bytes compressed (ZLIB), then base64url.
 *
 * @example
 * const lst = await compressStatusList(newStatusList(1024, 2));
 */
export async function compressStatusList(list: StatusList): Promise<string> {
  const compressed = await readBounded(
    through(list.bytes, new CompressionStream("deflate")),
    Number.MAX_SAFE_INTEGER,
    () => new RangeError("unreachable: no bound"),
  );
  return encodeBase64Url(compressed);
}

/**
 * Decodes an `lst` of `bits` bits per entry, inflating at most `maxBytes`
 * octets (`status_list_max_bytes`). Throws {@link StatusListError} for a
 * value that is not canonical base64url of a whole ZLIB stream, or too large.
 *
 * @example
 * const list = await decompressStatusList("eNrbuRgAAhcBXQ", 1, 1048576);
 */
export async function decompressStatusList(
  lst: string,
  bits: StatusBits,
  maxBytes: number,
): Promise<StatusList> {
  const compressed = decodeBase64Url(lst);
  if (!compressed || compressed.length === 0)
    throw new StatusListError("lst is not canonical base64url");
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(
      through(compressed, new DecompressionStream("deflate")),
      maxBytes,
      () => new StatusListError(`the list decompresses to more than ${maxBytes} bytes`),
    );
  } catch (error) {
    if (error instanceof StatusListError) throw error;
    throw new StatusListError(`lst is not a ZLIB stream: ${(error as Error).message}`);
  }
  if (bytes.length === 0) throw new StatusListError("the list is empty");
  return { bits, bytes };
}
