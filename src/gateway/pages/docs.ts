/**
 * @module The API reference page (`GET /docs`): Scalar's API reference
 * (`@scalar/api-reference`, vendored in `assets/api-reference.js`) rendering
 * `/openapi.json`, with its request samples (curl, JavaScript and more), its
 * examples and its "Test Request" client sending to this gateway. Served
 * from this origin only: no CDN, no web fonts, none of Scalar's hosted
 * services (agent, MCP, proxy, telemetry), so it works offline.
 */
import { API_REFERENCE_BUNDLE } from "./assets/api-reference.js";
import { pageDocument } from "./page.ts";
import { SHELL_STYLES } from "./styles.ts";

/** Where the gateway serves the renderer; the version in the path lets browsers keep it. */
export const API_REFERENCE_SCRIPT = `/docs/scalar-${API_REFERENCE_BUNDLE.version}.js`;

/** Scalar's configuration: https://github.com/scalar/scalar (documentation/configuration.md). */
const CONFIGURATION = {
  url: "/openapi.json",
  // Gateways run offline: nothing of Scalar's hosted services, no font CDN.
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  hideClientButton: true,
  showDeveloperTools: "never",
  documentDownloadType: "json",
  // The samples people ask for first, curl selected.
  defaultHttpClient: { targetKey: "shell", clientKey: "curl" },
  featuredClients: ["shell/curl", "js/fetch", "node/fetch", "python/requests", "go/native"],
  hiddenClients: { shell: ["httpie", "wget"], node: ["request", "unirest"], js: ["jquery"] },
  hideDarkModeToggle: true,
  defaultOpenAllTags: true,
  expandAllResponses: false,
  orderRequiredPropertiesFirst: true,
  operationTitleSource: "summary",
  showOperationId: false,
  persistAuth: false,
};

const DOCS_STYLES = `
.bar { position: sticky; top: 0; z-index: 100; height: var(--scalar-custom-header-height); }
.bar .wrap, .bar nav { flex-wrap: nowrap; white-space: nowrap; overflow-x: auto; }
:root { --scalar-custom-header-height: 3rem; }
@media (max-width: 30rem) { .brand { display: none; } .bar { font-size: 0.875rem; } .bar nav { gap: 0.75rem; } }
#main:focus { outline: none; }
`;

const SCRIPT = `
"use strict";
(function () {
  var app = document.getElementById("app");
  if (!window.Scalar) {
    app.textContent = "The API reference renderer could not be loaded: the API is described in /openapi.json.";
    return;
  }
  window.Scalar.createApiReference(app, ${JSON.stringify(CONFIGURATION)});
})();
`;

/** The API reference page, served at `GET /docs`. */
export const DOCS_HTML = pageDocument({
  title: "API reference",
  current: "/docs",
  styles: SHELL_STYLES + DOCS_STYLES,
  body: `<main id="main" tabindex="-1">
<h1 class="visually-hidden">API reference</h1>
<div id="app"></div>
<noscript><p class="wrap">The API reference needs JavaScript; the API is described in <a href="/openapi.json">/openapi.json</a>.</p></noscript>
</main>`,
  assets: [API_REFERENCE_SCRIPT],
  script: SCRIPT,
});
