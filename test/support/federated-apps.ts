/**
 * @module Two gateway apps in one process, each with its own ledger:
 * carrier A's (the home of A's tokens, {@link HOME}) and carrier B's (a
 * visited gateway, {@link VISITED}), signing with the keys each lists for
 * the other, their requests to each other routed in memory, with a clock
 * the test moves and switches that cut B off from A or lose A's answers. A also knows a third
 * peer, {@link STRANGER}, that holds none of the grants.
 */
import type { NetworkDocument } from "../../src/core/network/config.ts";
import { publicJwks, type PrivateJwk } from "../../src/core/signing/keys.ts";
import { federatedGateways, HOME, STRANGER } from "./federation.ts";
import { testGateway } from "./gateway.ts";
import { NOW_SECONDS } from "./network.ts";

export interface FederatedApps {
  home: Awaited<ReturnType<typeof testGateway>>;
  visited: Awaited<ReturnType<typeof testGateway>>;
  clock: { now(): number; advance(ms: number): void };
  /** Requests B sent to A, by path. */
  sentToHome: string[];
  /** While true, B's requests to A fail as a connection failure would. */
  homeDown: { value: boolean };
  /** While true, B's requests reach A, and A's answers are lost on the way back. */
  answersLost: { value: boolean };
  homeKey: PrivateJwk;
  visitedKey: PrivateJwk;
  strangerKey: PrivateJwk;
}

function withKeys(document: NetworkDocument, key: PrivateJwk, changes: Partial<NetworkDocument>) {
  return {
    ...document,
    gateway: { id: document.gateway.id, receipt_keys: { keys: [key as never] } },
    ...changes,
  };
}

/** Both gateways over the test network, carrier A's tokens homed at A. */
export async function federatedApps(
  changes: Partial<NetworkDocument> = {},
): Promise<FederatedApps> {
  const gw = await federatedGateways();
  let now = NOW_SECONDS * 1000;
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const sentToHome: string[] = [];
  const homeDown = { value: false };
  const answersLost = { value: false };
  const strangerPeer = {
    id: STRANGER,
    url: STRANGER,
    jwks: publicJwks([gw.strangerKey]) as { keys: unknown[] },
  };
  const home = await testGateway({
    network: withKeys(gw.home.document, gw.homeKey, {
      peers: [...(gw.home.document.peers ?? []), strangerPeer],
      ...changes,
    }),
    clock,
  });
  const toHome = (async (url: string, init: RequestInit) => {
    const { pathname, search } = new URL(url);
    if (!url.startsWith(HOME)) throw new TypeError(`no route to ${url}`);
    if (homeDown.value) throw new TypeError("connection refused");
    sentToHome.push(pathname);
    const answer = await home.app.request(pathname + search, init);
    if (answersLost.value) throw new TypeError("connection reset");
    return answer;
  }) as unknown as typeof fetch;
  const visited = await testGateway({
    network: withKeys(gw.visited.document, gw.visitedKey, changes),
    clock,
    fetch: toHome,
  });
  return {
    home,
    visited,
    clock,
    sentToHome,
    homeDown,
    answersLost,
    homeKey: gw.homeKey,
    visitedKey: gw.visitedKey,
    strangerKey: gw.strangerKey,
  };
}

/**
 * A redemption of `credit` A100 seconds at carrier B's edge, in the test
 * network's tariff (rate 2.5): a debit of credit / 2.5 of the token.
 */
export const edgeRedemption = (token: string, credit = "100") => ({
  token,
  provider: "carrier-b-edge",
  amount: credit,
  unit: "gpu-second:a100-sxm",
});
