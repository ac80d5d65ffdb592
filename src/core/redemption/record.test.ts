import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { encodeBase64Url } from "../encoding/base64url.ts";
import { tokenKeyOf } from "./record.ts";

describe("tokenKeyOf", () => {
  it("is base64url(SHA-256(iss LF jti)), the same digest Web Crypto gives", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        async (iss, jti) => {
          const digest = await crypto.subtle.digest(
            "SHA-256",
            new TextEncoder().encode(`${iss}\n${jti}`),
          );
          expect(tokenKeyOf({ iss, jti })).toBe(encodeBase64Url(new Uint8Array(digest)));
        },
      ),
      { numRuns: 200 },
    );
    expect(tokenKeyOf({ iss: "https://tokens.carrier-a.example", jti: "t-1" })).toHaveLength(43);
  });
});
