/**
 * @module The shapes the conformance runner reads (vector suites) and
 * writes (results and reports).
 */
import type { TokenRecipe } from "./token-recipe.ts";

export type Level = "MUST" | "SHOULD" | "MAY";

export interface Case {
  id: string;
  title: string;
  level: Level;
  section: string;
  flags: string[];
  input: {
    token?: TokenRecipe;
    request?: RequestSpec;
    quote?: Record<string, unknown>;
    steps?: Step[];
  };
  expected: Record<string, unknown>;
}

export interface Suite {
  suite: "token-verification" | "http-api" | "conversion" | "redemption" | "receipts";
  version: string;
  title: string;
  description: string;
  notes?: Record<string, string>;
  cases: Case[];
}

export interface RequestSpec {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
  bodyText?: string;
  bodyRepeat?: { prefix: string; text: string; count: number; suffix: string };
  token?: TokenRecipe;
}

export interface Step {
  do:
    | "redeem"
    | "quote"
    | "balance"
    | "get"
    | "capture"
    | "void"
    | "wait"
    | "concurrent"
    | "receipt"
    | "settlement";
  key?: string | null;
  keyPrefix?: string;
  count?: number;
  /** `wait`: how long, in seconds. */
  seconds?: number;
  body?: Record<string, unknown>;
  token?: TokenRecipe & { sameIdentity?: boolean };
  ref?: string;
  save?: string;
  expect?: Record<string, unknown>;
}

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
