/**
 * @module The most requests per second at a fixed number of concurrent
 * connections (autocannon, in the runner's process, on the client core).
 * Bounded by time and by count, with a guard that stops a run that hangs.
 */
import autocannon from "autocannon";
import type { Endpoint, Verdict } from "../endpoints.ts";

export interface ThroughputResult {
  rps: number;
  responses: number;
  refused: number;
  failed: number;
  /** Responses by HTTP status, plus connection errors and timeouts. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Share of one core the load generator used: near 1, it may be what limits. */
  client_cpu: number;
}

/** A cap well above what two slow cores can serve in the run's time. */
const MAX_REQUESTS_PER_SECOND = 50_000;

export function throughput(
  baseUrl: string,
  endpoint: Endpoint,
  seconds: number,
  connections: number,
): Promise<ThroughputResult> {
  const first = endpoint.next();
  const request: autocannon.Request = {
    method: endpoint.method,
    path: endpoint.path,
    headers: first.headers,
    ...(first.body !== undefined ? { body: first.body } : {}),
    ...(endpoint.constant
      ? {}
      : {
          setupRequest: (req: autocannon.Request) => {
            const next = endpoint.next();
            return { ...req, headers: next.headers, body: next.body };
          },
        }),
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        connections,
        duration: seconds,
        maxOverallRequests: Math.ceil(MAX_REQUESTS_PER_SECOND * seconds),
        timeout: 10,
        requests: [request],
      },
      (error, result) => {
        clearTimeout(guard);
        if (error) return reject(error);
        const wall = (performance.now() - started) / 1000;
        const cpu = process.cpuUsage(cpuBefore);
        const counts: Record<Verdict, number> = { ok: 0, refused: 0, failed: 0 };
        let responses = 0;
        const statuses: Record<string, number> = {};
        for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) {
          responses += Number(count);
          statuses[status] = Number(count);
          // autocannon does not keep bodies; the preflight checked one.
          counts[endpoint.judge(Number(status), "")] += Number(count);
        }
        resolve({
          rps: responses / (result.duration || wall),
          responses,
          refused: counts.refused,
          // `errors` counts connection errors and timeouts alike.
          failed: counts.failed + result.errors,
          statuses,
          errors: result.errors,
          timeouts: result.timeouts,
          client_cpu: (cpu.user + cpu.system) / 1e6 / wall,
        });
      },
    );
    const guard = setTimeout(() => instance.stop(), (seconds + 30) * 1000);
  });
}
