/**
 * @module What the payment middleware answers instead of the handler
 * (`spec/oct.md` §16.1, §16.3): problems whose code tells the client what to
 * do, with the payment challenge, in the `WWW-Authenticate` field and in the
 * problem's `payment` member, whenever paying with another token is the
 * remedy.
 */
import type { Context } from "hono";
import { OctError } from "../core/errors.ts";
import {
  formatChallenge,
  paymentMember,
  type PaymentChallenge,
} from "../core/payment/challenge.ts";
import type { GatewayRefusal } from "../client/gateway.ts";

/** Statuses of the gateway's refusals of a token or its balance (§16.3): they carry the challenge. */
const REFUSALS_OF_THE_TOKEN = new Set([401, 402, 403, 422]);

interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  request_id?: string;
}

function problemAnswer(
  c: Context,
  problem: Problem,
  options: { challenge?: PaymentChallenge | undefined; retryAfterSeconds?: number | undefined },
): Response {
  const headers = new Headers({
    "content-type": "application/problem+json",
    "cache-control": "no-store",
  });
  const requestId = (c.var as Record<string, unknown>).requestId;
  const body: Record<string, unknown> = {
    ...problem,
    instance: c.req.path,
    ...(typeof requestId === "string" ? { request_id: requestId } : {}),
  };
  if (options.challenge) {
    const challenge = {
      ...options.challenge,
      ...(problem.code !== "payment_required" ? { error: problem.code } : {}),
    };
    headers.set("www-authenticate", formatChallenge(challenge));
    body.payment = paymentMember(challenge);
  }
  if (options.retryAfterSeconds !== undefined)
    headers.set("retry-after", String(options.retryAfterSeconds));
  return new Response(JSON.stringify(body), { status: problem.status, headers });
}

/** The answer of an OCT refusal of the app's own (no payment, a replayed key, the gateway out of reach). */
export function octErrorAnswer(
  c: Context,
  error: OctError,
  challenge?: PaymentChallenge,
): Response {
  return problemAnswer(c, error.toProblem(), {
    challenge,
    retryAfterSeconds: error.retryAfterSeconds,
  });
}

/** `402 payment_required` with the challenge: what a request without a token gets. */
export function challengeAnswer(c: Context, challenge: PaymentChallenge): Response {
  const { amount, unit } = challenge.price;
  return octErrorAnswer(
    c,
    new OctError(
      "payment_required",
      `this request costs at most ${amount} ${unit} at ${challenge.provider}: pay with an OCT token (Authorization: OCT <token>)`,
    ),
    challenge,
  );
}

/**
 * The gateway's refusal, passed on as it was made (status, code, detail,
 * `Retry-After`); with the challenge when it refuses the token or its
 * balance, so the client can pay with another.
 */
export function refusalAnswer(
  c: Context,
  refusal: GatewayRefusal,
  challenge: PaymentChallenge,
): Response {
  const { type, title, status, code, detail } = refusal.problem;
  return problemAnswer(
    c,
    { type, title, status, code, ...(detail !== undefined ? { detail } : {}) },
    {
      challenge: REFUSALS_OF_THE_TOKEN.has(status) ? challenge : undefined,
      retryAfterSeconds: refusal.retryAfterSeconds,
    },
  );
}
