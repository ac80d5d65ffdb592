/**
 * Fault injection across three federated gateway processes (spec §11.10),
 * randomised with a seed and repeated over seeds. A is the token's home, B
 * and C visited gateways, each with its own SQLite ledger. Each wave fires
 * concurrent redemptions at the gateways that are up, while one fault
 * strikes at a random moment: a visited gateway SIGKILLed while it holds
 * grants, the home SIGKILLed during the redemptions, or all three killed and
 * restarted; meanwhile each message from B or C to the home may be delayed,
 * lost on the way, lost on the way back, or answered and its sender killed
 * before it reads the answer (killed while it reports or asks). Now and then
 * a killed visited gateway stays down past its grants' report_by, so the
 * home lapses them. After every wave, everything restarted: what the three
 * gateways settled together is at most what the home counts (committed and
 * held), which is at most the face value. At the end, once every report_by
 * has passed: every grant is closed at the home (unreported ones reconciled
 * by their late final reports), the home counts exactly what the gateways
 * settled, and the signed grant reports of the three gateways agree.
 *
 * The plan of a seed (waves, faults, their moments) is the same on every
 * run; the messages' fates come from a second generator of the same seed,
 * drawn in the order the messages arrive. `OCT_FEDERATION_SEEDS=n` runs n
 * seeds (default 2), `OCT_FEDERATION_FIRST_SEED` the first of them;
 * `npm run test:federation-faults -- --seeds 200` is the long sweep.
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseAmount } from "../../../src/core/amount/decimal.ts";
import { reconcile } from "../../../src/core/federation/reconcile.ts";
import {
  FederatedProcesses,
  grantReportOf,
  redeemAt,
  settledAt,
  type Fate,
  type Name,
} from "../../support/federation-processes.ts";

const NAMES: Name[] = ["A", "B", "C"];
const FACE = "60";
const WAVES = 5;
/** grant_ttl_seconds + report_window_seconds below, and a second to spare. */
const PAST_REPORT_BY_MS = 16_000;

