/**
 * @module The shapes the conformance runner reads (vector suites, their
 * types generated from `conformance/schema/vectors.schema.json`) and writes
 * (results and reports).
 */
import type { Case } from "./generated/vectors.ts";

export type {
  Case,
  Mutation,
  RequestRecipe,
  Step,
  Suite,
  TokenRecipe,
} from "./generated/vectors.ts";

export type Level = Case["level"];

/** One HTTP exchange as the report shows it. */
export interface Exchange {
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: { status: number; headers: Record<string, string>; body: string };
  error?: string;
}

export type Status = "pass" | "fail" | "error" | "skip";

export interface CaseResult {
  id: string;
  suite: string;
  title: string;
  level: Level;
  section: string;
  flags: string[];
  status: Status;
  /** Why it failed, in one sentence. */
  message?: string;
  expected: unknown;
  received?: unknown;
  exchanges: Exchange[];
  durationMs: number;
}

export interface Report {
  tool: { name: "oct-conformance"; version: string };
  target: { kind: "gateway" | "issuer"; url?: string; name?: string };
  startedAt: string;
  finishedAt: string;
  summary: {
    total: number;
    passed: number;
    failed: number;
    errors: number;
    skipped: number;
    byLevel: Record<Level, { passed: number; failed: number }>;
    /** True when no MUST case failed or errored. */
    conformant: boolean;
  };
  results: CaseResult[];
}
