/**
 * @module Token status through the gateway (`spec/oct.md` §2.8, §6.2 step
 * 9, §6.5), written once and run on Node and inside workerd: a carrier
 * revokes or suspends a token in its status list and every verification,
 * quote and redemption sees it within the list's `ttl`; lists are fetched
 * only from where the carrier's entry allows, only when signed with that
 * carrier's keys, one fetch at a time, and served through an outage for a
 * grace period, then refused.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { signStatusList } from "../../src/core/issuer/status-list.ts";
import type { NetworkDocument } from "../../src/core/network/config.ts";
import type { PrivateJwk } from "../../src/core/signing/keys.ts";
import {
  newStatusList,
  setStatus,
  TOKEN_STATUS,
  type StatusList,
} from "../../src/core/status/status-list.ts";
import {
  claims,
  mintToken,
  NOW_SECONDS,
  testKeys,
  testNetworkDocument,
  type TestKeys,
} from "./network.ts";

const LISTS = "https://tokens.carrier-a.example/status/";
const TTL = 60;
const LIMITS = {
  status_list_cache_seconds: 300,
  status_list_cooldown_seconds: 5,
  status_list_grace_seconds: 120,
};

/** What the suite needs of a runtime: a gateway over a network, a clock and a fetch. */
export interface StatusListRuntime {
  gateway(options: {
    network: Partial<NetworkDocument>;
    clock: { now(): number };
    fetch: typeof fetch;
  }): Promise<{
    post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  }>;
}

/** A carrier's status service, as an injected `fetch`: lists by URL, signed on demand, counted. */
class StatusService {
  readonly lists = new Map<string, StatusList>();
  /** Each URL's answer: its list signed with `signer`, or a status when down. */
  readonly bodies = new Map<string, string>();
  fetches = 0;
  fetchesOf = new Map<string, number>();
  down = false;
  delayMs = 0;

  readonly fetch = (async (input: RequestInfo | URL) => {
    const url = String(input instanceof Request ? input.url : input);
    this.fetches++;
    this.fetchesOf.set(url, (this.fetchesOf.get(url) ?? 0) + 1);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const body = this.bodies.get(url);
    if (this.down || body === undefined) return new Response("unavailable", { status: 503 });
    return new Response(body, { headers: { "content-type": "application/statuslist+jwt" } });
  }) as unknown as typeof fetch;

  /** Publishes `uri`'s list as it now stands, signed with `key` at `now` (seconds). */
  async publish(
    uri: string,
    key: PrivateJwk,
    now: number,
    terms: { ttl?: number; exp?: number; sub?: string } = {},
  ): Promise<void> {
    const list = this.lists.get(uri)!;
    this.bodies.set(
      uri,
      await signStatusList(
        list,
        {
          uri: terms.sub ?? uri,
          iat: now,
          ttl: "ttl" in terms ? terms.ttl : TTL,
          exp: terms.exp ?? now + 86_400,
        },
        key,
      ),
    );
  }
}

