import { describe, expect, it } from "vitest";
import { queryOf, readPeriodQuery, slugParameter, timeRange } from "./query.ts";

const url = (query: string) => new URL(`https://gw.example/v1/x?${query}`);
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return `${code}: ${message}`;
  }
  return "accepted";
};
const NOT_A_TIMESTAMP = "must be an RFC 3339 UTC timestamp of a real instant";

describe("queryOf", () => {
  const known = new Set(["from", "to", "carrier"]);

  it("gives the known parameters, each once, and nothing for one left out", () => {
    const get = queryOf(url("carrier=carrier-a&from=2026-12-01T00:00:00Z"), known);
    expect(get("carrier")).toBe("carrier-a");
    expect(get("to")).toBeUndefined();
  });

  it("refuses an unknown or a repeated parameter with request_invalid", () => {
    expect(refusal(() => queryOf(url("carrier=a&peer=x"), known))).toBe(
      "request_invalid: unknown query parameter peer",
    );
    expect(refusal(() => queryOf(url("carrier=a&carrier=b"), known))).toBe(
      "request_invalid: the query parameter carrier is repeated",
    );
  });
});

describe("timeRange (a listing, §7.14)", () => {
  const range = (query: string) => timeRange(queryOf(url(query), new Set(["from", "to"])));

  it("takes either bound alone, or neither, rounding each up to the millisecond", () => {
    expect(range("")).toEqual({});
    expect(range("from=2026-12-01T00:00:00.0001Z").from).toMatchObject({
      text: "2026-12-01T00:00:00.0001Z",
      ms: Date.parse("2026-12-01T00:00:00.001Z"),
    });
    expect(Object.keys(range("to=2026-12-01T00:00:00Z"))).toEqual(["to"]);
  });

  it("refuses a bound that is not a real instant, and from later than to by its last digit", () => {
    expect(refusal(() => range("from=2026-02-30T00:00:00Z"))).toContain(
      `request_invalid: from ${NOT_A_TIMESTAMP}`,
    );
    expect(refusal(() => range("to=2026-12-01T24:00:00Z"))).toContain(
      `request_invalid: to ${NOT_A_TIMESTAMP}`,
    );
    expect(refusal(() => range("from=2026-12-01T00:00:00.0001Z&to=2026-12-01T00:00:00Z"))).toBe(
      "request_invalid: from must not be later than to",
    );
    expect(refusal(() => range("from=2026-12-01T00:00:00Z&to=2026-12-01T00:00:00Z"))).toBe(
      "accepted",
    );
  });
});

describe("readPeriodQuery (a report, §7.10, §11.8)", () => {
  it("keeps from and to as sent, and gives the report's own parameters", () => {
    const query = readPeriodQuery(
      url("from=2026-12-01T00:00:00.000Z&to=2026-12-02T00:00:00Z&peer=https://gw.b.example"),
      ["peer"],
    );
    expect(query).toMatchObject({
      from: Date.parse("2026-12-01T00:00:00Z"),
      to: Date.parse("2026-12-02T00:00:00Z"),
      fromText: "2026-12-01T00:00:00.000Z",
      toText: "2026-12-02T00:00:00Z",
    });
    expect(query.get("peer")).toBe("https://gw.b.example");
  });

  it("requires both bounds, in order, and refuses parameters the report does not know", () => {
    const read = (query: string) => () => readPeriodQuery(url(query), ["format"]);
    expect(refusal(read("to=2026-12-02T00:00:00Z"))).toContain(
      `request_invalid: from ${NOT_A_TIMESTAMP}`,
    );
    expect(refusal(read("from=2026-12-01T00:00:00Z"))).toContain(
      `request_invalid: to ${NOT_A_TIMESTAMP}`,
    );
    expect(refusal(read("from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z"))).toBe(
      "request_invalid: from must not be later than to",
    );
    expect(refusal(read("from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z&peer=x"))).toBe(
      "request_invalid: unknown query parameter peer",
    );
    // Unknown and repeated parameters are refused before any value is read.
    expect(refusal(read("from=bad&from=bad&to=2026-12-02T00:00:00Z"))).toBe(
      "request_invalid: the query parameter from is repeated",
    );
  });
});

describe("slugParameter", () => {
  it("takes an id such as carrier-a, or nothing, and refuses anything else", () => {
    expect(slugParameter("carrier", "carrier-a")).toBe("carrier-a");
    expect(slugParameter("carrier", undefined)).toBeUndefined();
    for (const bad of ["Carrier-A", "-a", "", "a".repeat(64), "a_b"])
      expect(
        refusal(() => slugParameter("provider", bad)),
        bad,
      ).toBe("request_invalid: provider must be an id such as carrier-a");
  });
});
