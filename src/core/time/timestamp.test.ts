import { describe, expect, it } from "vitest";
import { ceilMilliseconds, compareInstants, parseTimestamp } from "./timestamp.ts";

describe("parseTimestamp", () => {
  it.each([
    "2026-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T23:60:00Z",
    "2026-12-31T23:59:60Z",
    "2026-00-10T00:00:00Z",
    "2026-01-00T00:00:00Z",
    "2026-01-01T00:00:00+00:00",
    "2026-01-01T00:00:00.Z",
    "2026-01-01T00:00:00.1234567890Z",
    "2026-01-01t00:00:00Z",
  ])("refuses %s", (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it("reads real instants to the ninth fractional digit", () => {
    expect(parseTimestamp("2000-02-29T12:00:00Z")).toEqual({
      ms: Date.UTC(2000, 1, 29, 12),
      nanos: 0,
    });
    expect(parseTimestamp("0000-01-01T00:00:00Z")?.ms).toBe(-62167219200000);
    expect(parseTimestamp("9999-12-31T23:59:59.999999999Z")).toEqual({
      ms: Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      nanos: 999999,
    });
    expect(parseTimestamp("2026-01-01T00:00:00.5Z")).toEqual({
      ms: Date.UTC(2026, 0, 1) + 500,
      nanos: 0,
    });
  });

  it("compares and rounds up to the millisecond as written", () => {
    const a = parseTimestamp("2026-01-01T00:00:00.0001Z")!;
    const b = parseTimestamp("2026-01-01T00:00:00.0002Z")!;
    expect(compareInstants(a, b)).toBeLessThan(0);
    expect(compareInstants(b, a)).toBeGreaterThan(0);
    expect(compareInstants(a, parseTimestamp("2026-01-01T00:00:00.000100Z")!)).toBe(0);
    expect(ceilMilliseconds(a)).toBe(Date.UTC(2026, 0, 1) + 1);
    expect(ceilMilliseconds(parseTimestamp("2026-01-01T00:00:00.001Z")!)).toBe(
      Date.UTC(2026, 0, 1) + 1,
    );
  });
});
