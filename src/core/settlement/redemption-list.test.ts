import { describe, expect, it } from "vitest";
import { encodeBase64Url } from "../encoding/base64url.ts";
import { cursorOf, placeOfCursor } from "./redemption-list.ts";

const encoded = (text: string) => encodeBase64Url(new TextEncoder().encode(text));

describe("listing cursors (spec §7.14)", () => {
  it("mark a place that reads back as it was made", () => {
    const place = { committedAt: 1_900_000_000_123, id: "rd.abc_DEF-1.x~y" };
    expect(placeOfCursor(cursorOf(place))).toEqual(place);
    expect(cursorOf(place)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ["not base64url", "a b"],
    ["padded base64", `${encoded("1\nrd")}=`],
    ["no separator", encoded("1900000000123")],
    ["a time with a leading zero", encoded("01\nrd")],
    ["a negative time", encoded("-1\nrd")],
    ["an id with a space", encoded("1\nrd 1")],
    ["an id too long", encoded(`1\n${"a".repeat(129)}`)],
    ["a time beyond safe integers", encoded("9999999999999999\nrd")],
    ["not UTF-8", encodeBase64Url(new Uint8Array([0x31, 0x0a, 0xff]))],
  ])("refuses %s", (_, cursor) => {
    expect(placeOfCursor(cursor)).toBeUndefined();
  });
});
