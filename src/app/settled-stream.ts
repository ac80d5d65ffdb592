/**
 * @module A streamed answer's body, passed through unchanged, that settles
 * its payment when it ends (`spec/oct.md` §16.2 step 7): when the handler's
 * stream is done, what it reported (or the price), before the last byte
 * leaves, so the request stays alive while the capture runs (Workers ends a
 * request's work when its answer is complete); when the client goes away or
 * the stream fails, what was reported until then. Once, either way.
 */
import type { Payment } from "./payment.ts";

/**
 * `body`, settling `payment` at its end; failures of the settlement go to
 * `report` (the answer has left: nobody else can hear of them), and the
 * work of a settlement after a cancel to `keepAlive` where the runtime has it.
 */
export function settledStream(
  body: ReadableStream<Uint8Array>,
  payment: Payment,
  report: (error: Error) => void,
  keepAlive: (work: Promise<unknown>) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const settle = (how: Promise<unknown>) => how.then(() => undefined, report);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        await settle(payment.cut());
        controller.error(error);
        return;
      }
      if (!chunk.done) {
        controller.enqueue(chunk.value);
        return;
      }
      await settle(payment.settle());
      controller.close();
    },
    async cancel(reason) {
      // The handler's stream learns first that nobody reads it (Hono's `stream.aborted`).
      const cancelled = reader.cancel(reason).catch(() => undefined);
      const work = settle(payment.cut());
      keepAlive(work);
      await Promise.all([cancelled, work]);
    },
  });
}
