/**
 * @module Serving a self-contained HTML page: its inline `<script>` and
 * `<style>` are allowed by hash in a strict Content-Security-Policy, so the
 * page can run nothing but its own code and fetch nothing but this origin.
 */
import type { Context } from "hono";
import type { GatewayEnv } from "../env.ts";

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  return btoa(String.fromCharCode(...digest));
}

async function hashesOf(html: string, element: "script" | "style"): Promise<string> {
  const pattern = new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, "g");
  const hashes = await Promise.all(
    [...html.matchAll(pattern)].map(async (match) => `'sha256-${await sha256Base64(match[1]!)}'`),
  );
  return hashes.length > 0 ? hashes.join(" ") : "'none'";
}

/** The policy of a page: its own inline code by hash, requests to this origin only. */
export async function contentSecurityPolicy(html: string): Promise<string> {
  return [
    "default-src 'none'",
    `script-src ${await hashesOf(html, "script")}`,
    `style-src ${await hashesOf(html, "style")}`,
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
export function htmlPage(html: string): (c: Context<GatewayEnv>) => Promise<Response> {
  let policy: Promise<string> | undefined;
  return async (c) => {
    policy ??= contentSecurityPolicy(html);
    return c.html(html, 200, {
      "content-security-policy": await policy,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-cache",
    });
  };
}
