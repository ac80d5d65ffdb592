/**
 * @module The example app: a tiny inference service that charges per output
 * token in OCT tokens, through `open-compute-token/hono`. A request holds
 * its `max_tokens` (the most it may cost), and pays for the tokens it was
 * answered; streamed answers pay for the tokens that were streamed.
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { validator } from "hono/validator";
import { octPayment, type OctPaymentEnv } from "open-compute-token/hono";
import { detokenize, generate } from "./generator.ts";

/** The provider the app redeems as, and the unit it sells: one per output token. */
export const PROVIDER = "carrier-a-cloud";
export const UNIT = "inference-token:llm-large";
/** What the app takes in payment: carrier B's A100 seconds (1200 tokens each on the demo network). */
export const ACCEPTS = ["gpu-second:a100-sxm"];
const MODEL = "oct-demo-large";
const MAX_TOKENS = 256;

export interface Ask {
  prompt: string;
  max_tokens: number;
  stream: boolean;
}

/** The request body, or why it is not one: refused before anything is paid. */
function askOf(body: unknown): Ask | string {
  const { prompt, max_tokens = 64, stream = false } = (body ?? {}) as Record<string, unknown>;
  if (typeof prompt !== "string" || prompt.length === 0 || prompt.length > 4000)
    return "prompt must be a string of 1 to 4000 characters";
  if (
    !Number.isInteger(max_tokens) ||
    (max_tokens as number) < 1 ||
    (max_tokens as number) > MAX_TOKENS
  )
    return `max_tokens must be an integer from 1 to ${MAX_TOKENS}`;
  if (typeof stream !== "boolean") return "stream must be true or false";
  return { prompt, max_tokens: max_tokens as number, stream };
}

export interface InferenceAppOptions {
  /** The gateway's URL. */
  gateway: string;
  /** How the gateway is reached (tests). Default: fetch. */
  fetch?: typeof fetch;
}

/**
 * The app.
 *
 * @example
 * serve({ fetch: inferenceApp({ gateway: "http://127.0.0.1:8787" }).fetch, port: 8788 });
 */
export function inferenceApp(options: InferenceAppOptions) {
  const app = new Hono<OctPaymentEnv>();

  app.get("/", (c) =>
    c.json({
      model: MODEL,
      generate: "POST /v1/generate { prompt, max_tokens?, stream? }",
      price: `1 ${UNIT} per output token, at most max_tokens`,
      pay_at: { gateway: options.gateway, provider: PROVIDER, accepts: ACCEPTS },
    }),
  );

  app.post(
    "/v1/generate",
    validator("json", (body, c) => {
      const ask = askOf(body);
      return typeof ask === "string" ? c.json({ error: ask }, 400) : ask;
    }),
    octPayment({
      gateway: options.gateway,
      provider: PROVIDER,
      accepts: ACCEPTS,
      // The most a request may cost: one token for each it may be answered.
      price: async (c) => ({
        amount: String((askOf(await c.req.json()) as Ask).max_tokens),
        unit: UNIT,
      }),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
    (c) => {
      const ask = c.req.valid("json");
      const tokens = generate(ask.prompt, ask.max_tokens);
      const oct = c.get("oct");
      if (!ask.stream) {
        oct.charge(String(tokens.length));
        return c.json({
          model: MODEL,
          text: detokenize(tokens),
          usage: { output_tokens: tokens.length, charged: `${oct.charged} ${UNIT}` },
        });
      }
      return streamSSE(c, async (stream) => {
        for (const token of tokens) {
          if (stream.aborted) return;
          oct.charge("1");
          await stream.writeSSE({ event: "token", data: token });
        }
        // Settled before the stream ends, so its receipt can be its last event.
        const settlement = await oct.settle();
        await stream.writeSSE({
          event: "receipt",
          data: settlement.status === "captured" ? settlement.receipt : "",
        });
      });
    },
  );
  return app;
}
