/**
 * @module Serving a bundled, gzip'd script (a page's renderer) from memory,
 * the same on Node and Workers: the gzip'd bytes as they are to any browser
 * (all accept gzip), inflated for a client that does not, and a 304 for a
 * copy the client already holds.
 */
import type { Context } from "hono";
import type { GatewayEnv } from "../env.ts";

export interface GzipAsset {
  /** The asset gzip'd, in base64 (how a module can carry bytes on both runtimes). */
  gzipBase64: string;
  /** A digest of the uncompressed asset: its entity tag. */
  sha256: string;
  contentType: string;
}

function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Whether an `Accept-Encoding` field value accepts gzip (RFC 9110 §12.5.3). */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? "").split(",").some((coding) => {
    const [name, ...params] = coding.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return (name === "gzip" || name === "x-gzip") && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/**
 * A handler answering with the asset; its bytes are decoded on first use.
 *
 * @example
 * app.get("/docs/api-reference.js", gzipAsset({ gzipBase64, sha256, contentType: "text/javascript" }));
 */
export function gzipAsset(asset: GzipAsset): (c: Context<GatewayEnv>) => Promise<Response> {
  let gzipped: Uint8Array<ArrayBuffer> | undefined;
  const etag = `"${asset.sha256}"`;
  return async (c) => {
    const headers = new Headers({
      "content-type": asset.contentType,
      etag,
      "cache-control": "public, max-age=86400",
      "x-content-type-options": "nosniff",
      vary: "accept-encoding",
    });
    if (c.req.header("if-none-match") === etag) return new Response(null, { status: 304, headers });
    gzipped ??= bytesOf(asset.gzipBase64);
    if (!acceptsGzip(c.req.header("accept-encoding"))) {
      const inflated = new Blob([gzipped]).stream().pipeThrough(new DecompressionStream("gzip"));
      return new Response(inflated, { status: 200, headers });
    }
    headers.set("content-encoding", "gzip");
    headers.set("content-length", String(gzipped.length));
    // Workers compress a body whose Content-Encoding names a coding, unless
    // told it is already encoded ("manual"); Node ignores the member.
    return new Response(gzipped, { status: 200, headers, encodeBody: "manual" } as ResponseInit);
  };
}
