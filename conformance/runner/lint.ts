/**
 * @module The prose lint of the vectors, as the JSON-Schema-Test-Suite lints
 * its descriptions: a case's title is unique across the suites and says what
 * the case checks, so a title may not contradict the case's own data (a time
 * it quotes, an error code it names, the verdict it announces).
 */
import type { Case, Suite } from "./types.ts";

const ERROR_CODE = /\b[a-z]+(?:_[a-z]+)+\b/g;
/**
 * Names a title may use without being the case's verdict: claim and member
 * names, and the limits of spec §5.8 (all ending in a unit or a bound).
 */
const LIMIT_NAME = /_(bytes|seconds|ms|keys|per_token|per_redemption|lifetime)$/;
const NOT_CODES = new Set(["jwks_uri", "request_id", "receipt_jwks"]);

/** Every `${now±N}` offset of the case's token recipes, in seconds. */
function offsets(c: Case): Set<number> {
  const found = new Set<number>();
  for (const match of JSON.stringify(c.input).matchAll(/\$\{now([+-]\d+)?\}/g))
    found.add(Number(match[1] ?? 0));
  return found;
}

/** The problems of one case's title, each a sentence. */
function titleProblems(suite: Suite["suite"], c: Case): string[] {
  const problems: string[] = [];
  const title = c.title;
  for (const match of title.matchAll(/(\d+) s (ago|ahead)/g)) {
    const seconds = Number(match[1]) * (match[2] === "ago" ? -1 : 1);
    if (!offsets(c).has(seconds))
      problems.push(
        `says "${match[0]}" but no time of its token is \${now${seconds > 0 ? "+" : ""}${seconds}}`,
      );
  }
  for (const match of title.matchAll(/an hour (ago|ahead)/g)) {
    const seconds = match[1] === "ago" ? -3600 : 3600;
    if (!offsets(c).has(seconds))
      problems.push(`says "${match[0]}" but no time of its token is an hour away`);
  }
  const expected = c.expected as { valid?: boolean; error?: string; code?: string };
  // A sequence's verdicts are those of its steps.
  const verdicts = new Set(
    [expected, ...(c.input.steps ?? []).map((s) => (s.expect ?? {}) as typeof expected)]
      .map((e) => e.error ?? e.code)
      .filter((code) => code !== undefined),
  );
  for (const [code] of title.matchAll(ERROR_CODE)) {
    if (!NOT_CODES.has(code) && !LIMIT_NAME.test(code) && !verdicts.has(code))
      problems.push(
        `names ${code}, but the case expects ${[...verdicts].join(" or ") || "no error"}`,
      );
  }
  if (suite === "token-verification") {
    if (expected.valid === true && !/\baccepted\b/i.test(title))
      problems.push('expects the token to be accepted and should say "accepted"');
    if (expected.valid === false && /\baccepted\b/i.test(title))
      problems.push('expects a refusal but says "accepted"');
  }
  return problems;
}

/** Every problem of the suites' titles, as `id: problem`; empty when they read well. */
export function lintTitles(suites: readonly Suite[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const suite of suites) {
    for (const c of suite.cases) {
      const key = c.title.toLowerCase().replace(/\s+/g, " ").trim();
      const earlier = seen.get(key);
      if (earlier) problems.push(`${c.id}: has the title of ${earlier}`);
      else seen.set(key, c.id);
      problems.push(...titleProblems(suite.suite, c).map((p) => `${c.id}: ${p}`));
    }
  }
  return problems;
}
