/**
 * @module Requests from this gateway to a peer gateway (`spec/oct.md` §5.10,
 * §11): grant requests and usage reports to a token's home. The answer is
 * whatever the peer said, a status and a JSON body; a peer that does not
 * answer in time, redirects, says too much or says something other than JSON
 * is unreachable, which the visited gateway answers as `home_unavailable`.
 */
import type { Peer } from "../core/network/peers.ts";

export interface PeerRequest {
  method: "GET" | "POST";
  /** Absolute path below the peer's `url`, e.g. `/v1/grants`. */
  path: string;
  /** Query parameters of a GET. */
  query?: Record<string, string>;
  /** The body of a POST: a compact JWS, sent as `mediaType`. */
  body?: string;
  mediaType?: string;
}

export interface PeerAnswer {
  status: number;
  /** The JSON body (an answer or a problem document). */
  body: unknown;
  /** The `Retry-After` of a 429 or 503, in seconds, when the peer gave one. */
  retryAfterSeconds?: number;
}

/** The peer gave no usable answer: timeout, connection failure, redirect, oversized or not JSON. */
export class PeerUnreachable extends Error {
  override name = "PeerUnreachable";
  readonly peer: string;

  constructor(peer: string, reason: string, options?: { cause?: unknown }) {
    super(`peer ${peer}: ${reason}`, options);
    this.peer = peer;
  }
}

export interface PeerClient {
  /** Sends one request; resolves with the peer's answer or rejects with {@link PeerUnreachable}. */
  send(peer: Peer, request: PeerRequest): Promise<PeerAnswer>;
}
