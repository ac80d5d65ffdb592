/**
 * @module Service latency with one request at a time over one keep-alive
 * connection (`node:http` Agent), timed with `process.hrtime.bigint()` in
 * microseconds: no queueing, so the figure is the server's own cost plus
 * the loopback round trip and this client's HTTP stack (which the bare
 * endpoint shows). Bounded by time and by count.
 */
import http from "node:http";
import type { Endpoint, Verdict } from "../endpoints.ts";
import { percentile } from "../stats.ts";

export interface LatencyResult {
  requests: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  max_us: number;
  refused: number;
  failed: number;
  /** The first answer of each kind that was not a success (status, or the error). */
  samples: Record<string, string>;
}

interface Answer {
  status: number;
  body: string;
}

export function send(
  agent: http.Agent,
  url: URL,
  endpoint: Endpoint,
  request: { body?: string; headers: Record<string, string> },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...request.headers };
    if (request.body !== undefined) headers["content-length"] = Buffer.byteLength(request.body);
    const req = http.request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        method: endpoint.method,
        path: endpoint.path,
        headers,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error("timed out after 10 s")));
    req.on("error", reject);
    req.end(request.body);
  });
}

/** One request, judged; throws with the answer when it is not a success. */
export async function preflight(baseUrl: string, endpoint: Endpoint): Promise<void> {
  const agent = new http.Agent({ keepAlive: false });
  try {
    const answer = await send(agent, new URL(baseUrl), endpoint, endpoint.next());
    if (endpoint.judge(answer.status, answer.body) !== "ok") {
      throw new Error(`${endpoint.id}: ${answer.status} ${answer.body.slice(0, 500)}`);
    }
  } finally {
    agent.destroy();
  }
}

export async function sequentialLatency(
  baseUrl: string,
  endpoint: Endpoint,
  seconds: number,
  maxRequests: number,
): Promise<LatencyResult> {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times = new Float64Array(maxRequests);
  const counts: Record<Verdict, number> = { ok: 0, refused: 0, failed: 0 };
  const samples: Record<string, string> = {};
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  try {
    while (n < maxRequests && performance.now() < deadline) {
      const request = endpoint.next();
      const started = process.hrtime.bigint();
      let verdict: Verdict;
      try {
        const answer = await send(agent, url, endpoint, request);
        times[n] = Number(process.hrtime.bigint() - started) / 1000;
        verdict = endpoint.judge(answer.status, answer.body);
        if (verdict !== "ok") samples[String(answer.status)] ??= answer.body.slice(0, 300);
      } catch (error) {
        times[n] = Number(process.hrtime.bigint() - started) / 1000;
        verdict = "failed";
        samples.error ??= String(error).slice(0, 300);
      }
      counts[verdict]++;
      n++;
    }
  } finally {
    agent.destroy();
  }
  const sorted = times.subarray(0, n).sort();
  return {
    requests: n,
    p50_us: percentile(sorted, 50),
    p90_us: percentile(sorted, 90),
    p99_us: percentile(sorted, 99),
    max_us: sorted[n - 1] ?? Number.NaN,
    refused: counts.refused,
    failed: counts.failed,
    samples,
  };
}
