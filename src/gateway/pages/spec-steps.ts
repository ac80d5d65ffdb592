/**
 * @module The steps of `spec/oct.md` §6.2 as HTML, each under its own
 * anchor (`#spec-6.2-step-3`), for pages that link a verification step to
 * its text. The text comes from the OpenAPI document's
 * `x-oct-verification-steps`, generated from the spec by `npm run gen`.
 */
import { OPENAPI } from "../../generated/openapi.ts";

interface SpecStep {
  step: number;
  title: string;
  text: string;
}

export const SPEC_STEPS = OPENAPI["x-oct-verification-steps"] as readonly SpecStep[];

/** The anchor of a step's text: `6.2 step 3` -> `spec-6.2-step-3`. */
export const stepAnchor = (step: number) => `spec-6.2-step-${step}`;

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The spec's inline Markdown: `code` and **strong**, on escaped text. */
const inline = (text: string) =>
  escape(text)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");

/** A step's text: a paragraph, then its numbered or bulleted sub-steps, if any. */
function stepHtml(text: string): string {
  const blocks: { list?: "ol" | "ul"; lines: string[] }[] = [];
  for (const line of text.split("\n")) {
    const item = /^(\d+\.|-) (.*)$/.exec(line);
    if (item) blocks.push({ list: item[1] === "-" ? "ul" : "ol", lines: [item[2]!] });
    else if (blocks.length > 0) blocks.at(-1)!.lines.push(line.trim());
    else blocks.push({ lines: [line.trim()] });
  }
  let html = "";
  let open: "ol" | "ul" | undefined;
  for (const block of blocks) {
    if (block.list !== open) {
      if (open) html += `</${open}>`;
      if (block.list) html += `<${block.list}>`;
      open = block.list;
    }
    const content = inline(block.lines.join(" "));
    html += block.list ? `<li>${content}</li>` : `<p>${content}</p>`;
  }
  return open ? `${html}</${open}>` : html;
}

/** The section listing every step of §6.2, each with its anchor. */
export function specStepsSection(): string {
  const items = SPEC_STEPS.map(
    (s) =>
      `<li id="${stepAnchor(s.step)}" tabindex="-1"><strong>${escape(s.title)}.</strong> ${stepHtml(s.text)}</li>`,
  ).join("\n");
  return `<section id="algorithm" aria-labelledby="algorithm-title">
<h2 id="algorithm-title">Specification §6.2: the verification algorithm</h2>
<p class="hint">The steps run in order and stop at the first failure (spec/oct.md, version ${escape(String((OPENAPI.info as { version: string }).version))}).</p>
<ol class="spec-steps">
${items}
</ol>
</section>`;
}
