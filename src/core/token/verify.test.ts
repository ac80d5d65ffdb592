import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { webCryptoSignatures } from "../../adapters/crypto/web-crypto-signatures.ts";
import { CarrierKeys } from "../../adapters/keys/carrier-keys.ts";
import type { Network } from "../network/config.ts";
import { generateSigningKey } from "../signing/keys.ts";
import { UNFETCHED_STATUS_LISTS } from "../status/unfetched.ts";
import { verifyToken, type VerifyContext } from "./verify.ts";
import {
  claims,
  frozenClock,
  ISSUER_B,
  ISSUER_R,
  mintToken,
  NOW_SECONDS,
  testKeys,
  testNetwork,
  type TestKeys,
} from "../../../test/support/network.ts";
import { segment, signRaw } from "../../../test/support/raw-token.ts";

let keys: TestKeys;
let network: Network;
let context: VerifyContext;

beforeAll(async () => {
  keys = await testKeys();
  network = testNetwork(keys);
  context = {
    network,
    keys: new CarrierKeys(),
    statusLists: UNFETCHED_STATUS_LISTS,
    clock: frozenClock(),
    signatures: webCryptoSignatures,
  };
});

const header = (kid: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ alg: "EdDSA", typ: "oct+jwt", kid, ...extra });

async function codeOf(token: unknown, ctx: VerifyContext = context): Promise<string> {
  try {
    await verifyToken(token, ctx);
    return "accepted";
  } catch (error) {
    return (error as { code?: string }).code ?? `unexpected: ${String(error)}`;
  }
}

describe("verifyToken accepts", () => {
  it("a good EdDSA, ES256 and PS256 token, returning claims, carrier and identity", async () => {
    for (const [key, iss] of [
      [keys.eddsa, undefined],
      [keys.es256, undefined],
      [keys.ps256, ISSUER_R],
    ] as const) {
      const c = claims(iss ? { iss } : {});
      const verified = await verifyToken(await mintToken(c, key), context);
      expect(verified.identity).toEqual({ iss: c.iss, jti: c.jti });
      expect(verified.claims.oct.amount).toBe("1000.5");
      expect(verified.header.alg).toBe(key.alg);
    }
  });

  it("a token within the clock skew", async () => {
    const c = claims({
      iat: NOW_SECONDS + 50,
      nbf: NOW_SECONDS + 50,
      exp: NOW_SECONDS - 50 + 3600,
    });
    expect(await codeOf(await mintToken(c, keys.eddsa))).toBe("accepted");
    const expiredWithinSkew = claims({
      iat: NOW_SECONDS - 3600,
      nbf: undefined,
      exp: NOW_SECONDS - 30,
    });
    expect(await codeOf(await mintToken(expiredWithinSkew, keys.eddsa))).toBe("accepted");
  });
});

