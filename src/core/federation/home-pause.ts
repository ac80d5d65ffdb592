/**
 * @module The pause after a failed grant request (`spec/oct.md` §11.9,
 * `home_retry_seconds`): a home that just failed is not asked again until
 * the pause ends, so a down home costs each redemption nothing but a quick
 * `home_unavailable` with the time left as its Retry-After. Kept in memory:
 * per process on Node, per isolate on Workers, which only makes the pause
 * apply less often, never a redemption unbacked.
 */
import { OctError } from "../errors.ts";
import type { Clock } from "../../ports/clock.ts";

export class HomePause {
  /** Per home id, when it may be asked again (ms since the epoch). */
  private readonly until = new Map<string, number>();
  private readonly clock: Clock;
  private readonly seconds: number;

  constructor(clock: Clock, seconds: number) {
    this.clock = clock;
    this.seconds = seconds;
  }

  /** Throws `home_unavailable` while `home` is paused. */
  check(home: string): void {
    const end = this.until.get(home);
    if (end === undefined) return;
    const left = end - this.clock.now();
    if (left <= 0) {
      this.until.delete(home);
      return;
    }
    throw new OctError("home_unavailable", `the token's home ${home} failed moments ago`, {
      retryAfterSeconds: Math.ceil(left / 1000),
    });
  }

  /** The home failed: pause it for `home_retry_seconds`, or the longer Retry-After it gave. */
  failed(home: string, retryAfterSeconds = 0): void {
    const pause = Math.max(this.seconds, retryAfterSeconds) * 1000;
    this.until.set(home, this.clock.now() + pause);
  }

  /** The home answered: no pause. */
  answered(home: string): void {
    this.until.delete(home);
  }
}
