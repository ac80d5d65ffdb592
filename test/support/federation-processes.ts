/**
 * @module Three federated gateway processes for end-to-end tests (`spec/oct.md`
 * §11): A, the home of carrier A's tokens, and B and C, visited gateways,
 * each `npm start` on its own port and its own SQLite file, each knowing the
 * other two as peers. B's and C's requests to A go through a proxy each,
 * which passes, delays or loses them, or kills their sender once the home
 * has answered. Gateways can be killed and started again on the same ledger
 * file. A gateway may run on Workers instead (`wrangler dev`, its ledger in
 * Durable Objects kept in a directory of its own).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAmount } from "../../src/core/amount/decimal.ts";
import { verifyGrantReport, type GrantReport } from "../../src/core/federation/grant-report.ts";
import { checkPublicJwks } from "../../src/core/keys/jwk.ts";
import { generateSigningKey, publicJwks, type PrivateJwk } from "../../src/core/signing/keys.ts";
import { mintToken } from "../../src/core/issuer/mint.ts";
import { makeClientAssertion } from "../../src/core/party/make-assertion.ts";
import { freePort, startNodeGateway, startWranglerDev, type Running } from "./processes.ts";

/** The key of the gateways' one operator, `ops`, which reads their settlement reports. */
const OPERATOR_KEY = generateSigningKey("EdDSA");

export const ISSUER = "https://tokens.carrier-a.example";
export const TOKEN_UNIT = "gpu-second:h100-sxm";
export const CREDIT_UNIT = "gpu-second:a100-sxm";
export const PROVIDER = "edge";

export type Name = "A" | "B" | "C";

export interface FederationSettings {
  limits?: Record<string, number>;
  federation?: Record<string, number>;
  /** The gateways that run on Workers (`wrangler dev`) rather than Node (`npm start`). */
  workers?: Name[];
}

export interface GatewayProcess {
  name: Name;
  id: string;
  url: string;
  config: string;
  /** The SQLite file on Node; the Durable Objects' directory on Workers. */
  db: string;
  runtime: "node" | "workers";
  running?: Running;
}

/**
 * What the proxy does with one request to the home: pass it, delay it, lose
 * it before or after the home saw it, or SIGKILL its sender once the home
 * has answered (killed while it reports, the answer never read).
 */
export type Fate =
  | { kind: "pass"; delayMs?: number }
  | { kind: "drop-request" }
  | { kind: "drop-answer" }
  | { kind: "kill-sender" };

/** The visited gateways, each reaching the home through its own proxy. */
const VISITED: Name[] = ["B", "C"];

export class FederatedProcesses {
  readonly gateways: Record<Name, GatewayProcess>;
  readonly carrierKey: PrivateJwk;
  private readonly proxies: Server[] = [];
  /** Requests the proxies hold now (read, sent on, or waiting for their answer). */
  private inFlight = 0;
  /** Decides each request from B or C (`from`) to A, by its path (default: pass). */
  fate: (from: Name, path: string) => Fate = () => ({ kind: "pass" });

  private constructor(gateways: Record<Name, GatewayProcess>, carrierKey: PrivateJwk) {
    this.gateways = gateways;
    this.carrierKey = carrierKey;
  }

