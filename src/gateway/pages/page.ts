/**
 * @module Serving a gateway page: its inline `<script>` and `<style>` are
 * allowed by hash in a strict Content-Security-Policy, scripts it loads only
 * from this origin, and requests go nowhere but this origin.
 */
import type { Context } from "hono";
import type { GatewayEnv } from "../env.ts";

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  return btoa(String.fromCharCode(...digest));
}

async function hashesOf(html: string, element: "script" | "style"): Promise<string[]> {
  const pattern = new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, "g");
  return Promise.all(
    [...html.matchAll(pattern)].map(async (match) => `'sha256-${await sha256Base64(match[1]!)}'`),
  );
}

/** What a page may load beyond its own inline code. */
export interface PagePolicy {
  /** Scripts from this origin (`<script src="/…">`): the page's bundled assets. */
  selfScripts?: boolean;
  /**
   * Any inline style. Scalar's renderer injects style elements (its theme,
   * its toasts) that carry no nonce and whose text changes with the theme,
   * so neither a nonce nor hashes can admit them; styles run no code, and
   * scripts stay limited to this origin and the page's own hash.
   */
  inlineStyles?: boolean;
}

/** The policy of a page: its own inline code by hash, requests to this origin only. */
export async function contentSecurityPolicy(
  html: string,
  policy: PagePolicy = {},
): Promise<string> {
  const scripts = [...(policy.selfScripts ? ["'self'"] : []), ...(await hashesOf(html, "script"))];
  const styles = policy.inlineStyles ? ["'unsafe-inline'"] : await hashesOf(html, "style");
  return [
    "default-src 'none'",
    `script-src ${scripts.join(" ") || "'none'"}`,
    `style-src ${styles.join(" ") || "'none'"}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * A handler answering with the page; the policy is computed once, on first use.
 *
 * @example
 * app.get("/", htmlPage(INSPECTOR_HTML));
 */
export function htmlPage(
  html: string,
  policy: PagePolicy = {},
): (c: Context<GatewayEnv>) => Promise<Response> {
  let csp: Promise<string> | undefined;
  return async (c) => {
    csp ??= contentSecurityPolicy(html, policy);
    return c.html(html, 200, {
      "content-security-policy": await csp,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-cache",
    });
  };
}

/** The pages of the gateway, in the order of the navigation bar. */
const PAGES = [
  { href: "/", label: "Token inspector" },
  { href: "/docs", label: "API reference" },
  { href: "/openapi.json", label: "OpenAPI document" },
] as const;

/**
 * A page's whole document: head, the skip link and navigation bar shared by
 * every page (marking `current`), the page's body, the bundled scripts it
 * loads from this origin and its inline script.
 */
export function pageDocument(page: {
  title: string;
  current: "/" | "/docs";
  styles: string;
  body: string;
  script: string;
  /** Same-origin script URLs, loaded in order before the inline script. */
  assets?: readonly string[];
}): string {
  const nav = PAGES.map(
    (p) =>
      `<a href="${p.href}"${p.href === page.current ? ' aria-current="page"' : ""}>${p.label}</a>`,
  ).join("\n");
  const assets = (page.assets ?? []).map((src) => `<script src="${src}"></script>\n`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${page.title} · OCT gateway</title>
<style>${page.styles}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="bar"><div class="wrap">
<span class="brand">OCT gateway</span>
<nav aria-label="Pages">
${nav}
</nav>
</div></header>
${page.body}
${assets}<script>${page.script}</script>
</body>
</html>
`;
}
