/**
 * @module Key sets that `spec/oct.md` §5.4 refuses, the same whether they
 * are inline or fetched: the list the Node and workerd tests walk, plus a
 * network whose carrier fetches its keys. Runs in Node and inside workerd.
 */
import { decodeBase64Url, encodeBase64Url } from "../../src/core/encoding/base64url.ts";
import { generateSigningKey, publicJwks } from "../../src/core/signing/keys.ts";
import type { NetworkDocument } from "../../src/core/network/config.ts";

export interface RefusedKeySet {
  name: string;
  jwks: { keys: Record<string, unknown>[] };
}

/** A copy of a base64url value with its last bit flipped. */
function flipLastBit(value: string): string {
  const bytes = decodeBase64Url(value)!;
  bytes[bytes.length - 1]! ^= 1;
  return encodeBase64Url(bytes);
}

export async function refusedKeySets(): Promise<RefusedKeySet[]> {
  const [ec, ec384, ed] = await Promise.all([
    generateSigningKey("ES256"),
    generateSigningKey("ES384"),
    generateSigningKey("EdDSA"),
  ]);
  const ecKey = publicJwks([ec]).keys[0] as Record<string, unknown> & { y: string };
  const ec384Key = publicJwks([ec384]).keys[0] as Record<string, unknown> & { x: string };
  const edKey = publicJwks([ed]).keys[0] as Record<string, unknown>;
  // 1025 octets, the first 0x01: an 8193-bit modulus, one bit over the bound.
  const hugeModulus = new Uint8Array(1025).fill(0xff);
  hugeModulus[0] = 0x01;
  return [
    { name: "an x5u member", jwks: { keys: [{ ...edKey, x5u: "https://evil.example/x.pem" }] } },
    { name: "a 129-character kid", jwks: { keys: [{ ...edKey, kid: "k".repeat(129) }] } },
    {
      name: "an RSA modulus over 8192 bits",
      jwks: { keys: [{ kty: "RSA", kid: "huge", n: encodeBase64Url(hugeModulus), e: "AQAB" }] },
    },
    { name: "an EC point off its curve", jwks: { keys: [{ ...ecKey, y: flipLastBit(ecKey.y) }] } },
    {
      name: "a P-384 point off its curve",
      jwks: { keys: [{ ...ec384Key, x: flipLastBit(ec384Key.x) }] },
    },
  ];
}

/** A one-carrier network whose keys are fetched from `jwks_uri` only. */
export function fetchingNetwork(jwksUri: string, jwks?: { keys: unknown[] }): NetworkDocument {
  return {
    gateway: { id: "https://gw.test.example" },
    carriers: [
      {
        id: "carrier-f",
        issuer: "https://tokens.carrier-f.example",
        ...(jwks ? { jwks } : { jwks_uri: jwksUri }),
        algorithms: ["EdDSA", "ES256"],
        status: "active",
      },
    ],
    providers: [],
    tariffs: [],
  };
}

/** A key set endpoint, as an injected `fetch`: its answer set by the test, slow on demand, counted. */
export class FakeJwksEndpoint {
  fetches = 0;
  delayMs = 0;
  body = "";

  serve(jwks: unknown): void {
    this.body = JSON.stringify(jwks);
  }

  readonly fetch = (async () => {
    this.fetches++;
    const body = this.body;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
  }) as unknown as typeof fetch;
}

/** What a key lookup came to: "found", "absent", or the error code it threw. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    const value = await promise;
    return value === undefined ? "absent" : "found";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}
