import { describe, expect, it } from "vitest";
import { numericDateOption } from "./times.ts";

describe("times on the command line", () => {
  const now = 1_800_000_000;
  it("take now with seconds added, seconds since the epoch, or a UTC time", () => {
    expect(numericDateOption("exp", "now", now)).toBe(now);
    expect(numericDateOption("exp", "now-60", now)).toBe(now - 60);
    expect(numericDateOption("nbf", "now+3600", now)).toBe(now + 3600);
    expect(numericDateOption("nbf", "+5", now)).toBe(now + 5);
    expect(numericDateOption("iat", "1798761600", now)).toBe(1798761600);
    expect(numericDateOption("exp", "2027-01-01T00:00:00Z", now)).toBe(1798761600);
    expect(numericDateOption("exp", "2027-01-01", now)).toBe(1798761600);
  });

  it("refuse anything else with what they take", () => {
    for (const text of ["", "tomorrow", "2027-01-01T00:00:00+01:00", "now+", "2027-13-01"])
      expect(() => numericDateOption("exp", text, now)).toThrow(/--exp .*TIME is a UTC time/);
  });
});
