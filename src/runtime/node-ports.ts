/**
 * @module The Node.js composition of the gateway's ports: SQLite ledger,
 * settlement store and receipt key in one file, inline and fetched carrier
 * keys, signatures checked with `node:crypto` on the calling thread (without
 * Web Crypto's thread-pool round trip, `bench/README.md`), the provider adapters, and recovery of lapsed reservations.
 */
import { nodeCryptoSignatures } from "../adapters/crypto/node-signatures.ts";
import { CarrierKeys } from "../adapters/keys/carrier-keys.ts";
import { RemoteJwks } from "../adapters/keys/remote-jwks.ts";
import { SqlKeyStore } from "../adapters/ledger/sql/key-store.ts";
import { SqlLedger } from "../adapters/ledger/sql/sql-ledger.ts";
import { SqlSettlementStore } from "../adapters/ledger/sql/settlement-store.ts";
import { openSqlite } from "../adapters/ledger/sqlite/node-sqlite.ts";
import { providerAdapters } from "../adapters/providers/registry.ts";
import {
  configuredReceiptKeys,
  generatedReceiptKeys,
} from "../adapters/receipt-keys/receipt-keys.ts";
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
  /** Releases lapsed reservations now; returns how many. */
  recover(): number;
  /** Runs recovery every `everyMs`, and WAL checkpoints every second, until `stop` is called. */
  startRecovery(everyMs: number): { stop(): void };
  close(): void;
}

export function nodePorts(options: NodePortsOptions): NodePorts {
  const { network } = options;
  const clock = options.clock ?? systemClock;
  const { db, driver, checkpoint } = openSqlite(options.dbPath);
  const ledger = new SqlLedger(driver);
  const configured = network.document.gateway.receipt_keys?.keys as PrivateJwk[] | undefined;
  const recover = () => ledger.recover(clock.now());
  return {
    network,
    clock,
    keys: new CarrierKeys(
      new RemoteJwks({
        clock,
        limits: network.limits,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ),
    signatures: nodeCryptoSignatures,
    ledger,
    settlements: new SqlSettlementStore(driver),
    receiptKeys: configured?.length
      ? configuredReceiptKeys(configured)
      : generatedReceiptKeys(new SqlKeyStore(driver)),
    adapterFor: providerAdapters(options.fetch),
    recover,
    startRecovery(everyMs) {
      const timers = [setInterval(recover, everyMs), setInterval(checkpoint, 1000)];
      for (const timer of timers) (timer as { unref?: () => void }).unref?.();
      return { stop: () => timers.forEach(clearInterval) };
    },
    close: () => db.close(),
  };
}
