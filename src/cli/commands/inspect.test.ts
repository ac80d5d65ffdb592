import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrivateJwk } from "../../core/signing/keys.ts";
import { generateSigningKey, publicJwks } from "../../core/signing/keys.ts";
import { mintToken, type MintClaims } from "../../core/issuer/mint.ts";
import { main } from "../main.ts";
import { capture } from "../../../test/support/cli.ts";

const KEYS = new URL("../../../config/demo/keys/", import.meta.url);
const carrierA = JSON.parse(
  readFileSync(new URL("carrier-a.private.jwk.json", KEYS), "utf8"),
) as PrivateJwk;
const carrierB = JSON.parse(
  readFileSync(new URL("carrier-b.private.jwk.json", KEYS), "utf8"),
) as PrivateJwk;
const ISS = "https://tokens.carrier-a.example";

const run = (...argv: string[]) => capture(main, argv);

function claims(overrides: Partial<MintClaims> = {}): MintClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISS,
    sub: "acct-42",
    aud: "urn:oct:redeem",
    iat: now,
    nbf: now,
    exp: now + 3600,
    jti: "01JD3V6Q6J8Y6E0ZK8QX6B1T2M",
    oct: { ver: "0.1", amount: "100", unit: "gpu-second:h100-sxm" },
    ...overrides,
  };
}

const statuses = (stdout: string) =>
  (JSON.parse(stdout).steps as { status: string }[]).map((s) => s.status);

let dir: string;
let jwksA: string;
let jwksB: string;
let jwksOther: string;
let token: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "oct-inspect-"));
  jwksA = join(dir, "carrier-a.jwks.json");
  jwksB = join(dir, "carrier-b.jwks.json");
  writeFileSync(jwksA, JSON.stringify(publicJwks([carrierA])));
  writeFileSync(jwksB, JSON.stringify(publicJwks([carrierB])));
  jwksOther = join(dir, "other.jwks.json");
  writeFileSync(jwksOther, JSON.stringify(publicJwks([await generateSigningKey("EdDSA")])));
  token = await mintToken(claims(), carrierA);
});

