/**
 * @module Everything the gateway app needs from its runtime, handed to the
 * factory so the same app runs on Node and on Workers.
 */
import type { Network } from "../core/network/config.ts";
import type { Clock } from "../ports/clock.ts";
import type { KeySource } from "../ports/keys.ts";
import type { Logger } from "./env.ts";

export interface GatewayPorts {
  network: Network;
  keys: KeySource;
  clock: Clock;
  logger?: Logger;
}