/** A small seeded generator (mulberry32): the same seed, the same sequence. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seeds(): number[] {
  const count = Number(process.env.OCT_FEDERATION_SEEDS ?? 2);
  const first = Number(process.env.OCT_FEDERATION_FIRST_SEED ?? 1);
  return Array.from({ length: count }, (_, i) => first + i);
}

let gateways: FederatedProcesses | undefined;
afterEach(async () => {
  await gateways?.close();
  gateways = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function settledTotal(g: FederatedProcesses, except?: Name): Promise<bigint> {
  let total = 0n;
  for (const name of NAMES) if (name !== except) total += await settledAt(g.gateways[name].url);
  return total;
}

/** What the home counts for the token: committed, and held (its grants and its own reservations). */
async function atHome(g: FederatedProcesses, token: string) {
  const response = await fetch(`${g.gateways.A.url}/v1/balance`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  const body = (await response.json()) as {
    committed: { amount: string };
    reserved: { amount: string };
  };
  return {
    committed: parseAmount(body.committed.amount)!,
    held: parseAmount(body.reserved.amount)!,
  };
}

type Fault = "kill-visited" | "kill-home" | "kill-all" | "none";

describe("federation under faults, seed by seed (spec §11.10)", () => {
  it.each(seeds())(
    "seed %i: never above the face value, and reconciled once settled",
    async (seed) => {
      const plan = random(seed);
      const messages = random(seed ^ 0x5bd1e995);
      const g = (gateways = await FederatedProcesses.create({
        limits: { clock_skew_seconds: 5, reservation_ttl_seconds: 3 },
        federation: {
          grant_ttl_seconds: 5,
          report_window_seconds: 10,
          idle_release_seconds: 1,
          home_retry_seconds: 1,
          peer_timeout_ms: 2000,
        },
      }));
      await g.startAll();
      /** Messages meet faults only while a wave runs; between waves they pass. */
      let stormy = false;
      const fates: Record<string, number> = {};
      g.fate = (from, path): Fate => {
        if (!stormy) return { kind: "pass" };
        const roll = messages();
        const fate: Fate =
          roll < 0.08
            ? { kind: "drop-request" }
            : roll < 0.16
              ? { kind: "drop-answer" }
              : roll < 0.2
                ? { kind: "kill-sender" }
                : roll < 0.3
                  ? { kind: "pass", delayMs: Math.floor(messages() * 1500) }
                  : { kind: "pass", delayMs: Math.floor(messages() * 50) };
        const label = `${fate.kind} ${path.endsWith("/usage") ? "report" : "ask"} from ${from}`;
        fates[label] = (fates[label] ?? 0) + 1;
        return fate;
      };
      const token = await g.token(FACE);
      const face = parseAmount(FACE)!;
      const log: string[] = [`OCT_FEDERATION_SEEDS=1 OCT_FEDERATION_FIRST_SEED=${seed}`];
      const trail = () => `${log.join("\n")}\nmessages: ${JSON.stringify(fates)}`;
      let key = 0;

      /** A visited gateway kept down past its grants' report_by, and since when. */
      let away: { name: Name; since: number } | undefined;
      for (let wave = 0; wave < WAVES; wave++) {
        const size = 15 + Math.floor(plan() * 20);
        const live = NAMES.filter((name) => name !== away?.name);
        const targets = Array.from({ length: size }, () => live[Math.floor(plan() * live.length)]!);
        const roll = plan();
        const fault: Fault =
          roll < 0.3 ? "kill-visited" : roll < 0.5 ? "kill-home" : roll < 0.6 ? "kill-all" : "none";
        const visited = live.filter((name) => name !== "A");
        const victim = visited[Math.floor(plan() * visited.length)];
        const moment = Math.floor(plan() * 400);
        const stayAway = plan() < 0.4;

        stormy = true;
        const requests = targets.map((name, i) =>
          // Spread over ~300 ms, so the fault lands among them.
          sleep((i * 300) / size).then(() =>
            redeemAt(g.gateways[name].url, token, "1", `s${seed}-k${key++}`).then(
              (answer) => ({ name, status: answer.status, code: answer.body.code }),
              () => ({ name, status: 0, code: "connection lost" }),
            ),
          ),
        );
        let killed: Name[] = [];
        if (fault !== "none") {
          await sleep(moment);
          killed =
            fault === "kill-home" ? ["A"] : fault === "kill-all" ? live : victim ? [victim] : [];
          await Promise.all(killed.map((name) => g.stop(name)));
        }
        const answers = await Promise.all(requests);
        stormy = false;
        log.push(
          `wave ${wave}: ${size} redemptions, ${fault} ${killed.join("")} at ${moment} ms: ` +
            answers.map((a) => `${a.name}${a.status}`).join(" "),
        );
        for (const answer of answers) {
          // Accepted, refused for the balance, refused for the home, or cut by a kill: nothing else.
          expect(
            [201, 402, 503, 0].includes(answer.status),
            `${answer.name} answered ${answer.status} ${answer.code}\n${trail()}`,
          ).toBe(true);
          if (answer.status === 402) expect(answer.code, trail()).toBe("insufficient_balance");
          if (answer.status === 503)
            expect(["home_unavailable", "ledger_busy"], trail()).toContain(answer.code);
        }

        // Delayed messages arrive, senders due to be killed are; then the killed restart on
        // their ledger files, but a killed visited gateway may stay down through the next
        // wave and past its grants' report_by, so that the home lapses them.
        await g.proxiesIdle();
        if (!away && fault === "kill-visited" && victim && stayAway) {
          away = { name: victim, since: Date.now() };
          log.push(`${victim} stays away`);
        } else if (away) {
          const left = away.since + PAST_REPORT_BY_MS - Date.now();
          if (left > 0) await sleep(left);
          log.push(`${away.name} back after its grants' report_by`);
          away = undefined;
        }
        for (const name of NAMES) {
          if (name !== away?.name && !g.gateways[name].running) await g.start(name);
        }

        // Spec §11.10: the gateways' committed amounts <= the home's committed + held <= F
        // (a gateway that stays away is counted when it is back).
        const settled = await settledTotal(g, away?.name);
        const home = await atHome(g, token);
        expect(home.committed + home.held, trail()).toBeLessThanOrEqual(face);
        expect(settled, trail()).toBeLessThanOrEqual(home.committed + home.held);
      }

      // Settle: no more faults; everyone up; every report_by passes; every grant is reported.
      if (away) {
        const left = away.since + PAST_REPORT_BY_MS - Date.now();
        if (left > 0) await sleep(left);
        await g.start(away.name);
        log.push(`${away.name} back after its grants' report_by`);
      }
      const settled = await settledTotal(g);
      expect(settled, trail()).toBeLessThanOrEqual(face);
      const deadline = Date.now() + 90_000;
      let open: string[] = [];
      do {
        open = (await grantReportOf(g, "A")).grants
          .filter((grant) => grant.status !== "closed")
          .map((grant) => grant.id);
        if (open.length > 0) await sleep(1000);
      } while (open.length > 0 && Date.now() < deadline);
      if (open.length > 0) {
        // Each side's entry of every grant the home has not closed, and what the gateways said.
        const reports = await Promise.all(NAMES.map((name) => grantReportOf(g, name)));
        const entries = reports.flatMap((report, i) =>
          report.grants
            .filter((grant) => open.includes(grant.id))
            .map((grant) => `${NAMES[i]}: ${JSON.stringify(grant)}`),
        );
        const output = NAMES.map((name) => `--- ${name}\n${g.gateways[name].running?.output()}`);
        expect.fail(
          `grants not closed at the home:\n${entries.join("\n")}\n${trail()}\n${output.join("\n")}`,
        );
      }
      const home = await atHome(g, token);
      expect(home.held, trail()).toBe(0n);
      expect(home.committed, trail()).toBe(await settledTotal(g));
      const reports = await Promise.all(NAMES.map((name) => grantReportOf(g, name)));
      const problems = reconcile(reports).grants.filter((grant) => grant.verdict !== "agree");
      expect(problems, trail()).toEqual([]);
      expect(reports[0]!.grants.length, trail()).toBeGreaterThan(0);
    },
    300_000,
  );
});
