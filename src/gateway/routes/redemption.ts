/**
 * @module The redemption API (`spec/oct.md` §7.6-7.9): quotes, redemptions
 * (captured at once, or authorised, then captured or voided) and balances.
 * Routes parse, call the core, and shape the answer.
 */
import { Hono } from "hono";
import { OctError } from "../../core/errors.ts";
import { requireHolder } from "../../core/holder/binding.ts";
import { captureAuthorization, voidAuthorization } from "../../core/redemption/authorization.ts";
import { balanceHere } from "../../core/federation/balance.ts";
import { fingerprint } from "../../core/redemption/fingerprint.ts";
import { createQuote } from "../../core/redemption/quote.ts";
import { redeem, type RedeemResult } from "../../core/redemption/redeem.ts";
import {
  isAuthorization,
  statusAt,
  tokenKeyInId,
  type RedemptionRecord,
} from "../../core/redemption/record.ts";
import { verifyToken } from "../../core/token/verify.ts";
import {
  validateBalanceRequest,
  validateCaptureRequest,
  validateQuoteRequest,
  validateRedemptionRequest,
  validateVoidRequest,
} from "../../generated/validators.js";
import { readJsonBody } from "../body.ts";
import type { GatewayEnv } from "../env.ts";
import { holderRequestOf } from "../holder-proof.ts";
import { idempotencyKeyOf } from "../idempotency-key.ts";
import type { Metrics } from "../metrics.ts";
import type { GatewayPorts } from "../ports.ts";

/** The redemption resource of `redemption.schema.json`. */
export function redemptionResource(record: RedemptionRecord) {
  const manual = isAuthorization(record);
  // Once captured, the resource states the captured amounts; the hold stays in `authorized`.
  const captured = record.status === "captured" ? record.capture : undefined;
  const receipt = record.status === "committed" ? record.receipt : captured?.receipt;
  return {
    id: record.id,
    status: record.status,
    capture: manual ? "manual" : "automatic",
    token: record.token,
    provider: record.provider,
    debited: captured?.debited ?? record.debited,
    credited: captured?.credited ?? record.credited,
    ...(manual ? { authorized: { debited: record.debited, credited: record.credited } } : {}),
    remaining: { amount: record.remaining ?? "0", unit: record.debited.unit },
    tariff: record.tariff,
    ...(record.workload !== undefined ? { workload: record.workload } : {}),
    ...(record.region !== undefined ? { region: record.region } : {}),
    ...(record.quote !== undefined ? { quote: record.quote } : {}),
    created_at: record.created_at,
    expires_at: new Date(record.expiresAt).toISOString(),
    ...(record.captured_at !== undefined ? { captured_at: record.captured_at } : {}),
    ...(receipt !== undefined ? { receipt } : {}),
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

  /** Counts the outcome of a redemption request (its status, `replayed`, or its refusal's code). */
  async function counted(run: () => Promise<RedeemResult>): Promise<RedeemResult> {
    try {
      const result = await run();
      const outcome = result.replayed ? "replayed" : result.record.status;
      metrics.count("oct_redemptions_total", { outcome }, "Redemptions by outcome");
      return result;
    } catch (error) {
      if (error instanceof OctError)
        metrics.count("oct_redemptions_total", { outcome: error.code }, "Redemptions by outcome");
      throw error;
    }
  }

  app.post("/v1/redemptions", async (c) => {
    const key = idempotencyKeyOf(c);
    const { value } = await readJsonBody(c, validateRedemptionRequest);
    const hash = await fingerprint(value);
    const holder = holderRequestOf(c, ports.network);
    const result = await counted(() => redeem(ports, value, key, hash, holder));
    c.header("location", `/v1/redemptions/${result.record.id}`);
    if (result.replayed) c.header("idempotent-replayed", "true");
    return c.json(redemptionResource(result.record), 201);
  });

  app.get("/v1/redemptions/:id", async (c) => {
    const id = c.req.param("id");
    const tokenKey = tokenKeyInId(id, "rd");
    const record = tokenKey ? await ports.ledger.get(tokenKey, id) : undefined;
    if (!record) throw new OctError("not_found", `no redemption ${id}`);
    return c.json(redemptionResource(statusAt(record, ports.clock.now())));
  });

  // Capture and void need only the authorisation's id, an unguessable
  // capability handed to whoever created it (spec §7.8).
  app.post("/v1/redemptions/:id/capture", async (c) => {
    const { value } = await readJsonBody(c, validateCaptureRequest);
    const result = await counted(() => captureAuthorization(ports, c.req.param("id"), value));
    if (result.replayed) c.header("idempotent-replayed", "true");
    return c.json(redemptionResource(result.record));
  });

  app.post("/v1/redemptions/:id/void", async (c) => {
    // The body is optional: none, or the empty object.
    if ((await c.req.arrayBuffer()).byteLength > 0) await readJsonBody(c, validateVoidRequest);
    const result = await counted(() => voidAuthorization(ports, c.req.param("id")));
    if (result.replayed) c.header("idempotent-replayed", "true");
    return c.json(redemptionResource(result.record));
  });

  app.post("/v1/balance", async (c) => {
    const { value } = await readJsonBody(c, validateBalanceRequest);
    const verified = await verifyToken(value.token, ports);
    await requireHolder(ports, verified, value.token, holderRequestOf(c, ports.network));
    return c.json(await balanceHere(ports, verified));
  });

  return app;
}
