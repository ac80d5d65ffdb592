/**
 * @module The `webhook` provider adapter (`spec/oct.md` §8.7): POST the
 * receipt to the provider; a 2xx within the timeout accepts. Any other
 * status (a redirect included, never followed) is a refusal (502); a
 * timeout or a connection failure is 503.
 */
import { OctError } from "../../core/errors.ts";
import { DEFAULT_WEBHOOK_TIMEOUT_MS, type Provider } from "../../core/network/config.ts";
import type { ProviderAdapter } from "../../ports/provider.ts";

export function webhookAdapter(
  provider: Provider,
  fetchImpl: typeof fetch = fetch,
): ProviderAdapter {
  const endpoint = provider.endpoint!;
  const timeout = provider.timeout_ms ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  return {
    async deliver(redemption, receipt) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeout);
      let response: Response;
      try {
        response = await fetchImpl(endpoint, {
          method: "POST",
          headers: {
            "content-type": "application/oct-receipt+jwt",
            "oct-redemption-id": redemption.id,
          },
          body: receipt,
          redirect: "manual",
          signal: controller.signal,
        });
        // The body is ignored, but read it so the connection can be reused.
        await response.arrayBuffer().catch(() => undefined);
      } catch (error) {
        const reason = controller.signal.aborted ? `no answer within ${timeout} ms` : "unreachable";
        throw new OctError("provider_unavailable", `provider ${provider.id}: ${reason}`, {
          status: 503,
          cause: error,
        });
      } finally {
        clearTimeout(timer);
      }
      if (response.status < 200 || response.status > 299) {
        throw new OctError(
          "provider_unavailable",
          `provider ${provider.id} answered ${response.status}`,
          { status: 502 },
        );
      }
    },
  };
}
