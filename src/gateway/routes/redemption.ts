/**
 * @module The redemption API (`spec/oct.md` §7.6-7.9): quotes, redemptions
 * and balances. Routes parse, call the core, and shape the answer.
 */
import { Hono } from "hono";
import { OctError } from "../../core/errors.ts";
import { requireHolder } from "../../core/holder/binding.ts";
import { balanceOf } from "../../core/redemption/balance.ts";
import { fingerprint } from "../../core/redemption/fingerprint.ts";
import { createQuote } from "../../core/redemption/quote.ts";
import { redeem } from "../../core/redemption/redeem.ts";
import { tokenKeyInId, type RedemptionRecord } from "../../core/redemption/record.ts";
import { verifyToken } from "../../core/token/verify.ts";
import {
  validateBalanceRequest,
  validateQuoteRequest,
  validateRedemptionRequest,
} from "../../generated/validators.js";
import { readJsonBody } from "../body.ts";
import type { GatewayEnv } from "../env.ts";
import { holderRequestOf } from "../holder-proof.ts";
import { idempotencyKeyOf } from "../idempotency-key.ts";
import type { Metrics } from "../metrics.ts";
import type { GatewayPorts } from "../ports.ts";

/** The redemption resource of `redemption.schema.json`. */
export function redemptionResource(record: RedemptionRecord) {
  return {
    id: record.id,
    status: record.status,
    token: record.token,
    provider: record.provider,
    debited: record.debited,
    credited: record.credited,
    remaining: { amount: record.remaining ?? "0", unit: record.debited.unit },
    tariff: record.tariff,
    ...(record.workload !== undefined ? { workload: record.workload } : {}),
    ...(record.region !== undefined ? { region: record.region } : {}),
    ...(record.quote !== undefined ? { quote: record.quote } : {}),
    created_at: record.created_at,
    ...(record.status === "committed" ? { receipt: record.receipt } : {}),
  };
}

export function redemptionRoutes(ports: GatewayPorts, metrics: Metrics): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.post("/v1/quotes", async (c) => {
    const { value } = await readJsonBody(c, validateQuoteRequest);
    const { token, ...ask } = value;
    const quote = await createQuote(ports, token, ask, holderRequestOf(c, ports.network));
    const { tokenKey: _, ...body } = quote;
    return c.json(body, 201);
  });

  app.post("/v1/redemptions", async (c) => {
    const key = idempotencyKeyOf(c);
    const { value } = await readJsonBody(c, validateRedemptionRequest);
    try {
      const result = await redeem(
        ports,
        value,
        key,
        await fingerprint(value),
        holderRequestOf(c, ports.network),
      );
      metrics.count(
        "oct_redemptions_total",
        { outcome: result.replayed ? "replayed" : "committed" },
        "Redemptions by outcome",
      );
      c.header("location", `/v1/redemptions/${result.record.id}`);
      if (result.replayed) c.header("idempotent-replayed", "true");
      return c.json(redemptionResource(result.record), 201);
    } catch (error) {
      if (error instanceof OctError)
        metrics.count("oct_redemptions_total", { outcome: error.code }, "Redemptions by outcome");
      throw error;
    }
  });

  app.get("/v1/redemptions/:id", async (c) => {
    const id = c.req.param("id");
    const tokenKey = tokenKeyInId(id, "rd");
    const record = tokenKey ? await ports.ledger.get(tokenKey, id) : undefined;
    if (!record) throw new OctError("not_found", `no redemption ${id}`);
    return c.json(redemptionResource(record));
  });

  app.post("/v1/balance", async (c) => {
    const { value } = await readJsonBody(c, validateBalanceRequest);
    const verified = await verifyToken(value.token, ports);
    await requireHolder(ports, verified, value.token, holderRequestOf(c, ports.network));
    return c.json(await balanceOf(ports.ledger, verified, ports.clock.now()));
  });

  return app;
}
