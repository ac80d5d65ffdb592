/**
 * The fetch PeerClient on Node (spec §5.10): the shared suite over a fake
 * fetch, then Node's own fetch against real sockets: a peer that stops
 * sending in the middle of its answer, and a port nobody listens on.
 */
import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { FetchPeerClient } from "../../../src/adapters/peers/fetch-peer-client.ts";
import { PeerUnreachable } from "../../../src/ports/peer-client.ts";
import { freePort } from "../../../scripts/lib/free-port.ts";
import { definePeerClientSuite } from "../../support/peer-client-suite.ts";

definePeerClientSuite();

describe("the fetch PeerClient over real sockets", () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  const peerAt = (url: string) => ({ id: "https://gw.peer.example", url, inlineKeys: new Map() });
  const client = new FetchPeerClient({ peer_timeout_ms: 300, peer_max_bytes: 65536 });

  it("gives up on an answer that stalls after its header", async () => {
    const server = createServer((_, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"grant":');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const { port } = server.address() as { port: number };
    const sending = client.send(peerAt(`http://127.0.0.1:${port}`), {
      method: "GET",
      path: "/v1/grants/x",
    });
    await expect(sending).rejects.toThrow(PeerUnreachable);
    await expect(sending).rejects.toThrow(/no answer within 300 ms/);
  });

  it("treats a closed port as unreachable", async () => {
    const port = await freePort();
    await expect(
      client.send(peerAt(`http://127.0.0.1:${port}`), { method: "GET", path: "/v1/grants/x" }),
    ).rejects.toThrow(/unreachable/);
  });

  it("reads a real answer", async () => {
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        response.writeHead(201, { "content-type": "application/json" });
        response.end(
          JSON.stringify({ got: body, type: request.headers["content-type"], path: request.url }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => server.close());
    const { port } = server.address() as { port: number };
    // A timeout that a loaded machine cannot reach: this one is about the answer read.
    const patient = new FetchPeerClient({ peer_timeout_ms: 10_000, peer_max_bytes: 65536 });
    const answer = await patient.send(peerAt(`http://127.0.0.1:${port}/`), {
      method: "POST",
      path: "/v1/grants",
      body: "x.y.z",
      mediaType: "application/oct-grant-request+jwt",
    });
    expect(answer).toEqual({
      status: 201,
      body: { got: "x.y.z", type: "application/oct-grant-request+jwt", path: "/v1/grants" },
    });
  });
});
