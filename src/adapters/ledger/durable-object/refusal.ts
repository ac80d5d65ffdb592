/**
 * @module Refusals across the RPC boundary of a Durable Object: an
 * OctError thrown in the object reaches the Worker as a plain Error,
 * without its code, so a step that may refuse answers the refusal as
 * data, and the Worker's side throws it again.
 */
import { OctError, isOctError, type ErrorCode } from "../../../core/errors.ts";

export type Refusable<T> =
  | { ok: true; value: T }
  | { ok: false; code: ErrorCode; detail: string; status: number; retryAfterSeconds?: number };

/** In the object: the step's result, or the OctError it threw as data. Other errors are thrown. */
export async function refusable<T>(step: () => Promise<T>): Promise<Refusable<T>> {
  try {
    return { ok: true, value: await step() };
  } catch (error) {
    if (!isOctError(error)) throw error;
    return {
      ok: false,
      code: error.code,
      detail: error.message,
      status: error.status,
      ...(error.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: error.retryAfterSeconds }
        : {}),
    };
  }
}

/** On the Worker's side: the result, or the refusal thrown again as the OctError it was. */
export function unrefused<T>(outcome: Refusable<T>): T {
  if (outcome.ok) return outcome.value;
  throw new OctError(outcome.code, outcome.detail, {
    status: outcome.status,
    ...(outcome.retryAfterSeconds !== undefined
      ? { retryAfterSeconds: outcome.retryAfterSeconds }
      : {}),
  });
}
