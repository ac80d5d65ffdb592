/**
 * @module Steps 1-4 of the verification algorithm (`spec/oct.md` §6.2): the
 * size cap, the compact serialization (RFC 7515 §7.1), and the header and
 * payload as strict JSON objects. Nothing here is trusted yet; it only makes
 * the token safe to look at.
 */
import { OctError } from "../errors.ts";
import { decodeBase64Url } from "../encoding/base64url.ts";
import { parseStrictJson, StrictJsonError } from "../json/strict-json.ts";

export interface ParsedJws {
  /** The compact serialization as received. */
  compact: string;
  header: Record<string, unknown>;
  /** The payload bytes, not yet interpreted. */
  payloadBytes: Uint8Array;
  /** ASCII(BASE64URL(header) '.' BASE64URL(payload)), what the signature covers. */
  signingInput: Uint8Array;
  signature: Uint8Array;
}

export interface ParseOptions {
  /** The size cap of step 1 (`token_max_bytes`). */
  maxBytes: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const ascii = new TextEncoder();

/**
 * What a lenient decoder (the kind the profile refuses) makes of a segment:
 * for display only (the token inspector), never for verification.
 */
export function lenientBase64(segment: string): Uint8Array | undefined {
  try {
    const binary = atob(segment.replace(/-/g, "+").replace(/_/g, "/").replace(/[\s=]/g, ""));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function decodeSegment(segment: string, name: string): Uint8Array {
  const bytes = decodeBase64Url(segment);
  if (!bytes) throw new OctError("token_malformed", `the ${name} is not canonical base64url`);
  return bytes;
}

/**
 * A JSON object from UTF-8 bytes: valid UTF-8, no BOM, no duplicate members
 * (RFC 8725 §3.7, §3.12).
 */
export function decodeJsonObject(
  bytes: Uint8Array,
  name: "header" | "payload",
): Record<string, unknown> {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new OctError("token_malformed", `the ${name} is not valid UTF-8`);
  }
  let value: unknown;
  try {
    value = parseStrictJson(text);
  } catch (error) {
    const reason = error instanceof StrictJsonError ? error.message : "not JSON";
    throw new OctError("token_malformed", `the ${name} is not strict JSON: ${reason}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new OctError("token_malformed", `the ${name} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** A compact JWS split and decoded (steps 1-2), its header not yet read. */
export interface SplitJws extends Omit<ParsedJws, "header"> {
  headerBytes: Uint8Array;
}

/**
 * Parses a JWS compact serialization strictly: the header as a JSON object,
 * the payload left as bytes.
 *
 * @example
 * const { header, payloadBytes } = parseCompact(token, { maxBytes: 8192 });
 */
export function parseCompact(token: unknown, options: ParseOptions): ParsedJws {
  return readHeader(splitCompact(token, options));
}

/** Step 3's first half: the header bytes as a strict JSON object. */
export function readHeader(split: SplitJws): ParsedJws {
  const { headerBytes, ...rest } = split;
  return { ...rest, header: decodeJsonObject(headerBytes, "header") };
}

/**
 * Steps 1 and 2: the size cap, then three segments of canonical base64url,
 * all decoded; `afterSize` is told when step 1 has passed.
 */
export function splitCompact(
  token: unknown,
  options: ParseOptions,
  afterSize?: () => void,
): SplitJws {
  if (typeof token !== "string") {
    throw new OctError("token_malformed", "the token must be a string");
  }
  // Step 1: the cap comes before any decoding, so a huge token costs nothing.
  // Characters outside ASCII are refused below, so length equals bytes here.
  if (token.length > options.maxBytes) {
    throw new OctError("token_malformed", `the token is longer than ${options.maxBytes} bytes`);
  }
  afterSize?.();
  const parts = token.split(".");
  if (parts.length !== 3) {
    throw new OctError(
      "token_malformed",
      `a compact JWS has 3 segments, this token has ${parts.length}`,
    );
  }
  const [headerSegment, payloadSegment, signatureSegment] = parts as [string, string, string];
  // An empty payload is a valid JWS (RFC 7515 §F); it fails later as an OCT
  // token, whose payload is a JSON object. Header and signature are never empty.
  if (!headerSegment || !signatureSegment) {
    throw new OctError("token_malformed", "the header or the signature segment is empty");
  }
  const headerBytes = decodeSegment(headerSegment, "header");
  const payloadBytes = decodeSegment(payloadSegment, "payload");
  const signature = decodeSegment(signatureSegment, "signature");
  return {
    compact: token,
    headerBytes,
    payloadBytes,
    signingInput: ascii.encode(`${headerSegment}.${payloadSegment}`),
    signature,
  };
}
