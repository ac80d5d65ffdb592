/**
 * @module `oct settlement reconcile`: the signed grant reports of several
 * gateways (`spec/oct.md` §11.8), from files or URLs, each verified with its
 * gateway's key set, then compared per grant (§11.11): they agree, or each
 * discrepancy is listed.
 */
import { verifyGrantReport, type GrantReport } from "../../core/federation/grant-report.ts";
import { reconcile, type Reconciliation } from "../../core/federation/reconcile.ts";
import { checkPublicJwks, type PublicJwk } from "../../core/keys/jwk.ts";
import { GatewayClient } from "../client.ts";
import { readJson, UsageError, type Command, type Output, type Values } from "../command.ts";

/** Where a report or a key set comes from: a file, or a URL fetched with GET. */
type Source = { kind: "file"; path: string } | { kind: "url"; url: URL };

function sourceOf(text: string): Source {
  if (/^https?:\/\//.test(text)) {
    try {
      return { kind: "url", url: new URL(text) };
    } catch {
      throw new UsageError(`${text} is not a URL`);
    }
  }
  return { kind: "file", path: text };
}

async function load(source: Source, what: string, out: Output): Promise<unknown> {
  if (source.kind === "file") return readJson(source.path, what);
  const client = new GatewayClient(
    source.url.origin,
    out.progress ? { progress: out.progress } : {},
  );
  return (await client.call("GET", source.url.pathname + source.url.search)).body;
}

/** `--keys ID=FILE|URL`, repeatable: the key set of a gateway, by its id. */
function keySources(values: Values): Map<string, Source> {
  const given = values.keys;
  const map = new Map<string, Source>();
  for (const entry of Array.isArray(given) ? given : []) {
    const at = entry.lastIndexOf("=");
    if (at <= 0 || at === entry.length - 1)
      throw new UsageError(`--keys ${entry}: expected GATEWAY-ID=FILE or GATEWAY-ID=URL`);
    map.set(entry.slice(0, at), sourceOf(entry.slice(at + 1)));
  }
  return map;
}

/**
 * The key set of a report's gateway: `--keys` for its id, else the
 * `/.well-known/jwks.json` of the origin the report came from, else of its
 * id when that is an http(s) URL (spec §9.4 step 2).
 */
function keysSourceFor(gateway: string, from: Source, given: Map<string, Source>): Source {
  const named = given.get(gateway);
  if (named) return named;
  const base = from.kind === "url" ? from.url.origin : /^https?:\/\//.test(gateway) ? gateway : "";
  if (!base)
    throw new UsageError(
      `no key set for ${gateway}: give --keys ${gateway}=FILE (its id is not an http(s) URL)`,
    );
  return { kind: "url", url: new URL("/.well-known/jwks.json", base) };
}

async function keysOf(source: Source, out: Output): Promise<Map<string, PublicJwk>> {
  const jwks = await load(source, "key set", out);
  const checked = checkPublicJwks(jwks, 100);
  if ("error" in checked) {
    const where = source.kind === "file" ? source.path : source.url.href;
    throw new Error(`the key set ${where} is refused: ${checked.error}`);
  }
  return checked.keys;
}

function describeReconciliation(result: Reconciliation, reports: GrantReport[]): string {
  const lines = reports.map(
    (r) =>
      `report of ${r.gateway}, ${r.period.from} to ${r.period.to}${r.peer ? ` (peer ${r.peer})` : ""}: ${r.grants.length} grants, signature verified`,
  );
  const counts = { agree: 0, open: 0, discrepancy: 0, unchecked: 0 };
  for (const grant of result.grants) {
    counts[grant.verdict]++;
    if (grant.verdict === "agree") continue;
    lines.push(`  ${grant.id}: ${grant.verdict}: ${grant.issues.join("; ")}`);
  }
  lines.push(
    `${result.grants.length} grants: ${counts.agree} agree, ${counts.open} open, ` +
      `${counts.discrepancy} with discrepancies, ${counts.unchecked} unchecked`,
  );
  lines.push(result.agree ? "the reports agree" : "the reports disagree");
  return lines.join("\n");
}

export const settlementReconcile: Command = {
  name: "settlement reconcile",
  summary: "check that the signed grant reports of several gateways agree, grant by grant",
  usage:
    "oct settlement reconcile --report FILE|URL --report FILE|URL ... [--keys ID=FILE|URL ...]",
  example:
    "oct settlement reconcile --report home.json --report 'https://gw.carrier-b.example/v1/grants?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z'",
  help: [
    "Each report is the JSON answer of GET /v1/grants (spec/oct.md §11.8), from a file or fetched",
    "from a URL. Its signature is verified with its gateway's key set: --keys ID=FILE|URL when",
    "given, else the /.well-known/jwks.json of the origin a report came from, else of the",
    "gateway id when it is an http(s) URL. A report that does not verify stops the command.",
    "Then every grant is compared as its home and its visited gateway signed it (§11.11):",
    "agree, open (still running), a discrepancy (listed), or unchecked (the other side's report",
    "is not among those given).",
    "",
    "Exit status: 0 the reports agree, 1 a discrepancy or a report that does not verify, 2 usage error.",
  ].join("\n"),
  options: {
    report: { type: "string", multiple: true },
    keys: { type: "string", multiple: true },
  },
  async run(values, out) {
    const given = Array.isArray(values.report) ? values.report : [];
    if (given.length === 0) throw new UsageError("--report is required, once per report");
    const keySets = keySources(values);
    const reports: GrantReport[] = [];
    const refused: string[] = [];
    for (const text of given) {
      const source = sourceOf(text);
      const report = await load(source, "grant report", out);
      const gateway = (report as { gateway?: unknown } | null)?.gateway;
      if (typeof gateway !== "string") {
        refused.push(`${text}: not a grant report (no gateway)`);
        continue;
      }
      const keys = await keysOf(keysSourceFor(gateway, source, keySets), out);
      try {
        reports.push(await verifyGrantReport(report, { id: gateway, keys }));
      } catch (error) {
        const code = (error as { code?: string }).code;
        refused.push(`${text}: ${code ? `${code}: ` : ""}${(error as Error).message}`);
      }
    }
    if (refused.length > 0) {
      out.error(
        [
          "oct settlement reconcile: reports that do not verify:",
          ...refused.map((r) => `  ${r}`),
        ].join("\n"),
      );
      return 1;
    }
    const result = reconcile(reports);
    out.print(values.json ? JSON.stringify(result) : describeReconciliation(result, reports));
    return result.agree ? 0 : 1;
  },
};
