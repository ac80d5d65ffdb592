/**
 * Holder proofs across real gateway processes sharing one SQLite ledger
 * file (`spec/oct.md` §6.6 step 8): a proof accepted by one process is
 * refused as replayed by the other, however the two race, and a restart
 * forgets nothing. Proofs name the configured `gateway.id`
 * (`http://localhost:8787`), not the port each process listens on.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createHolderProof,
  generateHolderKey,
  holderThumbprint,
} from "../../../src/core/holder/build.ts";
import type { PrivateJwk } from "../../../src/core/signing/keys.ts";
import {
  carrierAToken,
  gatewayProcesses,
  H100,
  hookProvider,
  ledgerNetwork,
  postJson,
  type HookProvider,
} from "../../support/ledger-processes.ts";

const GATEWAY_ID = "http://localhost:8787";

let provider: HookProvider;
let processes: ReturnType<typeof gatewayProcesses>;
let holder: PrivateJwk;

beforeAll(async () => {
  provider = await hookProvider();
  const network = ledgerNetwork(provider.url, {});
  processes = gatewayProcesses(network.dir, network.configPath);
  holder = await generateHolderKey();
});
afterEach(() => processes.stopAll());
afterAll(() => provider.close());

const boundToken = async () =>
  carrierAToken("10", { cnf: { jkt: await holderThumbprint(holder) } });
const proofFor = (token: string, path: string) =>
  createHolderProof({ key: holder, method: "POST", url: `${GATEWAY_ID}${path}`, token });
const redeemAt = (url: string, token: string, key: string, dpop: string) =>
  postJson(
    `${url}/v1/redemptions`,
    { token, provider: "carrier-b-edge", amount: "1", unit: H100 },
    { "idempotency-key": key, dpop },
  );
const codeOf = async (response: Response) => ((await response.json()) as { code?: string }).code;
const remainingAt = async (url: string, token: string) => {
  const response = await postJson(
    `${url}/v1/balance`,
    { token },
    { dpop: await proofFor(token, "/v1/balance") },
  );
  return ((await response.json()) as { remaining: { amount: string } }).remaining.amount;
};

describe("two gateway processes, one SQLite file", () => {
  it("a proof accepted by one process is refused as replayed by the other", async () => {
    const [one, two] = await Promise.all([
      processes.start("holder.db"),
      processes.start("holder.db"),
    ]);
    const token = await boundToken();
    const dpop = await proofFor(token, "/v1/redemptions");
    expect((await redeemAt(one!.url, token, "first", dpop)).status).toBe(201);
    const replayed = await redeemAt(two!.url, token, "second", dpop);
    expect(replayed.status).toBe(401);
    expect(await codeOf(replayed)).toBe("holder_proof_replayed");
    expect(await remainingAt(two!.url, token)).toBe("9");
  });

  it("one proof sent to both at once, many times, is accepted exactly once", async () => {
    const [one, two] = await Promise.all([processes.start("race.db"), processes.start("race.db")]);
    const token = await boundToken();
    const dpop = await proofFor(token, "/v1/redemptions");
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        redeemAt((i % 2 ? one : two)!.url, token, `r-${i}`, dpop),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(19);
    expect(await remainingAt(one!.url, token)).toBe("9");
  });

  it("a restart forgets no accepted proof", async () => {
    const first = await processes.start("restart.db");
    const token = await boundToken();
    const dpop = await proofFor(token, "/v1/redemptions");
    expect((await redeemAt(first.url, token, "before", dpop)).status).toBe(201);
    await first.stop("SIGTERM");
    const second = await processes.start("restart.db");
    expect(await codeOf(await redeemAt(second.url, token, "after", dpop))).toBe(
      "holder_proof_replayed",
    );
  });
});
