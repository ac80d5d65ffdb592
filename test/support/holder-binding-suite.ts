/**
 * @module Holder binding through the gateway (`spec/oct.md` §2.6, §6.6),
 * written once and run on Node and inside workerd: a token bound with
 * `cnf.jkt` is quoted, redeemed and its balance read with a correct DPoP
 * proof, and refused, each way with its code and nothing changed, without
 * one, with another key's, a replayed, a stale, a misdirected or a
 * malformed one; a proof is accepted once even by a second gateway that
 * shares the ledger.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { SignJWT, importJWK, type JWK } from "jose";
import {
  createHolderProof,
  generateHolderKey,
  holderThumbprint,
} from "../../src/core/holder/build.ts";
import { accessTokenHash } from "../../src/core/holder/proof.ts";
import { publicJwkOf, type PrivateJwk } from "../../src/core/signing/keys.ts";
import { claims, mintToken, NOW_SECONDS, testKeys, type TestKeys } from "./network.ts";

/** The test network's `gateway.id`: the URL every proof's `htu` names. */
const GATEWAY = "https://gw.test.example";
const H100 = "gpu-second:h100-sxm";
const A100 = "gpu-second:a100-sxm";
const SKEW = 60;
const MAX_AGE = 60;

interface Poster {
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

/** What the suite needs of a runtime: a gateway, and two gateways sharing one ledger. */
export interface HolderBindingRuntime {
  gateway(): Promise<Poster>;
  /** Two gateways (processes, app instances) over one ledger. */
  twoGatewaysOneLedger(): Promise<[Poster, Poster]>;
}

interface ProofOptions {
  method?: string;
  url?: string;
  path?: string;
  iat?: number;
  jti?: string;
}

export function defineHolderBindingSuite(runtime: HolderBindingRuntime): void {
  let keys: TestKeys;
  let holder: PrivateJwk;
  let stranger: PrivateJwk;
  let gw: Poster;

  beforeAll(async () => {
    keys = await testKeys();
    [holder, stranger] = await Promise.all([generateHolderKey(), generateHolderKey("ES256")]);
    gw = await runtime.gateway();
  });

  const boundToken = async (key = holder, amount = "100") =>
    mintToken(
      claims({
        cnf: { jkt: await holderThumbprint(key) },
        oct: { ver: "0.1", amount, unit: H100 },
      }),
      keys.eddsa,
    );
  const proof = (token: string, path: string, options: ProofOptions & { key?: PrivateJwk } = {}) =>
    createHolderProof({
      key: options.key ?? holder,
      method: options.method ?? "POST",
      url: options.url ?? `${GATEWAY}${options.path ?? path}`,
      token,
      now: options.iat ?? NOW_SECONDS,
      ...(options.jti ? { jti: options.jti } : {}),
    });
  const ask = (token: string, amount = "10") => ({
    token,
    provider: "carrier-b-edge",
    amount,
    unit: A100,
  });
  const redeem = (on: Poster, token: string, key: string, dpop?: string, amount = "10") =>
    on.post("/v1/redemptions", ask(token, amount), {
      "idempotency-key": key,
      ...(dpop !== undefined ? { dpop } : {}),
    });
  const remaining = async (on: Poster, token: string) => {
    const response = await on.post(
      "/v1/balance",
      { token },
      { dpop: await proof(token, "/v1/balance") },
    );
    expect(response.status).toBe(200);
    return ((await response.json()) as { remaining: { amount: string } }).remaining.amount;
  };
  const refusal = async (response: Response, code: string) => {
    const body = (await response.json()) as { code?: string };
    expect({ status: response.status, code: body.code }).toEqual({ status: 401, code });
    const challenge = response.headers.get("www-authenticate") ?? "";
    expect(challenge).toContain(`OCT error="${code}"`);
    expect(challenge).toMatch(/DPoP (error="invalid_dpop_proof", )?algs="[^"]*ES256/);
  };