export function defineStatusListSuite(runtime: StatusListRuntime): void {
  let keys: TestKeys;
  let service: StatusService;
  let now: number;
  let uri: string;
  const clock = { now: () => now };

  const network = (): Partial<NetworkDocument> => {
    const document = testNetworkDocument(keys);
    return {
      carriers: document.carriers.map((carrier) =>
        carrier.id === "carrier-a" ? { ...carrier, status_lists: [LISTS] } : carrier,
      ),
      limits: LIMITS,
    };
  };
  const gateway = () => runtime.gateway({ network: network(), clock, fetch: service.fetch });
  const tokenAt = (idx: number, list = uri) =>
    mintToken(claims({ status: { status_list: { idx, uri: list } } }), keys.eddsa);
  const listWith = (size: number, statuses: Record<number, number> = {}) => {
    const list = newStatusList(size, 2);
    for (const [index, status] of Object.entries(statuses)) setStatus(list, Number(index), status);
    service.lists.set(uri, list);
    return list;
  };
  const seconds = () => Math.floor(now / 1000);
  const verdict = async (send: Awaited<ReturnType<typeof gateway>>, token: string) => {
    const response = await send.post("/v1/verify", { token });
    const body = (await response.json()) as { valid?: boolean; error?: string; code?: string };
    if (response.status !== 200) return `${response.status} ${body.code}`;
    return body.valid ? "valid" : body.error!;
  };

  beforeEach(async () => {
    keys = await testKeys();
    service = new StatusService();
    now = NOW_SECONDS * 1000;
    // A list per test: a runtime's shared store (the Cache API) may outlive one.
    uri = `${LISTS}${Math.random().toString(36).slice(2)}`;
  });

  describe("revocation and suspension (§2.8, §6.2 step 9)", () => {
    it("a token revoked in its carrier's list is refused once the list's ttl has run", async () => {
      const list = listWith(64);
      await service.publish(uri, keys.eddsa, seconds());
      const send = await gateway();
      const token = await tokenAt(17);
      expect(await verdict(send, token)).toBe("valid");

      setStatus(list, 17, TOKEN_STATUS.INVALID);
      await service.publish(uri, keys.eddsa, seconds());
      now += (TTL - 1) * 1000;
      expect(await verdict(send, token)).toBe("valid"); // the list is still fresh
      expect(service.fetches).toBe(1);
      now += 1000;
      expect(await verdict(send, token)).toBe("token_revoked");
      expect(service.fetches).toBe(2);

      const redeemed = await send.post(
        "/v1/redemptions",
        { token, provider: "carrier-b-edge", amount: "10", unit: "gpu-second:a100-sxm" },
        { "idempotency-key": "after-revocation" },
      );
      expect(redeemed.status).toBe(401);
      expect(((await redeemed.json()) as { code: string }).code).toBe("token_revoked");
      // Its neighbours are untouched.
      expect(await verdict(send, await tokenAt(16))).toBe("valid");
    });

    it("a suspended token is refused, then redeemable again once set back to valid", async () => {
      const list = listWith(64, { 3: TOKEN_STATUS.SUSPENDED });
      await service.publish(uri, keys.eddsa, seconds());
      const send = await gateway();
      const token = await tokenAt(3);
      const redeem = (key: string) =>
        send.post(
          "/v1/redemptions",
          { token, provider: "carrier-b-edge", amount: "10", unit: "gpu-second:a100-sxm" },
          { "idempotency-key": key },
        );
      expect(await verdict(send, token)).toBe("token_suspended");
      const refused = await redeem("while-suspended");
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { code: string }).code).toBe("token_suspended");
      const quoted = await send.post("/v1/quotes", {
        token,
        provider: "carrier-b-edge",
        amount: "10",
        unit: "gpu-second:a100-sxm",
      });
      expect(quoted.status).toBe(403);

      setStatus(list, 3, TOKEN_STATUS.VALID);
      await service.publish(uri, keys.eddsa, seconds());
      now += TTL * 1000;
      expect(await verdict(send, token)).toBe("valid");
      expect((await redeem("after-suspension")).status).toBe(201);
    });

    it("a status OCT gives no meaning to is not valid: token_revoked", async () => {
      listWith(8, { 1: 3 });
      await service.publish(uri, keys.eddsa, seconds());
      expect(await verdict(await gateway(), await tokenAt(1))).toBe("token_revoked");
    });

    it("a token without status needs no list: nothing is fetched", async () => {
      const send = await gateway();
      expect(await verdict(send, await mintToken(claims(), keys.eddsa))).toBe("valid");
      expect(service.fetches).toBe(0);
    });
  });

  describe("where lists come from (§5.3, §6.5)", () => {
    it("a token naming a URL outside its carrier's allowed ones is refused without a fetch", async () => {
      listWith(8);
      await service.publish(uri, keys.eddsa, seconds());
      const send = await gateway();
      const elsewhere = [
        "https://evil.example/status/1",
        "https://tokens.carrier-a.example/status/a/b",
        "https://tokens.carrier-a.example/status/..",
        "https://tokens.carrier-a.example/status/",
        "http://tokens.carrier-a.example/status/1",
      ];
      for (const list of elsewhere)
        expect({ list, verdict: await verdict(send, await tokenAt(0, list)) }).toEqual({
          list,
          verdict: "status_reference_invalid",
        });
      expect(service.fetches).toBe(0);
    });

    it("a carrier without status_lists allows none", async () => {
      const document = testNetworkDocument(keys);
      const send = await runtime.gateway({
        network: { carriers: document.carriers },
        clock,
        fetch: service.fetch,
      });
      expect(await verdict(send, await tokenAt(0))).toBe("status_reference_invalid");
      expect(service.fetches).toBe(0);
    });

    it("a list signed with another carrier's key is refused: status_unavailable", async () => {
      listWith(8);
      await service.publish(uri, keys.ps256, seconds()); // carrier R's key
      expect(await verdict(await gateway(), await tokenAt(0))).toBe("503 status_unavailable");
    });

    it.each([
      ["names another list in sub", 0, { sub: `${LISTS}other` }],
      ["has expired", -3600, { exp: NOW_SECONDS - 120 }],
      ["was issued in the future", 3600, {}],
    ])("a list that %s is refused: status_unavailable", async (_why, issued, terms) => {
      listWith(8);
      await service.publish(uri, keys.eddsa, seconds() + issued, terms);
      expect(await verdict(await gateway(), await tokenAt(0))).toBe("503 status_unavailable");
    });

    it("a token is not a list: a body signed as oct+jwt is refused", async () => {
      service.bodies.set(uri, await mintToken(claims(), keys.eddsa));
      expect(await verdict(await gateway(), await tokenAt(0))).toBe("503 status_unavailable");
    });

    it("an index beyond the list refreshes it once, then status_reference_invalid", async () => {
      listWith(8);
      await service.publish(uri, keys.eddsa, seconds());
      const send = await gateway();
      expect(await verdict(send, await tokenAt(0))).toBe("valid");
      now += LIMITS.status_list_cooldown_seconds * 1000;
      expect(await verdict(send, await tokenAt(40))).toBe("status_reference_invalid");
      expect(service.fetches).toBe(2);
      // The carrier grows the list; after the cooldown the new index is found.
      listWith(64);
      await service.publish(uri, keys.eddsa, seconds());
      expect(await verdict(send, await tokenAt(40))).toBe("status_reference_invalid");
      expect(service.fetches).toBe(2);
      now += LIMITS.status_list_cooldown_seconds * 1000;
      expect(await verdict(send, await tokenAt(40))).toBe("valid");
      expect(service.fetches).toBe(3);
    });
  });

  describe("fetching, caching and outages (§6.5)", () => {
    it("concurrent verifications on a cold gateway share one fetch", async () => {
      listWith(64);
      await service.publish(uri, keys.eddsa, seconds());
      service.delayMs = 30;
      const send = await gateway();
      const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => tokenAt(i)));
      const verdicts = await Promise.all(tokens.map((token) => verdict(send, token)));
      expect(verdicts).toEqual(Array(20).fill("valid"));
      expect(service.fetchesOf.get(uri)).toBe(1);
    });

    it("an outage within the grace period is served from the last good list, then refused", async () => {
      const list = listWith(64);
      setStatus(list, 9, TOKEN_STATUS.INVALID);
      await service.publish(uri, keys.eddsa, seconds());
      const send = await gateway();
      const good = await tokenAt(8);
      const revoked = await tokenAt(9);
      expect(await verdict(send, good)).toBe("valid");
      service.down = true;
      now += (TTL + LIMITS.status_list_grace_seconds - 1) * 1000;
      expect(await verdict(send, good)).toBe("valid");
      expect(await verdict(send, revoked)).toBe("token_revoked");
      now += 1000;
      expect(await verdict(send, good)).toBe("503 status_unavailable");
      const redeemed = await send.post(
        "/v1/redemptions",
        { token: good, provider: "carrier-b-edge", amount: "1", unit: "gpu-second:a100-sxm" },
        { "idempotency-key": "during-outage" },
      );
      expect(redeemed.status).toBe(503);
      expect(((await redeemed.json()) as { code: string }).code).toBe("status_unavailable");
      service.down = false;
      now += LIMITS.status_list_cooldown_seconds * 1000;
      expect(await verdict(send, good)).toBe("valid");
    });

    it("a list never fetched and unreachable: status_unavailable, retried only after the cooldown", async () => {
      listWith(8);
      service.down = true;
      const send = await gateway();
      const token = await tokenAt(0);
      expect(await verdict(send, token)).toBe("503 status_unavailable");
      expect(await verdict(send, token)).toBe("503 status_unavailable");
      expect(service.fetches).toBe(1);
      service.down = false;
      await service.publish(uri, keys.eddsa, seconds());
      now += LIMITS.status_list_cooldown_seconds * 1000;
      expect(await verdict(send, token)).toBe("valid");
      expect(service.fetches).toBe(2);
    });

    it("a list without ttl is kept for status_list_cache_seconds at most", async () => {
      const list = listWith(8);
      await service.publish(uri, keys.eddsa, seconds(), { ttl: undefined });
      const send = await gateway();
      const token = await tokenAt(2);
      expect(await verdict(send, token)).toBe("valid");
      setStatus(list, 2, TOKEN_STATUS.INVALID);
      await service.publish(uri, keys.eddsa, seconds(), { ttl: undefined });
      now += (LIMITS.status_list_cache_seconds - 1) * 1000;
      expect(await verdict(send, token)).toBe("valid");
      now += 1000;
      expect(await verdict(send, token)).toBe("token_revoked");
    });
  });

  it("inspection shows step 9 failed with the token's status", async () => {
    listWith(8, { 5: TOKEN_STATUS.INVALID });
    await service.publish(uri, keys.eddsa, seconds());
    const send = await gateway();
    const response = await send.post("/v1/inspect", { token: await tokenAt(5) });
    const body = (await response.json()) as {
      valid: boolean;
      error: string;
      steps: { step: number; status: string; code?: string }[];
    };
    expect(body).toMatchObject({ valid: false, error: "token_revoked" });
    expect(body.steps.map((s) => s.status)).toEqual([...Array(8).fill("passed"), "failed"]);
    expect(body.steps[8]).toMatchObject({ step: 9, code: "token_revoked" });
  });
}
