import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { checkIssuer } from "../../../conformance/runner/issuer.ts";
import { repeatedMember } from "../../../conformance/runner/jws-checks.ts";
import { mintToken } from "../../../src/core/issuer/mint.ts";
import { publicJwks, type PrivateJwk } from "../../../src/core/signing/keys.ts";
import { ROOT } from "../../support/processes.ts";

const key = JSON.parse(
  readFileSync(`${ROOT}config/demo/keys/carrier-a.private.jwk.json`, "utf8"),
) as PrivateJwk;
const now = Math.floor(Date.now() / 1000);
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: "https://tokens.carrier-a.example",
  sub: "acct",
  aud: "urn:oct:redeem",
  iat: now,
  exp: now + 3600,
  jti: `issuer-${Math.random()}`,
  oct: { ver: "0.1" as const, amount: "1", unit: "pflop" },
  ...extra,
});

describe("oct conformance issuer", () => {
  it("passes a carrier whose keys and tokens follow the profile", async () => {
    const report = await checkIssuer({
      jwks: publicJwks([key]),
      jwksSource: "jwks.json",
      tokens: [await mintToken(claims(), key), await mintToken(claims(), key)],
      now,
    });
    expect(report.results.filter((r) => r.status !== "pass")).toEqual([]);
    expect(report.summary.conformant).toBe(true);
  });

  it("fails a key set that publishes a private key", async () => {
    const report = await checkIssuer({
      jwks: { keys: [key] },
      jwksSource: "jwks.json",
      tokens: [],
      now,
    });
    expect(report.summary.conformant).toBe(false);
    expect(report.results.find((r) => r.id === "iss-key-1")?.message).toContain(
      'private or symmetric member "d"',
    );
  });

  it("fails tokens with a bad claim, a foreign kid or mixed issuers, naming the code", async () => {
    const report = await checkIssuer({
      jwks: publicJwks([key]),
      jwksSource: "jwks.json",
      tokens: [
        await mintToken(claims({ oct: { ver: "0.1", amount: "1.50", unit: "pflop" } }), key),
        await mintToken(claims(), { ...key, kid: "not-published" }),
        await mintToken(claims({ iss: "https://other.example" }), key),
        "garbage",
      ],
      now,
    });
    const messages = report.results.filter((r) => r.status === "fail").map((r) => r.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^claims_invalid/),
        expect.stringMatching(/^key_unknown/),
        expect.stringMatching(/^token_malformed/),
        expect.stringMatching(/several issuers/),
      ]),
    );
  });
});

describe("oct conformance issuer: across the samples, and the issuer's SHOULDs", () => {
  it("fails two tokens of one identity with different face values", async () => {
    const twice = claims();
    const report = await checkIssuer({
      jwks: publicJwks([key]),
      jwksSource: "jwks.json",
      tokens: [
        await mintToken(twice, key),
        await mintToken({ ...twice, oct: { ...twice.oct, amount: "2" } }, key),
      ],
      now,
    });
    expect(report.summary.conformant).toBe(false);
    expect(report.results.find((r) => r.id === "iss-identities")).toMatchObject({
      status: "fail",
      level: "MUST",
      requirements: ["R-jhwb2"],
    });
  });

  it("warns, without failing, of a NumericDate written with a fraction and of a short jti", async () => {
    const signed = await mintToken({ ...claims(), jti: "short" }, key);
    const [h, p] = signed.split(".");
    const payload = Buffer.from(p!, "base64url")
      .toString()
      .replace(/"exp":(\d+)/, '"exp":$1.0');
    const { CompactSign, importJWK } = await import("jose");
    const token = await new CompactSign(new TextEncoder().encode(payload))
      .setProtectedHeader(JSON.parse(Buffer.from(h!, "base64url").toString()))
      .sign(await importJWK(key, key.alg));
    const report = await checkIssuer({
      jwks: publicJwks([key]),
      jwksSource: "jwks.json",
      tokens: [token],
      now,
    });
    const failed = report.results.filter((r) => r.status === "fail");
    expect(failed.map((r) => [r.id, r.level])).toEqual([
      ["iss-numeric-dates-1", "SHOULD"],
      ["iss-jti-1", "SHOULD"],
    ]);
    expect(failed[0]!.message).toMatch(/^exp is written \d+\.0$/);
    expect(report.summary).toMatchObject({ conformant: true, warnings: 2 });
  });
});

describe("the runner judges on its own", () => {
  it("imports nothing of src/ or scripts/: jose, its generated schemas and its own checks", () => {
    const runner = join(ROOT, "conformance/runner");
    const files = readdirSync(runner, { recursive: true, encoding: "utf8" }).filter((f) =>
      /\.ts$/.test(f),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = readFileSync(join(runner, file), "utf8");
      const imports = [...source.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
      expect(
        imports.filter((i) => /\/(src|scripts)\//.test(i!)),
        file,
      ).toEqual([]);
    }
  });

  it("finds a repeated member however it is spelt, at any depth", () => {
    expect(repeatedMember('{"sub":"a","\\u0073ub":"b"}')).toBe("sub");
    expect(repeatedMember('{"a":{"x":1,"x":2}}')).toBe("x");
    expect(repeatedMember('{"a":[{"x":1},{"x":2}],"b":"{\\"a\\":1}"}')).toBeUndefined();
    expect(repeatedMember('{"a":1,"b":{"a":2}}')).toBeUndefined();
  });

  it("refuses a token with a repeated claim, non-canonical base64url or an extra header member", async () => {
    const signed = await mintToken(claims(), key);
    const [h, p] = signed.split(".");
    const payload = Buffer.from(p!, "base64url").toString().replace(/^\{/, '{"sub":"x",');
    const report = await checkIssuer({
      jwks: publicJwks([key]),
      jwksSource: "jwks.json",
      tokens: [
        `${h}.${Buffer.from(payload).toString("base64url")}.AAAA`,
        `${signed}=`,
        await mintTokenWithHeader({ alg: "EdDSA", typ: "oct+jwt", kid: key.kid, cty: "x" }),
      ],
      now,
    });
    expect(
      report.results.filter((r) => r.id.startsWith("iss-token")).map((r) => r.message),
    ).toEqual([
      'token_malformed: the payload repeats the member "sub"',
      "token_malformed: the signature segment is not canonical base64url",
      expect.stringMatching(/^header_invalid: header/),
    ]);
  });
});

async function mintTokenWithHeader(header: Record<string, unknown>): Promise<string> {
  const { CompactSign, importJWK } = await import("jose");
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims())))
    .setProtectedHeader(header as { alg: string })
    .sign(await importJWK(key, key.alg));
}
