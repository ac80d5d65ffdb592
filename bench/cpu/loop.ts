/**
 * @module Timed loops for operations per second on one core: a synchronous
 * one (the raw limit) and an asynchronous one keeping a fixed number of
 * operations in flight (a server has many requests in flight). Both stop at
 * their time or their count, whichever comes first.
 */

export interface LoopResult {
  ops: number;
  seconds: number;
  perSecond: number;
}

const BATCH = 32;

function result(ops: number, started: number): LoopResult {
  const seconds = (performance.now() - started) / 1000;
  return { ops, seconds, perSecond: ops / seconds };
}

/** Runs `op` in batches until `seconds` or `maxOps`; `op` must return true. */
export function syncLoop(op: () => boolean, seconds: number, maxOps: number): LoopResult {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let ops = 0;
  while (ops < maxOps && performance.now() < deadline) {
    for (let i = 0; i < BATCH; i++) if (!op()) throw new Error("the operation failed");
    ops += BATCH;
  }
  return result(ops, started);
}

/** Keeps `inFlight` calls of `op` running until `seconds` or `maxOps`. */
export async function asyncLoop(
  op: () => Promise<unknown>,
  seconds: number,
  maxOps: number,
  inFlight: number,
): Promise<LoopResult> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let ops = 0;
  const lane = async () => {
    while (ops < maxOps && performance.now() < deadline) {
      await op();
      ops++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return result(ops, started);
}
