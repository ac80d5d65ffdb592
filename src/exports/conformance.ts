/**
 * @module The package's conformance entry (`open-compute-token/conformance`):
 * the suite's runner, as `oct conformance` uses it, for a test harness of
 * one's own. The vectors, the test network and the requirements index ship
 * with it.
 *
 * @example
 * import { runGatewaySuite } from "open-compute-token/conformance";
 * const report = await runGatewaySuite({ url: "http://127.0.0.1:8787" });
 * if (!report.summary.conformant) process.exitCode = 1;
 */
export {
  CallbackError,
  DEFAULT_CALLBACK,
  runGatewaySuite,
  SelectionError,
  SUITE_VERSION,
  type GatewayRunOptions,
} from "../../conformance/runner/run.ts";
export { checkIssuer, ISSUER_CHECKS, type IssuerInput } from "../../conformance/runner/issuer.ts";
export {
  loadSuites,
  loadTestNetwork,
  SUITE_NAMES,
  VECTORS_DIR,
  VectorFileError,
} from "../../conformance/runner/load.ts";
export {
  loadRequirements,
  trace,
  traceProblems,
  type Requirement,
  type Traced,
} from "../../conformance/runner/requirements.ts";
export { writeReports } from "../../conformance/runner/reports/write.ts";
export { toHtml, toMatrixHtml } from "../../conformance/runner/reports/html.ts";
export { toJunit } from "../../conformance/runner/reports/junit.ts";
export type {
  Case,
  CaseResult,
  Level,
  Report,
  Status,
  Suite,
} from "../../conformance/runner/types.ts";
