/**
 * @module The gateway's memory of the client assertions it accepted
 * (`spec/oct.md` §7.13 step 6): shared by every process and instance that
 * serves its id (the SQLite ledger on Node, the settlement book's Durable
 * Object on Workers), so an assertion serves one request wherever it is sent.
 */
export interface AssertionJtis {
  /**
   * Records (`party`, `jti`) until `keepUntil` (ms since the epoch) and
   * answers true, or answers false when it is already recorded and not
   * forgotten at `now`. Atomic: of two claims of one pair, one wins.
   */
  claim(party: string, jti: string, keepUntil: number, now: number): Promise<boolean>;
}