  /** A proof signed by hand, for the malformed ones the builder would never make. */
  const handMade = async (
    token: string,
    change: {
      header?: Record<string, unknown>;
      claims?: Record<string, unknown>;
      drop?: string[];
    },
  ) => {
    const {
      kid: _kid,
      alg: _alg,
      use: _use,
      ...jwk
    } = publicJwkOf(holder) as Record<string, unknown>;
    const payload: Record<string, unknown> = {
      jti: `hand-${Math.random().toString(36).slice(2)}`,
      htm: "POST",
      htu: `${GATEWAY}/v1/redemptions`,
      iat: NOW_SECONDS,
      ath: await accessTokenHash(token),
      ...change.claims,
    };
    for (const name of change.drop ?? []) delete payload[name];
    return new SignJWT(payload)
      .setProtectedHeader({ typ: "dpop+jwt", alg: holder.alg, jwk: jwk as JWK, ...change.header })
      .sign(await importJWK(holder, holder.alg));
  };

  describe("a bound token with a correct proof", () => {
    it("is quoted, redeemed and its balance read, each request with a fresh proof", async () => {
      const token = await boundToken();
      const quote = await gw.post("/v1/quotes", ask(token), {
        dpop: await proof(token, "/v1/quotes"),
      });
      expect(quote.status).toBe(201);
      const redeemed = await redeem(gw, token, "ok-1", await proof(token, "/v1/redemptions"));
      expect(redeemed.status).toBe(201);
      expect(await remaining(gw, token)).toBe("96");
    });

    it("accepts a proof signed with another allowed algorithm (ES256) when the token is bound to it", async () => {
      const token = await boundToken(stranger);
      const response = await redeem(
        gw,
        token,
        "es256",
        await proof(token, "/v1/redemptions", { key: stranger }),
      );
      expect(response.status).toBe(201);
    });

    it("accepts a proof as old as the window allows, and one from the clock skew's future", async () => {
      const token = await boundToken();
      const oldest = await proof(token, "/v1/redemptions", { iat: NOW_SECONDS - MAX_AGE - SKEW });
      expect((await redeem(gw, token, "edge-old", oldest)).status).toBe(201);
      const newest = await proof(token, "/v1/redemptions", { iat: NOW_SECONDS + SKEW });
      expect((await redeem(gw, token, "edge-new", newest)).status).toBe(201);
    });

    it("a retry with the same idempotency key and a fresh proof gets the stored answer", async () => {
      const token = await boundToken();
      const first = await redeem(gw, token, "retry", await proof(token, "/v1/redemptions"));
      expect(first.status).toBe(201);
      const again = await redeem(gw, token, "retry", await proof(token, "/v1/redemptions"));
      expect(again.status).toBe(201);
      expect(((await again.json()) as { id: string }).id).toBe(
        ((await first.json()) as { id: string }).id,
      );
      expect(await remaining(gw, token)).toBe("96");
    });
  });

  describe("authorise, then capture", () => {
    it("an authorisation of a bound token needs a proof; its capture takes no token, so no proof", async () => {
      const token = await boundToken();
      const body = { ...ask(token, "10"), capture: "manual" };
      const refused = await gw.post("/v1/redemptions", body, { "idempotency-key": "auth-0" });
      await refusal(refused, "holder_proof_missing");
      const authorised = await gw.post("/v1/redemptions", body, {
        "idempotency-key": "auth-1",
        dpop: await proof(token, "/v1/redemptions"),
      });
      expect(authorised.status).toBe(201);
      const { id } = (await authorised.json()) as { id: string };
      const captured = await gw.post(`/v1/redemptions/${id}/capture`, { amount: "5", unit: A100 });
      expect(captured.status).toBe(200);
      expect(await remaining(gw, token)).toBe("98");
    });
  });

