/**
 * @module The Cloudflare Workers entry point. The network configuration is
 * the `OCT_CONFIG` binding (a JSON string var or secret, or a JSON object
 * var); without it, the demo network bundled from config/demo/. The ledger
 * is one Durable Object per token (`TokenLedger`), settlement and the
 * generated receipt key live in the `SettlementBook` object.
 */
import { webCryptoSignatures } from "../adapters/crypto/web-crypto-signatures.ts";
import { CacheApiDocumentStore } from "../adapters/http/cache-api-store.ts";
import { CarrierKeys } from "../adapters/keys/carrier-keys.ts";
import { RemoteJwks } from "../adapters/keys/remote-jwks.ts";
import { RemoteStatusLists } from "../adapters/status/remote-status-lists.ts";
import type { LedgerBindings } from "../adapters/ledger/durable-object/bindings.ts";
import {
  durableObjectAssertionJtis,
  durableObjectKeyStore,
  durableObjectLedger,
  durableObjectSettlements,
} from "../adapters/ledger/durable-object/ports.ts";
import { providerAdapters } from "../adapters/providers/registry.ts";
import {
  configuredReceiptKeys,
  generatedReceiptKeys,
} from "../adapters/receipt-keys/receipt-keys.ts";
import type { PrivateJwk } from "../core/signing/keys.ts";
import { ConfigError, loadNetwork } from "../core/network/config.ts";
import { VerifiedTokenCache } from "../core/token/verified-cache.ts";
import { createGateway } from "../gateway/app.ts";
import { systemClock } from "../ports/clock.ts";
import demoNetwork from "../../config/demo/network.json" with { type: "json" };

export { TokenLedger } from "../adapters/ledger/durable-object/token-ledger.ts";
export { SettlementBook } from "../adapters/ledger/durable-object/settlement-book.ts";

export interface Env extends LedgerBindings {
  OCT_CONFIG?: string | Record<string, unknown>;
}

let built: { source: unknown; app: ReturnType<typeof createGateway> } | undefined;

/** One app per isolate and configuration: building it checks the whole configuration. */
function appFor(env: Env): ReturnType<typeof createGateway> {
  const source = env.OCT_CONFIG ?? demoNetwork;
  if (built?.source === source) return built.app;
  const document = typeof source === "string" ? JSON.parse(source) : source;
  const network = loadNetwork(document);
  const configured = network.document.gateway.receipt_keys?.keys as PrivateJwk[] | undefined;
  const keys = new CarrierKeys(
    new RemoteJwks({
      clock: systemClock,
      limits: network.limits,
      store: new CacheApiDocumentStore("oct-jwks"),
    }),
  );
  const app = createGateway({
    network,
    clock: systemClock,
    keys,
    statusLists: new RemoteStatusLists({
      clock: systemClock,
      limits: network.limits,
      keys,
      signatures: webCryptoSignatures,
      store: new CacheApiDocumentStore("oct-status-lists"),
    }),
    signatures: webCryptoSignatures,
    // One per isolate and configuration: a new configuration starts empty (spec §6.4).
    verifiedTokens: new VerifiedTokenCache(network.limits),
    ledger: durableObjectLedger(env),
    settlements: durableObjectSettlements(env),
    assertions: durableObjectAssertionJtis(env),
    receiptKeys: configured?.length
      ? configuredReceiptKeys(configured)
      : generatedReceiptKeys(durableObjectKeyStore(env)),
    adapterFor: providerAdapters(),
    logger: { error: (message, error) => console.error(message, error) },
  });
  built = { source, app };
  return app;
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    let app;
    try {
      app = appFor(env);
    } catch (error) {
      // A bad configuration refuses every request, loudly, rather than half-working.
      const detail =
        error instanceof ConfigError ? error.message : `OCT_CONFIG: ${(error as Error).message}`;
      console.error(detail);
      return Response.json(
        {
          type: "urn:oct:error:internal_error",
          title: "Gateway misconfigured",
          status: 500,
          code: "internal_error",
          detail,
        },
        { status: 500, headers: { "content-type": "application/problem+json" } },
      );
    }
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