describe("oct inspect, offline", () => {
  it("passes every step of §6.2 against the carrier's JWKS, trusted for --iss", async () => {
    const { status, stdout } = await run("inspect", token, "--jwks", jwksA, "--iss", ISS, "--json");
    expect(status).toBe(0);
    const inspection = JSON.parse(stdout);
    expect(inspection).toMatchObject({
      mode: "jwks",
      valid: true,
      header: { alg: "EdDSA", typ: "oct+jwt" },
    });
    expect(inspection.claims.oct.amount).toBe("100");
    expect(statuses(stdout)).toEqual(Array(9).fill("passed"));

    const human = await run("inspect", "--token", token, "--jwks", jwksA, "--iss", ISS);
    expect(human.stdout).toContain("passed       7  Signature");
    expect(human.stdout).toContain("verdict  valid");
    expect(human.stdout).toMatch(/exp +\d+ +20\d\d-/);
  });

  it("names the failing step, its code and section; later steps are not reached", async () => {
    const cases: [string, string[], number, string][] = [
      ["abc", [], 2, "token_malformed"],
      ["x".repeat(9000), [], 1, "token_malformed"],
      [token, ["--jwks", jwksA, "--iss", "https://tokens.other.example"], 5, "issuer_untrusted"],
      // Carrier B signs with ES256 only: an EdDSA token fails at the carrier profile.
      [token, ["--jwks", jwksB, "--iss", ISS], 5, "alg_not_allowed"],
      [token, ["--jwks", jwksOther, "--iss", ISS], 6, "key_unknown"],
      [
        token.replace(/\.[^.]+$/, `.${"A".repeat(86)}`),
        ["--jwks", jwksA, "--iss", ISS],
        7,
        "signature_invalid",
      ],
      [
        await mintToken(
          claims({ iat: 1_700_000_000, nbf: 1_700_000_000, exp: 1_700_003_600 }),
          carrierA,
        ),
        ["--jwks", jwksA, "--iss", ISS],
        8,
        "token_expired",
      ],
    ];
    for (const [input, options, step, code] of cases) {
      const { status, stdout } = await run("inspect", input, ...options, "--json");
      expect(status, code).toBe(1);
      const inspection = JSON.parse(stdout);
      expect(inspection).toMatchObject({ valid: false, error: code });
      expect(inspection.steps[step - 1]).toMatchObject({
        status: "failed",
        code,
        section: `6.2 step ${step}`,
      });
      expect(statuses(stdout)).toEqual([
        ...Array(step - 1).fill("passed"),
        "failed",
        ...Array(9 - step).fill("not_reached"),
      ]);
    }
    const human = await run("inspect", token, "--jwks", jwksOther, "--iss", ISS);
    expect(human.stdout).toContain("FAILED       6  Carrier key by kid: key_unknown:");
    expect(human.stdout).toContain("verdict  refused: key_unknown (§6.2 step 6)");
    expect(human.stdout).toContain("do not trust them");
  });

  it("without --iss, never says the issuer is trusted: step 5 not checked, no verdict of validity", async () => {
    const other = await mintToken(claims({ iss: "https://anyone.example" }), carrierA);
    const { status, stdout } = await run("inspect", other, "--jwks", jwksA, "--json");
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ mode: "jwks", valid: null });
    expect(statuses(stdout)).toEqual([
      ...Array(4).fill("passed"),
      "not_checked",
      ...Array(4).fill("passed"),
    ]);
    const human = await run("inspect", other, "--jwks", jwksA);
    expect(human.stdout).toContain("not checked  5  Trusted, active issuer");
    expect(human.stdout).toContain("give --iss URL");
    expect(human.stdout).not.toContain("verdict  valid");
    // A refusal after step 5 is still a refusal, with step 5 not checked.
    const refused = await run("inspect", other, "--jwks", jwksOther, "--json");
    expect(refused.status).toBe(1);
    expect(statuses(refused.stdout).slice(4, 6)).toEqual(["not_checked", "failed"]);
  });

  it("says when a token is accepted only inside the clock skew", async () => {
    const now = Math.floor(Date.now() / 1000);
    const late = await mintToken(
      claims({ iat: now - 3600, nbf: now - 3600, exp: now - 30 }),
      carrierA,
    );
    const { status, stdout } = await run("inspect", late, "--jwks", jwksA, "--iss", ISS);
    expect(status).toBe(0);
    expect(stdout).toContain("verdict  valid");
    expect(stdout).toMatch(/note {5}exp passed 3\d s ago: accepted only inside the clock skew/);
    const json = JSON.parse(
      (await run("inspect", late, "--jwks", jwksA, "--iss", ISS, "--json")).stdout,
    );
    expect(json.within_skew).toHaveLength(1);
    const fresh = await run("inspect", token, "--jwks", jwksA, "--iss", ISS);
    expect(fresh.stdout).not.toContain("clock skew");
  });

  it("without keys, decodes and checks steps 1-4 only", async () => {
    const { status, stdout } = await run("inspect", token, "--json");
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ mode: "decode", valid: null, claims: { iss: ISS } });
    expect(statuses(stdout)).toEqual([...Array(4).fill("passed"), ...Array(5).fill("not_checked")]);
    expect((await run("inspect", token)).stdout).toContain("steps 5-9 need the carrier's keys");
  });

  it("refuses bad input clearly, exit status 2", async () => {
    const cases: [string[], string][] = [
      [["inspect"], "a token is required"],
      [
        ["inspect", "--token-file", "/no/such/token.jwt"],
        "cannot read token file /no/such/token.jwt",
      ],
      [
        ["inspect", token, "--jwks", "/no/such/jwks.json"],
        "cannot read JWKS file /no/such/jwks.json",
      ],
      [["inspect", token, "--token", token], "not both"],
      [["inspect", token, "--jwks", jwksA, "--gateway", "http://127.0.0.1:8787"], "not both"],
      [["inspect", token, "--iss", ISS], "--iss goes with --jwks"],
      [
        ["inspect", token, "--jwks", new URL("carrier-a.private.jwk.json", KEYS).pathname],
        "holds a private key",
      ],
    ];
    for (const [argv, message] of cases) {
      const { status, stderr } = await run(...argv);
      expect(status, message).toBe(2);
      expect(stderr).toContain(message);
    }
    const notJwks = join(dir, "not-jwks.json");
    writeFileSync(notJwks, JSON.stringify({ keys: [{ kty: "oct", k: "c2VjcmV0", kid: "s" }] }));
    const refused = await run("inspect", token, "--jwks", notJwks);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("is not a usable public JWK Set");
  });
});

describe("oct inspect, online against a gateway without POST /v1/inspect", () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // An OCT gateway that implements only POST /v1/verify (POST /v1/inspect is optional).
    server = createServer((request, response) => {
      if (request.url === "/v1/verify") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({ valid: false, error: "key_unknown", detail: "carrier-a has no key k9" }),
        );
        return;
      }
      response.writeHead(404, { "content-type": "application/problem+json" });
      response.end(
        JSON.stringify({
          type: "urn:oct:error:not_found",
          title: "Not found",
          status: 404,
          code: "not_found",
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("asks the gateway of $OCT_GATEWAY when no --jwks or --gateway is given", async () => {
    const saved = process.env.OCT_GATEWAY;
    process.env.OCT_GATEWAY = url;
    try {
      const { status, stdout } = await run("inspect", token, "--json");
      expect(status).toBe(1);
      expect(JSON.parse(stdout)).toMatchObject({
        mode: "gateway",
        against: url,
        error: "key_unknown",
      });
      const offline = await run("inspect", token, "--jwks", jwksA, "--iss", ISS, "--json");
      expect(JSON.parse(offline.stdout)).toMatchObject({ mode: "jwks", valid: true });
    } finally {
      if (saved === undefined) delete process.env.OCT_GATEWAY;
      else process.env.OCT_GATEWAY = saved;
    }
  });

  it("places the POST /v1/verify verdict on its step", async () => {
    const { status, stdout } = await run("inspect", token, "--gateway", url, "--json");
    expect(status).toBe(1);
    const inspection = JSON.parse(stdout);
    expect(inspection).toMatchObject({ mode: "gateway", valid: false, error: "key_unknown" });
    expect(inspection.steps[5]).toMatchObject({
      status: "failed",
      detail: "carrier-a has no key k9",
    });
    expect(statuses(stdout)).toEqual([
      ...Array(5).fill("passed"),
      "failed",
      ...Array(3).fill("not_reached"),
    ]);
  });
});
