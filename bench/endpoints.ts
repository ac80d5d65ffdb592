/**
 * @module The HTTP endpoints under test: which server, which request (a
 * fresh body and headers for each, so redemptions never replay), and how to
 * judge an answer: success, refusal by design, or failure.
 */
import {
  COLD_ALGORITHMS,
  PROVIDER,
  REDEMPTION_AMOUNT,
  UNIT,
  type BenchAlgorithm,
  type ColdAlgorithm,
  type Fixtures,
} from "./fixtures.ts";

export type Operation = "bare" | "verify" | "verify-cold" | "redeem-spread" | "redeem-hot";
export type Verdict = "ok" | "refused" | "failed";

export interface Endpoint {
  /** Stable id, the key of this endpoint's figures in the JSON. */
  id: string;
  /** The key of the server in the runner's map. */
  server: string;
  runtime: string;
  operation: Operation;
  alg?: BenchAlgorithm;
  method: "GET" | "POST";
  path: string;
  /** The next request's body and headers. */
  next(): { body?: string; headers: Record<string, string> };
  /** Whether every request is the same (autocannon can then skip `next`). */
  constant: boolean;
  judge(status: number, body: string): Verdict;
}

const JSON_HEADERS = { "content-type": "application/json" };

const getOk = (status: number): Verdict => (status === 200 ? "ok" : "failed");

export function bareEndpoint(server: string, runtime: string, path: string): Endpoint {
  return {
    id: `${server}.bare`,
    server,
    runtime,
    operation: "bare",
    method: "GET",
    path,
    next: () => ({ headers: {} }),
    constant: true,
    judge: getOk,
  };
}

export function verifyEndpoint(
  server: string,
  runtime: string,
  path: string,
  alg: BenchAlgorithm,
  token: string,
): Endpoint {
  const request = { body: JSON.stringify({ token }), headers: JSON_HEADERS };
  return {
    id: `${server}.verify.${alg}`,
    server,
    runtime,
    operation: "verify",
    alg,
    method: "POST",
    path,
    next: () => request,
    constant: true,
    // A 200 that says the token is invalid would be a broken benchmark.
    judge: (status, body) =>
      status === 200 && (body === "" || body.includes('"valid":true')) ? "ok" : "failed",
  };
}

/**
 * `POST /v1/verify` with the next of `tokens` each request, round and round:
 * the cold path. The pool is larger than the gateway's verified-token cache,
 * so a token met again was evicted since (least recently used first).
 */
export function coldVerifyEndpoint(
  server: string,
  runtime: string,
  path: string,
  alg: BenchAlgorithm,
  tokens: readonly string[],
): Endpoint {
  let turn = 0;
  return {
    ...verifyEndpoint(server, runtime, path, alg, tokens[0]!),
    id: `${server}.verify-cold.${alg}`,
    operation: "verify-cold",
    next: () => ({
      body: JSON.stringify({ token: tokens[turn++ % tokens.length] }),
      headers: JSON_HEADERS,
    }),
    constant: false,
  };
}

let keys = 0;
const runId = Date.now().toString(36);

/**
 * Redemptions of 1 unit each, with a fresh Idempotency-Key every time, over
 * the tokens of `tokens` in turn (one token: all on one hot token). A 402
 * `insufficient_balance` is a refusal by design; the tokens are worth far
 * more than any run redeems, so none is expected.
 */
export function redeemEndpoint(
  server: string,
  runtime: string,
  operation: "redeem-spread" | "redeem-hot",
  tokens: readonly string[],
): Endpoint {
  let turn = 0;
  return {
    id: `${server}.${operation}`,
    server,
    runtime,
    operation,
    alg: "EdDSA",
    method: "POST",
    path: "/v1/redemptions",
    next: () => ({
      body: JSON.stringify({
        token: tokens[turn++ % tokens.length],
        provider: PROVIDER,
        amount: REDEMPTION_AMOUNT,
        unit: UNIT,
      }),
      headers: { ...JSON_HEADERS, "idempotency-key": `bench-${runId}-${++keys}` },
    }),
    constant: false,
    judge: (status) => (status === 201 ? "ok" : status === 402 ? "refused" : "failed"),
  };
}

/** Every endpoint of the run, in the order they are measured, for the servers that started. */
export function endpoints(fixtures: Fixtures, servers: ReadonlySet<string>): Endpoint[] {
  const { verifyTokens, spreadTokens, hotToken, coldTokens } = fixtures;
  const list: Endpoint[] = [];
  const hot = (server: string, runtime: string, path: string, alg: ColdAlgorithm, id?: string) => {
    const endpoint = verifyEndpoint(server, runtime, path, alg, verifyTokens[alg]);
    list.push(id ? { ...endpoint, id: `${id}.verify.${alg}` } : endpoint);
  };
  const cold = (server: string, runtime: string, path: string, alg: ColdAlgorithm) =>
    list.push(coldVerifyEndpoint(server, runtime, path, alg, coldTokens[alg]));
  const gateway = (server: string, runtime: string, bare: string, coldAlgs: ColdAlgorithm[]) => {
    if (!servers.has(server)) return;
    list.push(bareEndpoint(server, runtime, bare));
    for (const alg of COLD_ALGORITHMS) hot(server, runtime, "/v1/verify", alg);
    list.push(redeemEndpoint(server, runtime, "redeem-spread", spreadTokens));
    list.push(redeemEndpoint(server, runtime, "redeem-hot", [hotToken]));
    // Last: on workerd each fresh token's balance read wakes its own Durable
    // Object, thousands a run, which wrangler dev keeps working on after.
    for (const alg of coldAlgs) cold(server, runtime, "/v1/verify", alg);
  };
  gateway("node", "Node", "/bare", []);
  if (servers.has("node-port")) {
    const runtime = "Node, node:crypto port";
    for (const alg of COLD_ALGORITHMS) hot("node-port", runtime, "/v1/verify", alg);
    for (const alg of COLD_ALGORITHMS) cold("node-port", runtime, "/v1/verify", alg);
  }
  gateway("workerd", "workerd", "/healthz", ["EdDSA"]);
  if (servers.has("express")) {
    cold("express", "Express + jsonwebtoken", "/v1/verify/ES256", "ES256");
  }
  if (servers.has("fast-jwt")) {
    for (const alg of COLD_ALGORITHMS) {
      hot(
        "fast-jwt",
        "Hono + fast-jwt, cache on",
        `/v1/verify-cached/${alg}`,
        alg,
        "fast-jwt-cache",
      );
    }
    for (const alg of COLD_ALGORITHMS) {
      cold("fast-jwt", "Hono + fast-jwt, cache off", `/v1/verify/${alg}`, alg);
    }
  }
  return list;
}
