/**
 * @module Every case the conformance suite has, as traceability sees it:
 * the vector cases of the gateway suites, the runner's own positive control
 * and the checks of the issuer mode, each with the requirements it names.
 */
import { ISSUER_CHECKS } from "./issuer.ts";
import { loadSuites, VECTORS_DIR } from "./load.ts";
import type { TracedCase } from "./requirements.ts";
import { CONTROL_CASE } from "./run.ts";

export function allTracedCases(vectorsDir = VECTORS_DIR): TracedCase[] {
  const vectors = loadSuites(vectorsDir).flatMap((suite) => suite.cases);
  return [CONTROL_CASE, ...vectors, ...Object.values(ISSUER_CHECKS)].map((c) => ({
    id: c.id,
    level: c.level,
    requirements: [...c.requirements],
  }));
}
