/**
 * @module Where a carrier's status lists come from (`spec/oct.md` §6.5):
 * fetched from the URLs its entry allows, checked, cached and refreshed by
 * the runtime's adapter. The core asks for one entry of one list.
 */
import type { Carrier } from "../core/network/config.ts";

export interface StatusListSource {
  /**
   * The status at `idx` of `carrier`'s list at `uri` (a URL its entry
   * allows), or `undefined` when the list has no such index, after the one
   * refresh the cooldown allows. Throws an `OctError` with code
   * `status_unavailable` when no usable list can be had.
   */
  statusOf(carrier: Carrier, uri: string, idx: number): Promise<number | undefined>;
}
