import { describe, expect, it } from "vitest";
import {
  decodeJsonObject,
  lenientBase64,
  parseCompact,
  readHeader,
  splitCompact,
} from "./parse.ts";

const b64u = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const HEADER = b64u('{"alg":"EdDSA","typ":"oct+jwt","kid":"k"}');
const PAYLOAD = b64u('{"iss":"https://i.example"}');
const SIGNATURE = "AAAA";
const TOKEN = `${HEADER}.${PAYLOAD}.${SIGNATURE}`;

const codeOf = (run: () => unknown) => {
  try {
    run();
    return "parsed";
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
};

describe("splitCompact (steps 1 and 2)", () => {
  it("accepts a token of exactly maxBytes, refuses one byte more before decoding anything", () => {
    expect(codeOf(() => splitCompact(TOKEN, { maxBytes: TOKEN.length }))).toBe("parsed");
    let sizePassed = false;
    const over = codeOf(() =>
      splitCompact(TOKEN, { maxBytes: TOKEN.length - 1 }, () => (sizePassed = true)),
    );
    expect(over).toBe(`token_malformed: the token is longer than ${TOKEN.length - 1} bytes`);
    expect(sizePassed).toBe(false);
    splitCompact(TOKEN, { maxBytes: 8192 }, () => (sizePassed = true));
    expect(sizePassed).toBe(true);
  });

  it("needs a string of exactly three segments, header and signature non-empty", () => {
    expect(codeOf(() => splitCompact(42, { maxBytes: 8192 }))).toMatch(/must be a string/);
    expect(codeOf(() => splitCompact(`${HEADER}.${PAYLOAD}`, { maxBytes: 8192 }))).toMatch(
      /3 segments, this token has 2/,
    );
    expect(codeOf(() => splitCompact(`${TOKEN}.AAAA`, { maxBytes: 8192 }))).toMatch(/has 4/);
    expect(codeOf(() => splitCompact(`${HEADER}.${PAYLOAD}.`, { maxBytes: 8192 }))).toMatch(
      /empty/,
    );
    expect(codeOf(() => splitCompact(`.${PAYLOAD}.${SIGNATURE}`, { maxBytes: 8192 }))).toMatch(
      /empty/,
    );
    // An empty payload is a JWS; it fails later, as an OCT payload must be an object.
    expect(codeOf(() => splitCompact(`${HEADER}..${SIGNATURE}`, { maxBytes: 8192 }))).toBe(
      "parsed",
    );
  });

  it("decodes canonical base64url only, naming the segment at fault", () => {
    const cases: [string, string][] = [
      [`${HEADER}=.${PAYLOAD}.${SIGNATURE}`, "header"],
      [`${HEADER}.${PAYLOAD} .${SIGNATURE}`, "payload"],
      [`${HEADER}.${PAYLOAD}.AA+/`, "signature"],
      [`${HEADER}.${PAYLOAD}.AB`, "signature"], // unused bits set
      [`${HEADER}.${PAYLOAD}.AAAAA`, "signature"], // length 1 modulo 4
    ];
    for (const [token, segment] of cases)
      expect(codeOf(() => splitCompact(token, { maxBytes: 8192 }))).toBe(
        `token_malformed: the ${segment} is not canonical base64url`,
      );
  });

  it("keeps the signing input as received and the decoded signature", () => {
    const split = splitCompact(TOKEN, { maxBytes: 8192 });
    expect(new TextDecoder().decode(split.signingInput)).toBe(`${HEADER}.${PAYLOAD}`);
    expect([...split.signature]).toEqual([0, 0, 0]);
    expect(split.compact).toBe(TOKEN);
  });
});

describe("decodeJsonObject (steps 3 and 4)", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it("returns a strict JSON object", () => {
    expect(decodeJsonObject(bytes('{"a":1}'), "payload")).toEqual({ a: 1 });
  });

  it("refuses invalid UTF-8, a byte-order mark, a repeated member and anything but an object", () => {
    expect(codeOf(() => decodeJsonObject(new Uint8Array([0x7b, 0xff, 0x7d]), "header"))).toBe(
      "token_malformed: the header is not valid UTF-8",
    );
    expect(codeOf(() => decodeJsonObject(bytes('\uFEFF{"a":1}'), "payload"))).toMatch(
      /the payload is not strict JSON: byte-order mark/,
    );
    expect(codeOf(() => decodeJsonObject(bytes('{"a":1,"a":2}'), "payload"))).toMatch(
      /duplicate member name "a"/,
    );
    for (const text of ["null", "[]", '"iss"', "1", "true"])
      expect(
        codeOf(() => decodeJsonObject(bytes(text), "payload")),
        text,
      ).toBe("token_malformed: the payload is not a JSON object");
  });
});

describe("parseCompact and readHeader", () => {
  it("read the header as an object and leave the payload as bytes", () => {
    const parsed = parseCompact(TOKEN, { maxBytes: 8192 });
    expect(parsed.header).toEqual({ alg: "EdDSA", typ: "oct+jwt", kid: "k" });
    expect(new TextDecoder().decode(parsed.payloadBytes)).toBe('{"iss":"https://i.example"}');
    const split = splitCompact(`${b64u("[1]")}.${PAYLOAD}.${SIGNATURE}`, { maxBytes: 8192 });
    expect(codeOf(() => readHeader(split))).toBe(
      "token_malformed: the header is not a JSON object",
    );
  });
});

describe("lenientBase64 (display only)", () => {
  it("decodes what the profile refuses: padding, whitespace, the standard alphabet", () => {
    expect([...lenientBase64("AQ==")!]).toEqual([1]);
    expect([...lenientBase64("A Q")!]).toEqual([1]);
    expect([...lenientBase64("+/8")!]).toEqual([0xfb, 0xff]);
    expect(lenientBase64("!!")).toBeUndefined();
  });
});
