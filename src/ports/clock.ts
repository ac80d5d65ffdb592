/**
 * @module Time, injected: the core never reads the system clock, so tests
 * can freeze it and every runtime can supply its own.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
