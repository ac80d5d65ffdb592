/**
 * @module The conformance suite's test network with its callback URLs on a
 * free port of this process, so that runs in parallel (this file's tests,
 * the runtimes, the weakened gateways) each have a callback server of their
 * own: the network an implementation loads, and the `callback` the runner
 * listens at.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTestNetwork, VECTORS_DIR } from "../../conformance/runner/load.ts";
import { loadNetwork, type Network } from "../../src/core/network/config.ts";
import { freePort } from "../../scripts/lib/free-port.ts";

export interface ConformanceNetwork {
  /** Where the runner's callback server listens, and the implementation reaches it. */
  callback: string;
  /** The test network document, its callback URLs moved there. */
  document: unknown;
  network: Network;
  /** The document written to a file, for processes that read OCT_CONFIG. */
  path: string;
}

export async function conformanceNetwork(): Promise<ConformanceNetwork> {
  const callback = `http://127.0.0.1:${await freePort()}`;
  const document = loadTestNetwork(VECTORS_DIR, callback);
  const path = join(mkdtempSync(join(tmpdir(), "oct-conformance-network-")), "network.json");
  writeFileSync(path, JSON.stringify(document));
  return { callback, document, network: loadNetwork(document), path };
}
