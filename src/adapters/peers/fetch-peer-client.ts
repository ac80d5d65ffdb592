/**
 * @module The PeerClient of both runtimes, on `fetch` (Node.js 22 and
 * Workers have the same one): requests to a peer's configured `url` only,
 * bounded by `peer_timeout_ms` until the whole answer is read, redirects
 * never followed, answers read up to `peer_max_bytes` and parsed as strict
 * JSON (`spec/oct.md` §5.10).
 */
import { parseStrictJson } from "../../core/json/strict-json.ts";
import type { Federation, Peer } from "../../core/network/peers.ts";
import {
  PeerUnreachable,
  type PeerAnswer,
  type PeerClient,
  type PeerRequest,
} from "../../ports/peer-client.ts";
import { readCapped } from "../http/read-capped.ts";

export class FetchPeerClient implements PeerClient {
  private readonly settings: Pick<Federation, "peer_timeout_ms" | "peer_max_bytes">;
  private readonly fetch: typeof fetch;

  constructor(
    settings: Pick<Federation, "peer_timeout_ms" | "peer_max_bytes">,
    fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  ) {
    this.settings = settings;
    this.fetch = fetchImpl;
  }

  async send(peer: Peer, request: PeerRequest): Promise<PeerAnswer> {
    const url = new URL(peer.url.replace(/\/+$/, "") + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      url.searchParams.set(name, value);
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.settings.peer_timeout_ms);
    try {
      let response: Response;
      try {
        response = await this.fetch(url.href, {
          method: request.method,
          redirect: "manual",
          signal: controller.signal,
          headers: {
            accept: "application/json, application/problem+json",
            ...(request.mediaType ? { "content-type": request.mediaType } : {}),
          },
          ...(request.body !== undefined ? { body: request.body } : {}),
        });
      } catch (error) {
        throw new PeerUnreachable(
          peer.id,
          controller.signal.aborted ? this.late() : "unreachable",
          {
            cause: error,
          },
        );
      }
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel().catch(() => undefined);
        throw new PeerUnreachable(
          peer.id,
          `redirected (${response.status}); redirects are not followed`,
        );
      }
      let body: unknown;
      try {
        const text = await readCapped(response, this.settings.peer_max_bytes, "answer");
        body = parseStrictJson(text);
      } catch (error) {
        const reason = controller.signal.aborted
          ? this.late()
          : `answered ${response.status} with no usable JSON: ${(error as Error).message}`;
        throw new PeerUnreachable(peer.id, reason, { cause: error });
      }
      return { status: response.status, body, ...retryAfter(response) };
    } finally {
      clearTimeout(timer);
    }
  }

  private late(): string {
    return `no answer within ${this.settings.peer_timeout_ms} ms`;
  }
}

/** A `Retry-After` in seconds (delta-seconds only, as OCT gateways send it). */
function retryAfter(response: Response): { retryAfterSeconds?: number } {
  const value = response.headers.get("retry-after");
  return value !== null && /^[0-9]{1,9}$/.test(value.trim())
    ? { retryAfterSeconds: Number(value.trim()) }
    : {};
}