describe("verifyToken refuses, with the code of each step", () => {
  it("token_malformed: not a string, too long, wrong segment count, empty segment", async () => {
    const good = await mintToken(claims(), keys.eddsa);
    expect(await codeOf(42)).toBe("token_malformed");
    expect(await codeOf("a".repeat(9000))).toBe("token_malformed");
    expect(await codeOf(good.split(".").slice(0, 2).join("."))).toBe("token_malformed");
    expect(await codeOf(`${good}.x`)).toBe("token_malformed");
    expect(await codeOf(good.replace(/\.[^.]+$/, "."))).toBe("token_malformed");
  });

  it("token_malformed: padding, whitespace, the standard alphabet, unused bits set", async () => {
    const good = await mintToken(claims(), keys.eddsa);
    const [h, p, s] = good.split(".") as [string, string, string];
    expect(await codeOf(`${h}=.${p}.${s}`)).toBe("token_malformed");
    expect(await codeOf(`${h}.${p}.${s}==`)).toBe("token_malformed");
    expect(await codeOf(` ${good}`)).toBe("token_malformed");
    expect(await codeOf(`${h}.${p}\n.${s}`)).toBe("token_malformed");
    expect(await codeOf(`${h}.${p.replace(/-/g, "+").replace(/_/g, "/")}x.${s}`)).toBe(
      "token_malformed",
    );
    // An Ed25519 signature is 64 bytes: 86 characters, whose last carries 2 unused bits.
    const last = s[s.length - 1]!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const withBitSet = alphabet[alphabet.indexOf(last) | 1]!;
    expect(withBitSet).not.toBe(last);
    expect(await codeOf(`${h}.${p}.${s.slice(0, -1)}${withBitSet}`)).toBe("token_malformed");
  });

  it("token_malformed: duplicate members, a BOM, invalid UTF-8, not an object", async () => {
    const c = claims();
    const body = JSON.stringify(c);
    const k = keys.eddsa;
    expect(await codeOf(await signRaw(header(k.kid).replace("{", '{"typ":"JWT",'), body, k))).toBe(
      "token_malformed",
    );
    expect(
      await codeOf(await signRaw(header(k.kid), body.replace("{", '{"sub":"someone-else",'), k)),
    ).toBe("token_malformed");
    // the same name spelt with an escape is still a duplicate
    expect(
      await codeOf(await signRaw(header(k.kid), body.replace("{", '{"s\\u0075b":"x",'), k)),
    ).toBe("token_malformed");
    expect(await codeOf(await signRaw(header(k.kid), "\ufeff" + body, k))).toBe("token_malformed");
    expect(await codeOf(await signRaw(header(k.kid), new Uint8Array([0x7b, 0xff, 0x7d]), k))).toBe(
      "token_malformed",
    );
    expect(await codeOf(await signRaw(header(k.kid), "[1]", k))).toBe("token_malformed");
    expect(await codeOf(await signRaw(header(k.kid), '"a"', k))).toBe("token_malformed");
    // and the same token without the defect is accepted
    expect(await codeOf(await signRaw(header(k.kid), body, k))).toBe("accepted");
  });

  it("alg_not_allowed: none, HS256, an unknown alg, an alg the carrier does not use, a key of another type", async () => {
    const k = keys.eddsa;
    const body = JSON.stringify(claims());
    expect(await codeOf(`${segment(header(k.kid, { alg: "none" }))}.${segment(body)}.AA`)).toBe(
      "alg_not_allowed",
    );
    expect(await codeOf(await signRaw(header(k.kid, { alg: "HS256" }), body, k))).toBe(
      "alg_not_allowed",
    );
    expect(await codeOf(await signRaw(header(k.kid, { alg: "ES512" }), body, k))).toBe(
      "alg_not_allowed",
    );
    // carrier A signs with EdDSA and ES256 only
    expect(await codeOf(await signRaw(header(k.kid, { alg: "ES384" }), body, k))).toBe(
      "alg_not_allowed",
    );
    // ES256 header naming carrier A's Ed25519 key
    expect(await codeOf(await signRaw(header(k.kid, { alg: "ES256" }), body, k))).toBe(
      "alg_not_allowed",
    );
  });

  it("header_invalid: every refused member, a wrong typ, a bad kid, an extra member, no alg", async () => {
    const k = keys.eddsa;
    const body = JSON.stringify(claims());
    for (const extra of [
      { crit: ["exp"] },
      { b64: false },
      { jku: "https://evil.example/jwks" },
      { x5u: "https://evil.example/cert" },
      { x5c: ["MIIB"] },
      { jwk: { kty: "OKP", crv: "Ed25519", x: k.x } },
      { cty: "JWT" },
      { typ: "JWT" },
      { typ: "OCT+JWT" },
      { kid: "" },
      { kid: "has space" },
      { kid: 7 },
      { zip: "DEF" },
      { extra: 1 },
    ]) {
      expect(
        await codeOf(await signRaw(header(k.kid, extra), body, k)),
        JSON.stringify(extra),
      ).toBe("header_invalid");
    }
    expect(
      await codeOf(await signRaw(JSON.stringify({ typ: "oct+jwt", kid: k.kid }), body, k)),
    ).toBe("header_invalid");
  });

  it("issuer_untrusted: an unknown issuer, no iss, a near-miss of a trusted issuer", async () => {
    for (const iss of [
      "https://tokens.evil.example",
      "https://tokens.carrier-a.example/",
      "HTTPS://tokens.carrier-a.example",
    ]) {
      expect(await codeOf(await mintToken(claims({ iss }), keys.eddsa)), iss).toBe(
        "issuer_untrusted",
      );
    }
    const { iss: _, ...noIss } = claims();
    expect(
      await codeOf(await signRaw(header(keys.eddsa.kid), JSON.stringify(noIss), keys.eddsa)),
    ).toBe("issuer_untrusted");
  });

  it("carrier_suspended: a token of a suspended carrier, even well signed", async () => {
    expect(await codeOf(await mintToken(claims({ iss: ISSUER_B }), keys.es384))).toBe(
      "carrier_suspended",
    );
  });

  it("key_unknown: a kid the carrier does not have, and another carrier's kid", async () => {
    const body = JSON.stringify(claims());
    expect(await codeOf(await signRaw(header("no-such-key"), body, keys.eddsa))).toBe(
      "key_unknown",
    );
    // carrier R's key id, on a token of carrier A: keys never cross carriers
    const forged = await mintToken(claims({ iss: "https://tokens.carrier-a.example" }), {
      ...keys.ps256,
    });
    expect(await codeOf(forged)).toBe("alg_not_allowed"); // PS256 is not carrier A's
    const crossKid = await signRaw(header(keys.ps256.kid), body, keys.eddsa);
    expect(await codeOf(crossKid)).toBe("key_unknown");
  });

  it("signature_invalid: a signature by another key, a changed payload, a truncated signature", async () => {
    // another Ed25519 key presenting carrier A's kid
    const other = { ...(await generateSigningKey("EdDSA")), kid: keys.eddsa.kid };
    expect(await codeOf(await mintToken(claims(), other))).toBe("signature_invalid");
    const good = await mintToken(claims(), keys.eddsa);
    const [h, , s] = good.split(".");
    expect(
      await codeOf(
        `${h}.${segment(JSON.stringify(claims({ oct: { ver: "0.1", amount: "99999", unit: "gpu-second:h100-sxm" } })))}.${s}`,
      ),
    ).toBe("signature_invalid");
    expect(await codeOf(`${good.slice(0, good.lastIndexOf(".") + 1)}${s!.slice(0, 40)}`)).toBe(
      "signature_invalid",
    );
    const es = await mintToken(claims(), keys.es256);
    expect(await codeOf(`${es.slice(0, es.lastIndexOf("."))}.${segment(new Uint8Array(64))}`)).toBe(
      "signature_invalid",
    );
  });

  it("token_expired and token_not_yet_valid, beyond the skew", async () => {
    expect(
      await codeOf(
        await mintToken(
          claims({ iat: NOW_SECONDS - 7200, nbf: undefined, exp: NOW_SECONDS - 61 }),
          keys.eddsa,
        ),
      ),
    ).toBe("token_expired");
    expect(await codeOf(await mintToken(claims({ nbf: NOW_SECONDS + 61 }), keys.eddsa))).toBe(
      "token_not_yet_valid",
    );
    expect(
      await codeOf(await mintToken(claims({ iat: NOW_SECONDS + 61, nbf: undefined }), keys.eddsa)),
    ).toBe("token_not_yet_valid");
  });

  it("claims_invalid: missing exp, exp 1e300, fractional dates, an unknown oct member, a bad amount, a long life, a wrong aud", async () => {
    const k = keys.eddsa;
    const { exp: _, ...noExp } = claims();
    expect(await codeOf(await signRaw(header(k.kid), JSON.stringify(noExp), k))).toBe(
      "claims_invalid",
    );
    const c = claims();
    expect(
      await codeOf(
        await signRaw(header(k.kid), JSON.stringify(c).replace(/"exp":\d+/, '"exp":1e300'), k),
      ),
    ).toBe("claims_invalid");
    expect(await codeOf(await mintToken({ ...claims(), exp: NOW_SECONDS + 0.5 }, k))).toBe(
      "claims_invalid",
    );
    expect(await codeOf(await mintToken({ ...claims(), iat: "1795000000" as never }, k))).toBe(
      "claims_invalid",
    );
    expect(
      await codeOf(
        await mintToken(
          claims({ oct: { ver: "0.1", amount: "1", unit: "pflop", extra: 1 } as never }),
          k,
        ),
      ),
    ).toBe("claims_invalid");
    for (const amount of ["1.50", "01", "1e3", "-1", "0", ""]) {
      expect(
        await codeOf(await mintToken(claims({ oct: { ver: "0.1", amount, unit: "pflop" } }), k)),
        amount,
      ).toBe("claims_invalid");
    }
    expect(
      await codeOf(
        await mintToken(claims({ oct: { ver: "9.9" as "0.1", amount: "1", unit: "pflop" } }), k),
      ),
    ).toBe("claims_invalid");
    expect(
      await codeOf(
        await mintToken(claims({ iat: NOW_SECONDS - 10, exp: NOW_SECONDS + 401 * 86400 }), k),
      ),
    ).toBe("claims_invalid");
    expect(
      await codeOf(await mintToken(claims({ aud: "https://some-other-api.example" }), k)),
    ).toBe("claims_invalid");
    expect(
      await codeOf(
        await mintToken(
          claims({ exp: NOW_SECONDS - 20, iat: NOW_SECONDS - 10, nbf: undefined }),
          k,
        ),
      ),
    ).toBe("claims_invalid");
  });

  it("unit_unknown: a unit of the right shape that is not registered", async () => {
    expect(
      await codeOf(
        await mintToken(
          claims({ oct: { ver: "0.1", amount: "1", unit: "gpu-second:imaginary-9000" } }),
          keys.eddsa,
        ),
      ),
    ).toBe("unit_unknown");
  });
});

describe("mutations", () => {
  it("no single-byte change, insertion or deletion of a valid token verifies", async () => {
    const good = await mintToken(claims(), keys.eddsa);
    expect(await codeOf(good)).toBe("accepted");
    const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
    const position = fc.integer({ min: 0, max: good.length - 1 });
    const mutation = fc.oneof(
      fc.tuple(fc.constant("replace"), position, printable),
      fc.tuple(fc.constant("insert"), fc.integer({ min: 0, max: good.length }), printable),
      fc.tuple(fc.constant("delete"), position, fc.constant("")),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async ([kind, at, char]) => {
        const mutated =
          kind === "replace"
            ? good.slice(0, at) + char + good.slice(at + 1)
            : kind === "insert"
              ? good.slice(0, at) + char + good.slice(at)
              : good.slice(0, at) + good.slice(at + 1);
        fc.pre(mutated !== good);
        const code = await codeOf(mutated);
        expect(code).not.toBe("accepted");
        expect(code).not.toMatch(/^unexpected/);
      }),
      { numRuns: 300 },
    );
  });
});
