import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseStrictJson, StrictJsonError } from "./strict-json.ts";

const refusal = (text: string) => {
  try {
    parseStrictJson(text);
    return "accepted";
  } catch (error) {
    expect(error).toBeInstanceOf(StrictJsonError);
    return (error as Error).message;
  }
};

describe("parseStrictJson", () => {
  it("parses what JSON.parse parses, when no rule of strictness is broken", () => {
    const text = ' {"a": [1, -2.5e3, true, false, null], "b": {"c": "\\u00e9\\n"}, "d": "😀"} ';
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
    expect(parseStrictJson('"just a string"')).toBe("just a string");
    expect(parseStrictJson("[]")).toEqual([]);
  });

  it("refuses a repeated member, however the name is spelt, at any depth", () => {
    expect(refusal('{"sub":1,"sub":2}')).toMatch(/^duplicate member name "sub"/);
    expect(refusal('{"sub":1,"\\u0073ub":2}')).toMatch(/^duplicate member name "sub"/);
    expect(refusal('{"a":{"x":1,"x":2}}')).toMatch(/^duplicate member name "x"/);
    // The same name in two objects, or in an array of objects, is no repetition.
    expect(refusal('{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}]}')).toBe("accepted");
  });

  it("refuses a byte-order mark, text after the value and an unterminated string", () => {
    expect(refusal('\uFEFF{"a":1}')).toBe("byte-order mark");
    expect(refusal('{"a":1} x')).toMatch(/^text after the JSON value at offset 8/);
    expect(refusal('{"a":"b}')).toMatch(/^unterminated string/);
  });

  it("refuses lone surrogates and control characters, accepts a surrogate pair", () => {
    expect(refusal('"\uD800"')).toMatch(/^lone surrogate/);
    expect(refusal('"\uDC00x"')).toMatch(/^lone surrogate/);
    expect(refusal('"a\u0001b"')).toMatch(/^control character/);
    expect(refusal('"\uD83D\uDE00"')).toBe("accepted");
  });

  it("refuses bad escapes and numbers JSON does not allow", () => {
    expect(refusal('"\\x41"')).toMatch(/^bad escape/);
    expect(refusal('"\\u12G4"')).toMatch(/^bad \\u escape/);
    for (const number of ["01", "+1", ".5", "1.", "0x10", "NaN"])
      expect(refusal(`[${number}]`), number).not.toBe("accepted");
  });

  it("accepts a value nested 32 containers deep and refuses one 33 deep", () => {
    const nested = (depth: number) => "[".repeat(depth) + "1" + "]".repeat(depth);
    expect(refusal(nested(32))).toBe("accepted");
    expect(refusal(nested(33))).toMatch(/^nesting too deep/);
  });

  it("agrees with JSON.parse on any JSON text it generates, and with itself on a duplicate", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, spaced) => {
        const text = JSON.stringify(value, null, spaced ? 1 : undefined);
        expect(parseStrictJson(text, { refuseEscapedLoneSurrogates: true })).toEqual(
          JSON.parse(text),
        );
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string(), fc.jsonValue(), (name, value) => {
        const member = `${JSON.stringify(name)}:${JSON.stringify(value)}`;
        expect(refusal(`{${member},${member}}`)).toMatch(/^duplicate member name/);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses, anywhere in a string, a character the scanner must look at", () => {
    // Around it, only characters the scanner may pass over in one run.
    const plain = fc.string().map((text) => text.replace(/["\\\p{Cc}\p{Cs}]/gu, ""));
    fc.assert(
      fc.property(plain, plain, (before, after) => {
        for (const bad of [0x00, 0x1f, 0xd800, 0xdfff]) {
          expect(refusal(`"${before}${String.fromCharCode(bad)}${after}"`)).not.toBe("accepted");
        }
        expect(refusal(`"${before}${after}"`)).toBe("accepted");
      }),
      { numRuns: 200 },
    );
  });

  it("accepts a number of 400 characters and refuses a longer one", () => {
    expect(refusal(`[${"1".repeat(400)}]`)).toBe("accepted");
    expect(refusal(`[${"1".repeat(401)}]`)).toMatch(/^number too long/);
    expect(refusal(`[0.${"5".repeat(398)}e1]`)).toMatch(/^number too long/);
  });
});
