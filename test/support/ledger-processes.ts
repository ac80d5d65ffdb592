/**
 * @module Real gateway processes over one SQLite ledger file, for the
 * end-to-end ledger tests: the demo network plus a webhook provider the test
 * answers (or holds), tokens of carrier-a, and the requests those tests send.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PrivateJwk } from "../../src/core/signing/keys.ts";
import { mintToken } from "../../src/core/issuer/mint.ts";
import { ROOT, startNodeGateway, type Running } from "./processes.ts";

export const H100 = "gpu-second:h100-sxm";

const carrierA = JSON.parse(
  readFileSync(`${ROOT}config/demo/keys/carrier-a.private.jwk.json`, "utf8"),
) as PrivateJwk;

/** A provider webhook that answers, or holds the request, as the test says. */
export interface HookProvider {
  url: string;
  delivered: string[];
  answer: (res: ServerResponse) => void;
  /** Resolves when the next request has arrived; the provider then holds it. */
  hold(): Promise<void>;
  close(): Promise<void>;
}

export async function hookProvider(): Promise<HookProvider> {
  let server: Server;
  const hook: HookProvider = {
    url: "",
    delivered: [],
    answer: (res) => res.end(),
    hold() {
      return new Promise<void>((arrived) => (hook.answer = () => arrived()));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      hook.delivered.push(body);
      hook.answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hook.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/redeem`;
  return hook;
}

/** A directory with the demo network plus `hook-provider` (unit pflop, 1:1), under these limits. */
export function ledgerNetwork(hookUrl: string, limits: Record<string, number>) {
  const dir = mkdtempSync(join(tmpdir(), "oct-ledger-"));
  const config = JSON.parse(readFileSync(`${ROOT}config/demo/network.json`, "utf8"));
  config.providers.push({
    id: "hook-provider",
    adapter: "webhook",
    endpoint: hookUrl,
    // Below the reservation's lifetime, as spec §5.6 requires of every webhook.
    timeout_ms: Math.min(20_000, (limits.reservation_ttl_seconds ?? 60) * 1000 - 1000),
    units: ["pflop"],
  });
  config.tariffs.push({
    carrier: "carrier-a",
    from: H100,
    provider: "hook-provider",
    to: "pflop",
    rate: "1",
    valid_from: "2026-01-01T00:00:00Z",
  });
  config.limits = limits;
  const configPath = join(dir, "network.json");
  writeFileSync(configPath, JSON.stringify(config));
  /** A variant of the configuration, written next to it. */
  const variant = (name: string, change: (config: any) => void) => {
    const copy = structuredClone(config);
    change(copy);
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(copy));
    return path;
  };
  return { dir, configPath, variant };
}

/** Gateway processes started by a test file, all stopped by `stopAll`. */
export function gatewayProcesses(dir: string, configPath: string) {
  const running: Running[] = [];
  return {
    async start(db: string, config = configPath): Promise<Running> {
      const g = await startNodeGateway({ OCT_CONFIG: config, OCT_DB: join(dir, db) });
      running.push(g);
      return g;
    },
    stopAll: () => Promise.all(running.splice(0).map((r) => r.stop("SIGKILL"))),
  };
}

export async function carrierAToken(amount: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return mintToken(
    {
      iss: "https://tokens.carrier-a.example",
      sub: "acct-e2e",
      iat: now,
      exp: now + 3600,
      jti: `proc-${Math.random().toString(36).slice(2)}`,
      oct: { ver: "0.1", amount, unit: H100 },
    },
    carrierA,
  );
}

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

export const redeemAt = (url: string, body: unknown, key: string) =>
  postJson(`${url}/v1/redemptions`, body, { "idempotency-key": key });

export const balanceAt = async (url: string, token: string) =>
  (await (await postJson(`${url}/v1/balance`, { token })).json()) as Record<
    string,
    { amount: string }
  >;
