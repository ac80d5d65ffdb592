/**
 * @module The runner's own reading of a compact JWS, strict as spec §6.2
 * steps 1-4 require, written apart from the gateway's parser on purpose: a
 * bug in our core must not pass on both sides. Each refusal names the
 * code a gateway would answer.
 */

/** A check that did not hold, with the error code a gateway answers for it. */
export class CheckFailure extends Error {
  override name = "CheckFailure";
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The first member name repeated in an object of valid JSON `text`, if any. */
export function repeatedMember(text: string): string | undefined {
  const objects: { names: Set<string>; awaitingName: boolean }[] = [];
  const open: ("object" | "array")[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "{") {
      open.push("object");
      objects.push({ names: new Set(), awaitingName: true });
    } else if (char === "[") open.push("array");
    else if (char === "}" || char === "]") {
      if (open.pop() === "object") objects.pop();
    } else if (char === "," && open.at(-1) === "object") objects.at(-1)!.awaitingName = true;
    else if (char === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const object = open.at(-1) === "object" ? objects.at(-1)! : undefined;
      if (object?.awaitingName) {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        if (object.names.has(name)) return name;
        object.names.add(name);
        object.awaitingName = false;
      }
      i = end;
    }
  }
  return undefined;
}

/** A segment's octets, when it is canonical base64url (no padding, no stray bits). */
function octets(segment: string, name: string): Buffer {
  const bytes = Buffer.from(segment, "base64url");
  if (!/^[A-Za-z0-9_-]+$/.test(segment) || bytes.toString("base64url") !== segment)
    throw new CheckFailure("token_malformed", `the ${name} segment is not canonical base64url`);
  return bytes;
}

/** UTF-8 without a byte-order mark, JSON without repeated members, an object. */
function jsonObject(bytes: Buffer, name: string): Record<string, unknown> {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new CheckFailure("token_malformed", `the ${name} is not UTF-8`);
  }
  if (text.startsWith("\uFEFF"))
    throw new CheckFailure("token_malformed", `the ${name} begins with a byte-order mark`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CheckFailure("token_malformed", `the ${name} is not JSON`);
  }
  const repeated = repeatedMember(text);
  if (repeated !== undefined)
    throw new CheckFailure("token_malformed", `the ${name} repeats the member "${repeated}"`);
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new CheckFailure("token_malformed", `the ${name} is not a JSON object`);
  return value as Record<string, unknown>;
}

export interface ReadJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/** Steps 1-4 of §6.2: the size cap, three canonical segments, header and payload objects. */
export function readCompact(token: string, maxBytes: number): ReadJws {
  if (Buffer.byteLength(token) > maxBytes)
    throw new CheckFailure("token_malformed", `the token is longer than ${maxBytes} bytes`);
  const segments = token.split(".");
  if (segments.length !== 3)
    throw new CheckFailure("token_malformed", `${segments.length} segments, not 3`);
  const [header, payload, signature] = segments as [string, string, string];
  octets(signature, "signature");
  return {
    header: jsonObject(octets(header, "header"), "header"),
    payload: jsonObject(octets(payload, "payload"), "payload"),
  };
}
