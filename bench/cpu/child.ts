/**
 * @module The one-core measurements, in a process of their own that the
 * runner pins to one CPU (`taskset`), so that Web Crypto's worker threads
 * share that core too: the limit, core verification (with each signature
 * port) and the jose reference, per algorithm, interleaved run by run so each
 * ratio is taken within a run.
 *
 * Usage: node bench/cpu/child.ts <fixtures dir> <options JSON>; prints one
 * JSON document on stdout.
 */
import { nodeCryptoSignatures } from "../../src/adapters/crypto/node-signatures.ts";
import { webCryptoSignatures } from "../../src/adapters/crypto/web-crypto-signatures.ts";
import { ALGORITHMS, readFixtures, type BenchAlgorithm } from "../fixtures.ts";
import { coreVerifier } from "./core.ts";
import { joseVerifier } from "./jose-reference.ts";
import { rawVerifier } from "./limit.ts";
import { asyncLoop, syncLoop } from "./loop.ts";

export interface CpuRun {
  /** Raw `crypto.verify` per second. */
  limit: number;
  /** `verifyToken` per second with the Web Crypto signature port (the default). */
  core_webcrypto: number;
  /** `verifyToken` per second with the `node:crypto` signature port. */
  core_node: number;
  /** jose's `jwtVerify` per second (a reference). */
  jose: number;
  core_webcrypto_ratio: number;
  core_node_ratio: number;
  jose_ratio: number;
}

export interface CpuOptions {
  runs: number;
  seconds: number;
  inFlight: number;
}

const MAX_OPS = 1_000_000;

const [dir, json] = process.argv.slice(2);
if (!dir || !json) throw new Error("usage: child.ts <fixtures dir> <options JSON>");
const options = JSON.parse(json) as CpuOptions;
const fixtures = readFixtures(dir);

const subjects = await Promise.all(
  ALGORITHMS.map(async (alg) => {
    const token = fixtures.verifyTokens[alg];
    const key = fixtures.keys[alg];
    const raw = rawVerifier(token, key);
    const core = coreVerifier(fixtures.document, token, webCryptoSignatures);
    const coreNode = coreVerifier(fixtures.document, token, nodeCryptoSignatures);
    const jose = await joseVerifier(token, key);
    // Each path must accept the token before it is timed.
    if (!raw()) throw new Error(`${alg}: raw verification refused the token`);
    await core();
    await coreNode();
    await jose();
    return { alg, raw, core, coreNode, jose };
  }),
);

/** Short slices of each kind, alternated, so that every kind sees the same noise. */
const SLICE_SECONDS = 0.25;

type Kind = "limit" | "core_webcrypto" | "core_node" | "jose";
const KINDS: readonly Kind[] = ["limit", "core_webcrypto", "core_node", "jose"];

async function slice(s: (typeof subjects)[number], kind: Kind, seconds: number) {
  const inFlight = options.inFlight;
  switch (kind) {
    case "limit":
      return syncLoop(s.raw, seconds, MAX_OPS);
    case "core_webcrypto":
      return asyncLoop(s.core, seconds, MAX_OPS, inFlight);
    case "core_node":
      return asyncLoop(s.coreNode, seconds, MAX_OPS, inFlight);
    case "jose":
      return asyncLoop(s.jose, seconds, MAX_OPS, inFlight);
  }
}

const measure = async (s: (typeof subjects)[number], seconds: number): Promise<CpuRun> => {
  const slices = Math.max(1, Math.round(seconds / SLICE_SECONDS));
  const ops = { limit: 0, core_webcrypto: 0, core_node: 0, jose: 0 };
  const time = { ...ops };
  for (let i = 0; i < slices; i++) {
    for (let k = 0; k < KINDS.length; k++) {
      const kind = KINDS[(i + k) % KINDS.length]!; // rotate the order, slice by slice
      const done = await slice(s, kind, seconds / slices);
      ops[kind] += done.ops;
      time[kind] += done.seconds;
    }
  }
  const rate = (kind: Kind) => ops[kind] / time[kind];
  const limit = rate("limit");
  return {
    limit,
    core_webcrypto: rate("core_webcrypto"),
    core_node: rate("core_node"),
    jose: rate("jose"),
    core_webcrypto_ratio: rate("core_webcrypto") / limit,
    core_node_ratio: rate("core_node") / limit,
    jose_ratio: rate("jose") / limit,
  };
};

// Warm-up: let the JIT settle on every path before the first timed run.
for (const subject of subjects) await measure(subject, Math.min(0.5, options.seconds));

const runs = {} as Record<BenchAlgorithm, CpuRun[]>;
for (let run = 0; run < options.runs; run++) {
  for (const subject of subjects) {
    (runs[subject.alg] ??= []).push(await measure(subject, options.seconds));
    process.stderr.write(".");
  }
}
process.stdout.write(JSON.stringify(runs) + "\n");