  describe("refused with its code, nothing changed", () => {
    const cases: [string, string, (token: string) => Promise<string | undefined>][] = [
      ["without a proof", "holder_proof_missing", async () => undefined],
      ["with an empty DPoP field", "holder_proof_missing", async () => ""],
      [
        "with a proof by another key",
        "holder_key_mismatch",
        (token) => proof(token, "/v1/redemptions", { key: stranger }),
      ],
      [
        "with a proof for another URL",
        "holder_proof_target_mismatch",
        (token) => proof(token, "/v1/redemptions", { path: "/v1/quotes" }),
      ],
      [
        "with a proof for another host (the request's Host, not gateway.id)",
        "holder_proof_target_mismatch",
        (token) => proof(token, "/v1/redemptions", { url: "http://localhost/v1/redemptions" }),
      ],
      [
        "with a proof for another method",
        "holder_proof_target_mismatch",
        (token) => proof(token, "/v1/redemptions", { method: "GET" }),
      ],
      [
        "with a proof older than the window",
        "holder_proof_stale",
        (token) => proof(token, "/v1/redemptions", { iat: NOW_SECONDS - MAX_AGE - SKEW - 1 }),
      ],
      [
        "with a proof from beyond the clock skew",
        "holder_proof_stale",
        (token) => proof(token, "/v1/redemptions", { iat: NOW_SECONDS + SKEW + 1 }),
      ],
      [
        "with a proof made for another token (wrong ath)",
        "holder_proof_token_mismatch",
        async () => proof(await boundToken(), "/v1/redemptions"),
      ],
      [
        "with a proof without ath",
        "holder_proof_invalid",
        (token) => handMade(token, { drop: ["ath"] }),
      ],
      [
        "with a proof without jti",
        "holder_proof_invalid",
        (token) => handMade(token, { drop: ["jti"] }),
      ],
      [
        "with a proof whose typ is application/dpop+jwt",
        "holder_proof_invalid",
        (token) => handMade(token, { header: { typ: "application/dpop+jwt" } }),
      ],
      [
        "with a proof typed JWT",
        "holder_proof_invalid",
        (token) => handMade(token, { header: { typ: "JWT" } }),
      ],
      [
        "with a proof whose jwk carries the private key",
        "holder_proof_invalid",
        (token) =>
          handMade(token, {
            header: { jwk: { ...holder, kid: undefined, alg: undefined, use: undefined } },
          }),
      ],
      [
        "with a proof whose header has a kid",
        "holder_proof_invalid",
        (token) => handMade(token, { header: { kid: "holder-1" } }),
      ],
      [
        "with a proof whose signature is not the jwk's",
        "holder_proof_invalid",
        async (token) => {
          const good = await proof(token, "/v1/redemptions");
          const [header, payload] = good.split(".");
          const other = await proof(token, "/v1/quotes");
          return `${header}.${payload}.${other.split(".")[2]}`;
        },
      ],
      [
        "with two DPoP fields (joined by a comma)",
        "holder_proof_invalid",
        async (token) =>
          `${await proof(token, "/v1/redemptions")}, ${await proof(token, "/v1/redemptions")}`,
      ],
      ["with a proof that is not a JWS", "holder_proof_invalid", async () => "not-a-proof"],
    ];
    for (const [title, code, make] of cases) {
      it(`${title}: ${code}`, async () => {
        const token = await boundToken();
        await refusal(await redeem(gw, token, `refused-${code}`, await make(token)), code);
        expect(await remaining(gw, token)).toBe("100");
      });
    }

    it("a replayed proof is refused, with any body, and only the first request spent", async () => {
      const token = await boundToken();
      const dpop = await proof(token, "/v1/redemptions");
      expect((await redeem(gw, token, "replay-1", dpop)).status).toBe(201);
      await refusal(await redeem(gw, token, "replay-2", dpop, "20"), "holder_proof_replayed");
      // Even the stored answer of the first key is not handed to a replayed proof.
      await refusal(await redeem(gw, token, "replay-1", dpop), "holder_proof_replayed");
      expect(await remaining(gw, token)).toBe("96");
    });

    it("a proof refused by the balance is used up all the same: it cannot come back with another body", async () => {
      const token = await boundToken(holder, "1");
      const dpop = await proof(token, "/v1/redemptions");
      const tooMuch = await redeem(gw, token, "used-up-1", dpop, "100");
      expect(((await tooMuch.json()) as { code: string }).code).toBe("insufficient_balance");
      await refusal(await redeem(gw, token, "used-up-2", dpop, "1"), "holder_proof_replayed");
      expect(await remaining(gw, token)).toBe("1");
    });

    it("quotes and balances need a proof too", async () => {
      const token = await boundToken();
      await refusal(await gw.post("/v1/quotes", ask(token)), "holder_proof_missing");
      await refusal(await gw.post("/v1/balance", { token }), "holder_proof_missing");
      const forRedemption = await proof(token, "/v1/redemptions");
      await refusal(
        await gw.post("/v1/balance", { token }, { dpop: forRedemption }),
        "holder_proof_target_mismatch",
      );
    });
  });

