import { testGateway } from "../../support/gateway.ts";
import { defineVerifiedCacheSuite } from "../../support/verified-cache-suite.ts";

// The gateway as `npm start` composes it (`nodePorts`), its cache included.
defineVerifiedCacheSuite((options) => testGateway(options));
