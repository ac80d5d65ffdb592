/**
 * @module The report as one self-contained HTML page: a summary, then every
 * case; each failure opens to show the spec section, what was sent, what
 * was expected and what came back; then the requirements of the spec, each
 * with the cases of this run that check it, its gaps, or why no case can.
 * And the interop matrix of several implementations (cases ×
 * implementations).
 */
import { allTracedCases } from "../catalogue.ts";
import { loadRequirements, trace, traceSummary, type Requirement } from "../requirements.ts";
import type { CaseResult, Report } from "../types.ts";

const escapeHtml = (text: string) =>
  text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem} .meta{color:#57606a;margin-bottom:1.25rem}
.cards{display:flex;gap:.75rem;flex-wrap:wrap;margin-bottom:1.5rem}
.card{border:1px solid #d0d7de;border-radius:8px;padding:.6rem 1rem;min-width:7rem}
.card b{display:block;font-size:1.4rem}
.ok{color:#116329} .bad{color:#a40e26} .warn{color:#7d4e00}
table{border-collapse:collapse;width:100%} th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0} td.st{font-weight:600;white-space:nowrap}
details{margin:.25rem 0} summary{cursor:pointer} pre{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:18rem;white-space:pre-wrap;word-break:break-all}
.filter{margin:0 0 1rem} code{font-size:12px}
`;

const statusLabel: Record<CaseResult["status"], string> = {
  pass: "✓ pass",
  fail: "✗ fail",
  error: "! error",
  skip: "– skip",
};
const statusClass: Record<CaseResult["status"], string> = {
  pass: "ok",
  fail: "bad",
  error: "bad",
  skip: "warn",
};

function row(r: CaseResult): string {
  const details =
    r.status === "pass"
      ? ""
      : `<details><summary>${escapeHtml(r.message ?? "")}</summary>
<p>spec/oct.md §${escapeHtml(r.section)} · flags: ${escapeHtml(r.flags.join(", ") || "none")}</p>
<p><b>Expected</b></p><pre>${escapeHtml(JSON.stringify(r.expected, null, 2))}</pre>
<p><b>Received</b></p><pre>${escapeHtml(JSON.stringify(r.received ?? null, null, 2))}</pre>
<p><b>Sent and answered</b></p><pre>${escapeHtml(JSON.stringify(r.exchanges, null, 2))}</pre></details>`;
  return `<tr data-status="${r.status}"><td class="st ${statusClass[r.status]}">${statusLabel[r.status]}</td><td><code>${escapeHtml(r.id)}</code></td><td>${r.level}</td><td>§${escapeHtml(r.section)}</td><td>${escapeHtml(r.title)}${details}</td></tr>`;
}

/** A requirement's row: its cases in this run, with their results, or why none can check it. */
function requirementRow(
  r: Requirement,
  results: readonly CaseResult[],
  gaps: readonly string[],
): string {
  const ran = results.filter((c) => c.requirements.includes(r.id));
  const cases =
    r.check === "none"
      ? `<span class="warn">not over HTTP: ${escapeHtml(r.reason ?? "")}</span>`
      : [
          ...ran.map(
            (c) =>
              `<span class="${statusClass[c.status]}" title="${escapeHtml(c.title)}">${escapeHtml(c.id)} ${statusLabel[c.status].slice(0, 1)}</span>`,
          ),
          ...gaps.map((level) => `<span class="bad">gap: no ${level} case</span>`),
        ].join(" ") || "—";
  return `<tr><td><code>${escapeHtml(r.id)}</code></td><td>§${escapeHtml(r.section)}</td><td>${r.levels.join(", ")}</td><td>${escapeHtml(r.sentence)}</td><td>${cases}</td></tr>`;
}

/** The requirement → cases matrix of a report: every requirement of the spec, and this run's cases. */
function requirementsSection(report: Report): string {
  const requirements = loadRequirements();
  const traced = trace(requirements, allTracedCases());
  const s = traceSummary(traced);
  const rows = traced.map((t) => requirementRow(t.requirement, report.results, t.gaps));
  return `<h2 id="requirements">Requirements</h2>
<p class="meta">${s.requirements} requirements of spec/oct.md: ${s.testable} checked by cases (${s.gaps} gaps in the suite), ${s.untestable} not testable over HTTP. Each row shows the cases of this run that check it.</p>
<table><thead><tr><th>Id</th><th>Section</th><th>Level</th><th>Requirement</th><th>Cases of this run</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>`;
}

export function toHtml(report: Report): string {
  const s = report.summary;
  const verdict = !report.reachable
    ? `<span class="bad">not conformant: the implementation cannot be reached</span>`
    : s.conformant
      ? `<span class="ok">conformant: every MUST case passed${s.warnings > 0 ? ` (${s.warnings} SHOULD warning(s))` : ""}</span>`
      : `<span class="bad">not conformant: ${s.byLevel.MUST.failed} MUST case(s) failed</span>`;
  const notes = report.notes.map((n) => `<p class="warn">note: ${escapeHtml(n)}</p>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>OCT conformance report</title><style>${STYLE}</style></head><body>
<h1>OCT conformance report</h1>
<div class="meta">${escapeHtml(report.target.name ?? report.target.url ?? "")} · suite ${escapeHtml(report.tool.version)} · ${escapeHtml(report.startedAt)} → ${escapeHtml(report.finishedAt)}</div>
<p>${verdict}</p>${notes}
<div class="cards">
<div class="card"><b>${s.total}</b>cases</div>
<div class="card ok"><b>${s.passed}</b>passed</div>
<div class="card bad"><b>${s.failed}</b>failed</div>
<div class="card bad"><b>${s.errors}</b>errors</div>
<div class="card warn"><b>${s.skipped}</b>skipped</div>
<div class="card"><b>${s.byLevel.MUST.passed}/${s.byLevel.MUST.passed + s.byLevel.MUST.failed}</b>MUST</div>
<div class="card"><b>${s.byLevel.SHOULD.passed}/${s.byLevel.SHOULD.passed + s.byLevel.SHOULD.failed}</b>SHOULD</div>
</div>
<label class="filter"><input type="checkbox" id="failures"> show failures only</label>
<table><thead><tr><th>Result</th><th>Case</th><th>Level</th><th>Section</th><th>Title</th></tr></thead>
<tbody>${report.results.map(row).join("\n")}</tbody></table>
${report.target.kind === "gateway" ? requirementsSection(report) : ""}
<script>
document.getElementById("failures").addEventListener("change", (e) => {
  for (const tr of document.querySelectorAll("tbody tr[data-status]")) tr.hidden = e.target.checked && tr.dataset.status === "pass";
});
</script>
</body></html>
`;
}

/** Cases × implementations, from several reports. */
export function toMatrixHtml(reports: readonly Report[]): string {
  const names = reports.map((r) => r.target.name ?? r.target.url ?? "?");
  const ids: { id: string; title: string; level: string; section: string }[] = [];
  const seen = new Set<string>();
  for (const r of reports) {
    for (const c of r.results) {
      if (!seen.has(c.id)) {
        seen.add(c.id);
        ids.push({ id: c.id, title: c.title, level: c.level, section: c.section });
      }
    }
  }
  const cell = (report: Report, id: string) => {
    const result = report.results.find((c) => c.id === id);
    if (!result) return `<td class="warn">–</td>`;
    return `<td class="${statusClass[result.status]}" title="${escapeHtml(result.message ?? "")}">${statusLabel[result.status]}</td>`;
  };
  const header = names.map((n, i) => {
    const s = reports[i]!.summary;
    const reached = reports[i]!.reachable;
    return `<th>${escapeHtml(n)}<br><small class="${reached && s.conformant ? "ok" : "bad"}">${reached ? `${s.passed}/${s.total}` : "cannot be reached"}</small></th>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OCT interoperability matrix</title><style>${STYLE}</style></head><body>
<h1>OCT interoperability matrix</h1>
<div class="meta">${reports.length} implementation(s) · ${ids.length} case(s)</div>
<table><thead><tr><th>Case</th><th>Level</th><th>Section</th><th>Title</th>${header.join("")}</tr></thead><tbody>
${ids.map((c) => `<tr><td><code>${escapeHtml(c.id)}</code></td><td>${c.level}</td><td>§${escapeHtml(c.section)}</td><td>${escapeHtml(c.title)}</td>${reports.map((r) => cell(r, c.id)).join("")}</tr>`).join("\n")}
</tbody></table></body></html>
`;
}
