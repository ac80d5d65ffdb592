import { describe, expect, it } from "vitest";
import { checkStatusListEntry, isAllowedStatusList } from "./allowed.ts";

const BASE = "https://tokens.carrier-a.example/status/";
const EXACT = "https://lists.carrier-a.example/revocations.jwt";

describe("status list URLs a carrier's entry allows (spec §5.3)", () => {
  it("an entry ending in / allows one more segment of unreserved characters", () => {
    for (const uri of [
      `${BASE}1`,
      `${BASE}list-2026_01.jwt`,
      `${BASE}~a`,
      `${BASE}${"a".repeat(128)}`,
    ])
      expect({ uri, allowed: isAllowedStatusList([BASE], uri) }).toEqual({ uri, allowed: true });
  });

  it("nothing else under it: no deeper path, no dot segments, no escapes, no query, not itself", () => {
    for (const uri of [
      BASE,
      `${BASE}a/b`,
      `${BASE}.`,
      `${BASE}..`,
      `${BASE}%2e%2e`,
      `${BASE}1?x=1`,
      `${BASE}1#f`,
      `${BASE}${"a".repeat(129)}`,
      "https://tokens.carrier-a.example/status",
      "https://tokens.carrier-a.example/statusx/1",
      "https://TOKENS.carrier-a.example/status/1",
    ])
      expect({ uri, allowed: isAllowedStatusList([BASE], uri) }).toEqual({ uri, allowed: false });
  });

  it("any other entry allows exactly itself, compared as a string", () => {
    expect(isAllowedStatusList([EXACT], EXACT)).toBe(true);
    expect(isAllowedStatusList([EXACT], `${EXACT}/1`)).toBe(false);
    expect(isAllowedStatusList([EXACT], EXACT.replace("https", "HTTPS"))).toBe(false);
    expect(isAllowedStatusList(undefined, EXACT)).toBe(false);
  });

  it("entries are https, or http on loopback, without query or credentials", () => {
    expect(checkStatusListEntry(BASE)).toBeUndefined();
    expect(checkStatusListEntry("http://127.0.0.1:8788/status/")).toBeUndefined();
    expect(checkStatusListEntry("http://lists.example/status/")).toMatch(/https/);
    expect(checkStatusListEntry(`${EXACT}?v=1`)).toMatch(/query/);
    expect(checkStatusListEntry(`${EXACT}?`)).toMatch(/query/);
    expect(checkStatusListEntry("https://u:p@lists.example/")).toMatch(/credentials/);
  });
});
