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
  Served,
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
  /** The requirements of spec/oct.md the case checks. */
  requirements: string[];
  flags: string[];
  status: Status;
  /** Why it failed, in one sentence. */
  message?: string;
  expected: unknown;
  received?: unknown;
  exchanges: Exchange[];
  durationMs: number;
}

export interface LevelCount {
  passed: number;
  failed: number;
}

export interface Report {
  tool: { name: "oct-conformance"; version: string };
  target: { kind: "gateway" | "issuer"; url?: string; name?: string };
  startedAt: string;
  finishedAt: string;
  /** False when the implementation could not be reached at all (the control never got an answer). */
  reachable: boolean;
  summary: {
    total: number;
    passed: number;
    failed: number;
    errors: number;
    skipped: number;
    byLevel: Record<Level, LevelCount>;
    /** True when no MUST case failed, erred or was skipped. */
    conformant: boolean;
    /** SHOULD cases that failed or erred: warnings, unless the run is strict. */
    warnings: number;
  };
  /** What the runner noticed beside the cases (a clock that differs from its own). */
  notes: string[];
  results: CaseResult[];
}
