import { describe, expect, it } from "vitest";
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
});