  /** Writes the three configurations; starts nothing. */
  static async create(settings: FederationSettings = {}): Promise<FederatedProcesses> {
    const dir = mkdtempSync(join(tmpdir(), "oct-federation-"));
    const operatorKey = await OPERATOR_KEY;
    const [carrierKey, ...gatewayKeys] = await Promise.all(
      [0, 1, 2, 3].map(() => generateSigningKey("EdDSA")),
    );
    const names: Name[] = ["A", "B", "C"];
    const ports = await Promise.all(names.map(() => freePort()));
    const proxyPorts = await Promise.all(VISITED.map(() => freePort()));
    const gateways = Object.fromEntries(
      names.map((name, i) => {
        const url = `http://127.0.0.1:${ports[i]}`;
        return [
          name,
          {
            name,
            id: url,
            url,
            config: join(dir, `${name}.json`),
            db: join(dir, `${name}.db`),
            runtime: settings.workers?.includes(name) ? "workers" : "node",
          },
        ];
      }),
    ) as Record<Name, GatewayProcess>;
    const proxyUrl = (from: Name) => `http://127.0.0.1:${proxyPorts[VISITED.indexOf(from)]}`;
    names.forEach((name, i) => {
      const peers = names
        .filter((other) => other !== name)
        .map((other) => ({
          id: gateways[other].id,
          // The visited gateways reach the home through their proxies.
          url: other === "A" ? proxyUrl(name) : gateways[other].url,
          jwks: publicJwks([gatewayKeys[names.indexOf(other)]!]),
        }));
      const document = {
        gateway: {
          id: gateways[name].id,
          receipt_keys: { keys: [gatewayKeys[i]] },
          operators: [{ id: "ops", jwks: publicJwks([operatorKey]) }],
        },
        carriers: [
          {
            id: "carrier-a",
            issuer: ISSUER,
            jwks: publicJwks([carrierKey!]),
            algorithms: ["EdDSA"],
            status: "active",
            homes: [gateways.A.id],
          },
        ],
        providers: [{ id: PROVIDER, adapter: "ledger", units: [CREDIT_UNIT] }],
        tariffs: [
          {
            carrier: "carrier-a",
            from: TOKEN_UNIT,
            provider: PROVIDER,
            to: CREDIT_UNIT,
            rate: "1",
            valid_from: "2020-01-01T00:00:00Z",
          },
        ],
        peers,
        ...(settings.limits ? { limits: settings.limits } : {}),
        ...(settings.federation ? { federation: settings.federation } : {}),
      };
      writeFileSync(gateways[name].config, JSON.stringify(document));
    });
    const processes = new FederatedProcesses(gateways, carrierKey!);
    for (const [i, from] of VISITED.entries()) {
      const proxy = createServer((request, response) => processes.forward(from, request, response));
      processes.proxies.push(proxy);
      await new Promise<void>((resolve) => proxy.listen(proxyPorts[i], "127.0.0.1", resolve));
    }
    return processes;
  }

