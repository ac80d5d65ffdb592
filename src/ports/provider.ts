/**
 * @module How a redemption reaches its provider (`spec/oct.md` §5.3). An
 * adapter accepts or throws an `OctError` `provider_unavailable`; the
 * gateway releases the reservation on any failure. Providers MUST treat a
 * redemption id they have seen as a repeat (retries resume redemptions).
 */
import type { RedemptionRecord } from "../core/redemption/record.ts";

export interface ProviderAdapter {
  deliver(redemption: RedemptionRecord, receipt: string): Promise<void>;
}
