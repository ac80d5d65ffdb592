/**
 * @module The fetch PeerClient (`spec/oct.md` §5.10), written once and run
 * on both runtimes over a fake `fetch`: what it sends where, the answers it
 * passes on, and every answer it treats as the peer being unreachable.
 */
import { describe, expect, it } from "vitest";
import { FetchPeerClient } from "../../src/adapters/peers/fetch-peer-client.ts";
import type { Peer } from "../../src/core/network/peers.ts";
import { PeerUnreachable, type PeerRequest } from "../../src/ports/peer-client.ts";

const peer: Peer = {
  id: "https://gw.carrier-a.example",
  url: "https://gw.carrier-a.example/oct/",
  inlineKeys: new Map(),
};
const settings = { peer_timeout_ms: 200, peer_max_bytes: 64 };
const grantRequest: PeerRequest = {
  method: "POST",
  path: "/v1/grants",
  body: "a.b.c",
  mediaType: "application/oct-grant-request+jwt",
};

/** A fake fetch answering `response`, recording what it was asked. */
function answering(response: () => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return response();
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

async function failure(client: FetchPeerClient, request = grantRequest): Promise<string> {
  try {
    await client.send(peer, request);
    return "answered";
  } catch (error) {
    expect(error).toBeInstanceOf(PeerUnreachable);
    return (error as Error).message;
  }
}

export function definePeerClientSuite(): void {
  describe("the fetch PeerClient (spec §5.10)", () => {
    it("posts the document below the peer's url, without following redirects, and passes the JSON answer on", async () => {
      const fake = answering(() => Response.json({ id: "gt.1" }, { status: 201 }));
      const answer = await new FetchPeerClient(settings, fake.fetch).send(peer, grantRequest);
      expect(answer).toEqual({ status: 201, body: { id: "gt.1" } });
      const [call] = fake.calls;
      expect(call!.url).toBe("https://gw.carrier-a.example/oct/v1/grants");
      expect(call!.init).toMatchObject({ method: "POST", redirect: "manual", body: "a.b.c" });
      expect((call!.init.headers as Record<string, string>)["content-type"]).toBe(
        "application/oct-grant-request+jwt",
      );
      expect(call!.init.signal).toBeInstanceOf(AbortSignal);
    });

    it("passes a problem on with its Retry-After, and sends a GET's query", async () => {
      const fake = answering(
        () =>
          new Response('{"code":"ledger_busy","status":503}', {
            status: 503,
            headers: { "content-type": "application/problem+json", "retry-after": "7" },
          }),
      );
      const answer = await new FetchPeerClient(settings, fake.fetch).send(peer, {
        method: "GET",
        path: "/v1/grants",
        query: { from: "2030-01-01T00:00:00Z", peer: "https://gw.b.example" },
      });
      expect(answer).toEqual({
        status: 503,
        body: { code: "ledger_busy", status: 503 },
        retryAfterSeconds: 7,
      });
      expect(fake.calls[0]!.url).toBe(
        "https://gw.carrier-a.example/oct/v1/grants?from=2030-01-01T00%3A00%3A00Z&peer=https%3A%2F%2Fgw.b.example",
      );
    });

    const unreachable: [string, () => Response | Promise<Response>, RegExp][] = [
      [
        "a redirect",
        () => new Response(null, { status: 302, headers: { location: "https://evil.example/" } }),
        /redirected \(302\)/,
      ],
      [
        "an answer declared over peer_max_bytes",
        () => new Response("{}", { headers: { "content-length": "65" } }),
        /too large/,
      ],
      [
        "an answer streamed over peer_max_bytes",
        () => new Response(`{"x":"${"y".repeat(100)}"}`),
        /too large/,
      ],
      [
        "an answer that is not JSON",
        () => new Response("<html>busy</html>", { status: 502 }),
        /answered 502 with no usable JSON/,
      ],
      [
        "JSON with a duplicate member",
        () => new Response('{"grant":"a","grant":"b"}', { status: 201 }),
        /no usable JSON/,
      ],
      [
        "an answer that is not UTF-8",
        () => new Response(new Uint8Array([0x7b, 0xff, 0x7d])),
        /no usable JSON/,
      ],
      ["a connection failure", () => Promise.reject(new TypeError("fetch failed")), /unreachable/],
    ];
    it.each(unreachable)("treats %s as unreachable", async (_, response, reason) => {
      expect(await failure(new FetchPeerClient(settings, answering(response).fetch))).toMatch(
        reason,
      );
    });

    it("gives up after peer_timeout_ms", async () => {
      const hanging = ((_: string, init: RequestInit) =>
        new Promise((_resolve, reject) => {
          init.signal!.addEventListener("abort", () =>
            reject(new DOMException("aborted", "AbortError")),
          );
        })) as unknown as typeof fetch;
      const started = Date.now();
      expect(await failure(new FetchPeerClient(settings, hanging))).toMatch(
        /no answer within 200 ms/,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    });
  });
}