  /** The proxy from `from` to A: each request meets its fate. */
  private forward(
    from: Name,
    request: import("node:http").IncomingMessage,
    response: import("node:http").ServerResponse,
  ) {
    const fate = this.fate(from, new URL(request.url ?? "/", this.gateways.A.url).pathname);
    if (fate.kind === "drop-request") {
      request.socket.destroy();
      return;
    }
    // Counted until this proxy is done with it (answered, lost, or its sender killed).
    this.inFlight++;
    let counted = true;
    const done = () => {
      if (counted) this.inFlight--;
      counted = false;
    };
    let ended = false;
    request.on("close", () => {
      if (!ended) done(); // the sender went away before its request was read
    });
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      ended = true;
      const send = () => {
        const target = new URL(request.url ?? "/", this.gateways.A.url);
        const upstream = httpRequest(
          target,
          { method: request.method, headers: request.headers },
          (answer) => {
            const body: Buffer[] = [];
            answer.on("data", (chunk: Buffer) => body.push(chunk));
            answer.on("end", () => {
              if (fate.kind === "drop-answer") {
                response.socket?.destroy();
                done();
              } else if (fate.kind === "kill-sender") {
                void this.stop(from).then(() => {
                  response.socket?.destroy();
                  done();
                });
              } else {
                response.writeHead(answer.statusCode ?? 502, answer.headers);
                response.end(Buffer.concat(body));
                done();
              }
            });
          },
        );
        upstream.on("error", () => {
          response.socket?.destroy();
          done();
        });
        upstream.end(Buffer.concat(chunks));
      };
      const delay = fate.kind === "pass" ? (fate.delayMs ?? 0) : 0;
      if (delay > 0) setTimeout(send, delay);
      else send();
    });
  }

  async start(name: Name): Promise<void> {
    const gateway = this.gateways[name];
    if (gateway.running) return;
    if (gateway.runtime === "workers") {
      mkdirSync(gateway.db, { recursive: true });
      gateway.running = await startWranglerDev(
        { OCT_CONFIG: readFileSync(gateway.config, "utf8") },
        { port: Number(new URL(gateway.url).port), persistTo: gateway.db },
      );
      return;
    }
    gateway.running = await startNodeGateway({
      PORT: new URL(gateway.url).port,
      OCT_CONFIG: gateway.config,
      OCT_DB: gateway.db,
    });
  }

  /** Starts every gateway that is not running. */
  async startStopped(): Promise<void> {
    const stopped = (["A", "B", "C"] as Name[]).filter((name) => !this.gateways[name].running);
    await Promise.all(stopped.map((name) => this.start(name)));
  }

  /** Resolves once no request is inside a proxy (a delayed one, or one whose sender is to be killed). */
  async proxiesIdle(): Promise<void> {
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  async startAll(): Promise<void> {
    await Promise.all((["A", "B", "C"] as Name[]).map((name) => this.start(name)));
  }

  /** Stops a gateway: SIGKILL by default, as a crash would. */
  async stop(name: Name, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    await this.gateways[name].running?.stop(signal);
    this.gateways[name].running = undefined;
  }

  async close(): Promise<void> {
    await Promise.all((["A", "B", "C"] as Name[]).map((name) => this.stop(name, "SIGTERM")));
    await Promise.all(
      this.proxies.map(
        (proxy) =>
          new Promise<void>((resolve) => {
            proxy.closeAllConnections();
            proxy.close(() => resolve());
          }),
      ),
    );
  }

  /** A carrier A token of `amount` homed at A. */
  token(
    amount: string,
    jti = `t-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return mintToken(
      {
        iss: ISSUER,
        sub: "acct-federation",
        iat: now - 5,
        exp: now + 3600,
        jti,
        oct: { ver: "0.1", amount, unit: TOKEN_UNIT, home: this.gateways.A.id },
      },
      this.carrierKey,
    );
  }
}

export interface RedemptionAnswer {
  status: number;
  body: { id?: string; code?: string; receipt?: string; debited?: { amount: string } };
}

/** One redemption of `amount` credit units at `url`, with its own idempotency key. */
export async function redeemAt(
  url: string,
  token: string,
  amount: string,
  key: string,
): Promise<RedemptionAnswer> {
  const response = await fetch(`${url}/v1/redemptions`, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify({ token, provider: PROVIDER, amount, unit: CREDIT_UNIT }),
  });
  return { status: response.status, body: (await response.json()) as RedemptionAnswer["body"] };
}

/** What a gateway's own settlement entries total for carrier A, in the token's unit (atto-units). */
export async function settledAt(url: string): Promise<bigint> {
  // The books answer their operator only (spec §7.13); each gateway's id is its URL here.
  const assertion = await makeClientAssertion({
    party: "operator:ops",
    key: await OPERATOR_KEY,
    gateway: url,
  });
  const response = await fetch(
    `${url}/v1/settlements?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`,
    { headers: { authorization: `Bearer ${assertion}` } },
  );
  const report = (await response.json()) as { totals: { debited: string }[] };
  let total = 0n;
  for (const t of report.totals) total += parseAmount(t.debited)!;
  return total;
}

/** A gateway's signed grant report of all time (spec §11.8), verified with its published keys. */
export async function grantReportOf(g: FederatedProcesses, name: Name): Promise<GrantReport> {
  const url = `${g.gateways[name].url}/v1/grants?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`;
  const report = await (await fetch(url)).json();
  const jwks = await (await fetch(`${g.gateways[name].url}/.well-known/jwks.json`)).json();
  const checked = checkPublicJwks(jwks, 32);
  if ("error" in checked) throw new Error(checked.error);
  return verifyGrantReport(report, { id: g.gateways[name].id, keys: checked.keys });
}
