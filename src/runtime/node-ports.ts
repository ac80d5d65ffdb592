/**
 * @module The Node.js composition of the gateway's ports: SQLite ledger,
 * settlement store, receipt key and assertion jtis in one file, inline and
 * fetched carrier keys, carriers' status lists, signatures checked with
 * `node:crypto` on the calling thread (without Web Crypto's thread-pool round
 * trip, `bench/README.md`), the verified-token cache of this configuration
 * (spec §6.4), the provider
 * adapters, and the ledger's background work: recovery of lapsed
 * reservations, the purge of expired quotes, WAL checkpoints.
 */
import { nodeCryptoSignatures } from "../adapters/crypto/node-signatures.ts";
import { FetchPeerClient } from "../adapters/peers/fetch-peer-client.ts";
import { VisitedGrants } from "../core/federation/visited-service.ts";
import { CarrierKeys } from "../adapters/keys/carrier-keys.ts";
import { RemoteJwks } from "../adapters/keys/remote-jwks.ts";
import { RemoteStatusLists } from "../adapters/status/remote-status-lists.ts";
import { SqlAssertionJtis } from "../adapters/ledger/sql/assertion-jtis.ts";
import { SqlKeyStore } from "../adapters/ledger/sql/key-store.ts";
import { ALL_MIGRATIONS } from "../adapters/ledger/sql/schema.ts";
import { SqlLedger } from "../adapters/ledger/sql/sql-ledger.ts";
import { SqlSettlementStore } from "../adapters/ledger/sql/settlement-store.ts";
import { openSqlite } from "../adapters/ledger/sqlite/node-sqlite.ts";
import { providerAdapters } from "../adapters/providers/registry.ts";
import {
  configuredReceiptKeys,
  generatedReceiptKeys,
} from "../adapters/receipt-keys/receipt-keys.ts";
import { isOctError } from "../core/errors.ts";
import { VerifiedTokenCache } from "../core/token/verified-cache.ts";
import type { PrivateJwk } from "../core/signing/keys.ts";
import type { Network } from "../core/network/config.ts";
import type { GatewayPorts } from "../gateway/ports.ts";
import { systemClock, type Clock } from "../ports/clock.ts";

export interface NodePortsOptions {
  network: Network;
  /** SQLite file, or ":memory:". */
  dbPath: string;
  clock?: Clock;
  fetch?: typeof fetch;
}

export interface NodePorts extends GatewayPorts {
  ledger: SqlLedger;
  settlements: SqlSettlementStore;
  /** Releases lapsed reservations now; returns how many. `ledger_busy` while another process holds the lock. */
  recover(): Promise<number>;
  /** Deletes expired quotes and checkpoints the log into the database, truncating it. */
  upkeep(): Promise<void>;
  /**
   * Runs recovery now and every `everyMs`, and upkeep every second, until
   * `stop`. A turn the ledger refuses (busy) is reported to `log` and tried
   * again at the next; none ever throws.
   */
  startRecovery(everyMs: number, log: (message: string) => void): { stop(): void };
  /** Sends the visited gateway's pending grant requests and usage reports now (spec §11.9). */
  reportGrants(): Promise<void>;
  close(): void;
}

/** Runs `task` every `ms`, skipping a turn while the previous one still runs. */
function every(ms: number, task: () => Promise<void>): () => void {
  let running = false;
  const turn = () => {
    if (running) return;
    running = true;
    void task().finally(() => (running = false));
  };
  const timer = setInterval(turn, ms);
  (timer as { unref?: () => void }).unref?.();
  turn();
  return () => clearInterval(timer);
}

/**
 * How often recovery runs (spec §8.6): twice per the shortest hold lifetime,
 * so a lapsed reservation or authorisation is released within half its
 * lifetime of lapsing, and at most once a second.
 */
export function recoveryEveryMs(limits: Network["limits"]): number {
  const shortest = Math.min(limits.reservation_ttl_seconds, limits.authorization_ttl_seconds);
  return Math.max(1000, (shortest * 1000) / 2);
}

const isBusy = (error: unknown) => isOctError(error) && error.code === "ledger_busy";

export function nodePorts(options: NodePortsOptions): NodePorts {
  const { network } = options;
  const clock = options.clock ?? systemClock;
  const sqlite = openSqlite(options.dbPath, {
    migrations: ALL_MIGRATIONS,
    lockTimeoutMs: network.limits.ledger_lock_timeout_ms,
  });
  const settlements = new SqlSettlementStore(sqlite.driver);
  const ledger = new SqlLedger(sqlite.driver, settlements);
  const configured = network.document.gateway.receipt_keys?.keys as PrivateJwk[] | undefined;
  const receiptKeys = configured?.length
    ? configuredReceiptKeys(configured)
    : generatedReceiptKeys(new SqlKeyStore(sqlite.driver));
  const keys = new CarrierKeys(
    new RemoteJwks({
      clock,
      limits: network.limits,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
  );
  // Federation (spec §11): a visited gateway's grants, when the network lists peers.
  const federation =
    network.peers.length > 0
      ? new VisitedGrants({
          network,
          keys,
          clock,
          ledger,
          peers: new FetchPeerClient(network.federation, options.fetch),
          signingKey: () => receiptKeys.signingKey(),
          log: (message) => console.log(message),
        })
      : undefined;
  const reportGrants = async () => federation?.reportAll(ledger);
  const recover = () => ledger.recover(clock.now());
  const upkeep = async () => {
    await ledger.purgeQuotes(clock.now());
    await ledger.purgeProofs(clock.now());
    sqlite.checkpoint();
  };
  return {
    network,
    clock,
    keys,
    statusLists: new RemoteStatusLists({
      clock,
      limits: network.limits,
      keys,
      signatures: nodeCryptoSignatures,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
    signatures: nodeCryptoSignatures,
    verifiedTokens: new VerifiedTokenCache(network.limits),
    ledger,
    settlements,
    assertions: new SqlAssertionJtis(sqlite.driver),
    receiptKeys,
    adapterFor: providerAdapters(options.fetch),
    ...(network.peers.length > 0 ? { grants: ledger } : {}),
    ...(federation ? { federation } : {}),
    reportGrants,
    recover,
    upkeep,
    startRecovery(everyMs, log) {
      const stops = [
        every(everyMs, async () => {
          try {
            const released = await recover();
            if (released > 0) log(`oct: released ${released} lapsed reservation(s)`);
          } catch (error) {
            const why = isBusy(error) ? "postponed" : "failed";
            log(
              `oct: recovery ${why} (${(error as Error).message}); trying again in ${everyMs} ms`,
            );
          }
        }),
        // Grant requests and usage reports (spec §11.9): each grant's turn comes every second.
        every(1000, async () => {
          try {
            await reportGrants();
          } catch (error) {
            if (!isBusy(error)) log(`oct: reporting grants failed: ${(error as Error).message}`);
          }
        }),
        every(1000, async () => {
          try {
            await upkeep();
          } catch (error) {
            // Busy: the next second tries again; anything else is worth a line.
            if (!isBusy(error)) log(`oct: ledger upkeep failed: ${(error as Error).message}`);
          }
        }),
      ];
      return { stop: () => stops.forEach((stop) => stop()) };
    },
    close: () => sqlite.close(),
  };
}