  describe("verify and inspect", () => {
    it("a bound token verifies without a proof, but its remaining balance is not shown", async () => {
      const token = await boundToken();
      const body = (await (await gw.post("/v1/verify", { token })).json()) as Record<
        string,
        unknown
      >;
      expect(body.valid).toBe(true);
      expect(body).not.toHaveProperty("remaining");
      const inspected = (await (await gw.post("/v1/inspect", { token })).json()) as Record<
        string,
        unknown
      >;
      expect(inspected.valid).toBe(true);
      expect(inspected).not.toHaveProperty("balance");
      expect(inspected).not.toHaveProperty("redemptions");
    });

    it("with a proof, verify shows remaining and inspect the balance; a wrong proof is a 401", async () => {
      const token = await boundToken();
      const verified = (await (
        await gw.post("/v1/verify", { token }, { dpop: await proof(token, "/v1/verify") })
      ).json()) as { remaining?: { amount: string } };
      expect(verified.remaining?.amount).toBe("100");
      const inspected = (await (
        await gw.post("/v1/inspect", { token }, { dpop: await proof(token, "/v1/inspect") })
      ).json()) as { balance?: { remaining: { amount: string } } };
      expect(inspected.balance?.remaining.amount).toBe("100");
      await refusal(
        await gw.post(
          "/v1/verify",
          { token },
          { dpop: await proof(token, "/v1/verify", { key: stranger }) },
        ),
        "holder_key_mismatch",
      );
    });

    it("a token without cnf ignores a DPoP field, even a malformed one", async () => {
      const token = await mintToken(claims(), keys.eddsa);
      const response = await redeem(gw, token, "unbound", "not-a-proof");
      expect(response.status).toBe(201);
    });
  });

  describe("one proof, two gateways sharing the ledger", () => {
    it("a proof accepted by one gateway is refused as replayed by the other", async () => {
      const [one, two] = await runtime.twoGatewaysOneLedger();
      const token = await boundToken();
      const dpop = await proof(token, "/v1/redemptions");
      expect((await redeem(one, token, "two-1", dpop)).status).toBe(201);
      await refusal(await redeem(two, token, "two-2", dpop), "holder_proof_replayed");
      expect(await remaining(two, token)).toBe("96");
    });

    it("the same proof sent to both at once is accepted once", async () => {
      const [one, two] = await runtime.twoGatewaysOneLedger();
      const token = await boundToken();
      const dpop = await proof(token, "/v1/redemptions");
      const answers = await Promise.all([
        redeem(one, token, "race-1", dpop),
        redeem(two, token, "race-2", dpop),
        redeem(one, token, "race-3", dpop),
        redeem(two, token, "race-4", dpop),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 401, 401, 401]);
      expect(await remaining(one, token)).toBe("96");
    });
  });
}
