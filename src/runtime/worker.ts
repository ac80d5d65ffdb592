/**
 * @module The Cloudflare Workers entry point. The network configuration is
 * the `OCT_CONFIG` binding (a JSON string var or secret, or a JSON object
 * var); without it, the demo network bundled from config/demo/. The ledger
 * is one Durable Object per token (`TokenLedger`): its home ledger and, at a
 * visited gateway, the holder of its grants, reporting their usage from its
 * alarm (spec §11). Settlement, the generated receipt key and the index of
 * grants live in the `SettlementBook` object.
 */
import { webCryptoSignatures } from "../adapters/crypto/web-crypto-signatures.ts";
import { CacheApiDocumentStore } from "../adapters/http/cache-api-store.ts";
import { RemoteStatusLists } from "../adapters/status/remote-status-lists.ts";
import {
  durableObjectAssertionJtis,
  durableObjectGrantLedger,
  durableObjectLedger,
  durableObjectSettlements,
} from "../adapters/ledger/durable-object/ports.ts";
import { providerAdapters } from "../adapters/providers/registry.ts";
import { VisitedGrants } from "../core/federation/visited-service.ts";
import { ConfigError } from "../core/network/config.ts";
import { VerifiedTokenCache } from "../core/token/verified-cache.ts";
import { createGateway } from "../gateway/app.ts";
import { systemClock } from "../ports/clock.ts";
import { workerServices, type Env, type WorkerServices } from "./worker-services.ts";

export { TokenLedger } from "./worker-token-ledger.ts";
export { SettlementBook } from "../adapters/ledger/durable-object/settlement-book.ts";
export type { Env };

let built: { services: WorkerServices; app: ReturnType<typeof createGateway> } | undefined;

/** One app per isolate and configuration: building it checks the whole configuration. */
function appFor(env: Env): ReturnType<typeof createGateway> {
  const services = workerServices(env);
  if (built?.services === services) return built.app;
  const { network, keys, receiptKeys, homeLink } = services;
  // Federation (spec §11): each token's object is its home ledger and holds its grants.
  const grants = homeLink ? durableObjectGrantLedger(env) : undefined;
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
    receiptKeys,
    adapterFor: providerAdapters(),
    logger: { error: (message, error) => console.error(message, error) },
    ...(homeLink && grants
      ? {
          grants,
          federation: new VisitedGrants({
            ...homeLink,
            ledger: grants,
            log: (message) => console.log(message),
          }),
        }
      : {}),
  });
  built = { services, app };
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
