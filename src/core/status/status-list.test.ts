import { StatusList as SdJwtStatusList } from "@sd-jwt/jwt-status-list";
import { describe, expect, it } from "vitest";
import { encodeBase64Url } from "../encoding/base64url.ts";
import {
  compressStatusList,
  decompressStatusList,
  entryCount,
  newStatusList,
  setStatus,
  statusAt,
  StatusListError,
  type StatusBits,
} from "./status-list.ts";

const MAX = 1 << 20;

/** The two worked examples of draft-ietf-oauth-status-list §4.1: statuses, bytes and lst. */
const DRAFT_EXAMPLES = [
  {
    bits: 1 as StatusBits,
    statuses: [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1],
    bytes: [0xb9, 0xa3],
    lst: "eNrbuRgAAhcBXQ",
  },
  {
    bits: 2 as StatusBits,
    statuses: [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3],
    bytes: [0xc9, 0x44, 0xf9],
    lst: "eNo76fITAAPfAgc",
  },
];

describe("status lists (draft-ietf-oauth-status-list §4)", () => {
  for (const example of DRAFT_EXAMPLES) {
    it(`packs the draft's ${example.bits}-bit example into its bytes, least significant bit first`, () => {
      const list = newStatusList(example.statuses.length, example.bits);
      example.statuses.forEach((status, i) => setStatus(list, i, status));
      expect([...list.bytes]).toEqual(example.bytes);
    });

    it(`reads every status of the draft's ${example.bits}-bit lst`, async () => {
      const list = await decompressStatusList(example.lst, example.bits, MAX);
      expect([...list.bytes]).toEqual(example.bytes);
      expect(example.statuses.map((_, i) => statusAt(list, i))).toEqual(example.statuses);
      expect(statusAt(list, entryCount(list))).toBeUndefined();
    });
  }

  it("round-trips through its own compression", async () => {
    const list = newStatusList(10_000, 2);
    setStatus(list, 0, 1);
    setStatus(list, 4242, 2);
    setStatus(list, 9999, 3);
    const back = await decompressStatusList(await compressStatusList(list), 2, MAX);
    expect(statusAt(back, 0)).toBe(1);
    expect(statusAt(back, 4242)).toBe(2);
    expect(statusAt(back, 9999)).toBe(3);
    expect(statusAt(back, 5000)).toBe(0);
  });

  for (const bits of [1, 2, 4, 8] as StatusBits[]) {
    it(`agrees with @sd-jwt/jwt-status-list both ways at ${bits} bit(s) per entry`, async () => {
      const size = 4096;
      const statuses = Array.from({ length: size }, (_, i) => (i * 7919) % (1 << bits));
      const theirs = new SdJwtStatusList(statuses, bits);
      const read = await decompressStatusList(theirs.compressStatusList(), bits, MAX);
      expect(statuses.map((_, i) => statusAt(read, i))).toEqual(statuses);

      const ours = newStatusList(size, bits);
      statuses.forEach((status, i) => setStatus(ours, i, status));
      const decoded = SdJwtStatusList.decompressStatusList(await compressStatusList(ours), bits);
      expect(statuses.map((_, i) => decoded.getStatus(i))).toEqual(statuses);
    });
  }

  it("stops inflating at the bound: a small lst that expands beyond it is refused", async () => {
    const big = newStatusList(8 * 100_000, 1); // 100 000 zero bytes, a few hundred compressed
    const lst = await compressStatusList(big);
    expect(lst.length).toBeLessThan(1000);
    await expect(decompressStatusList(lst, 1, 99_999)).rejects.toThrow(StatusListError);
    expect(entryCount(await decompressStatusList(lst, 1, 100_000))).toBe(800_000);
  });

  it("refuses an lst that is not canonical base64url, not ZLIB, truncated or empty", async () => {
    const good = await compressStatusList(newStatusList(64, 1));
    const bad = [
      `${good}=`,
      good.replace(/[A-Za-z0-9]$/, "!"),
      encodeBase64Url(new TextEncoder().encode("not compressed at all")),
      good.slice(0, good.length - 6),
      "",
      await compressStatusList({ bits: 1, bytes: new Uint8Array(0) }),
    ];
    for (const lst of bad)
      await expect(decompressStatusList(lst, 1, MAX), lst).rejects.toThrow(StatusListError);
  });

  it("refuses to set an index outside the list or a status wider than its bits", () => {
    const list = newStatusList(8, 2);
    expect(() => setStatus(list, 8, 1)).toThrow(RangeError);
    expect(() => setStatus(list, 0, 4)).toThrow(RangeError);
    expect(() => setStatus(list, -1, 1)).toThrow(RangeError);
    expect(statusAt(list, -1)).toBeUndefined();
    expect(statusAt(list, 1.5)).toBeUndefined();
  });
});
