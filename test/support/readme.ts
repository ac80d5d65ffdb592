/**
 * @module The shell commands of a README.md section, read from the text
 * itself so that a test of them and the text cannot drift apart.
 */

export interface ReadmeCommand {
  /** The command as written, continuation lines (`\` newline) included. */
  text: string;
  /** The same on one line, to name it. */
  line: string;
}

/**
 * Every command line of the ```sh blocks of the section `## heading`, in
 * order. Blocks may be indented (inside a list item).
 */
export function readmeCommands(markdown: string, heading: string): ReadmeCommand[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "## ${heading}"`);
  const end = markdown.indexOf("\n## ", start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  const commands: ReadmeCommand[] = [];
  for (const block of section.matchAll(/^( *)```sh\n([\s\S]*?)^\1```$/gm)) {
    const indent = block[1]!.length;
    const lines = block[2]!.split("\n").map((line) => line.slice(indent));
    let pending: string[] = [];
    for (const line of lines) {
      if (pending.length === 0 && line.trim() === "") continue;
      pending.push(line);
      if (line.endsWith("\\")) continue;
      const text = pending.join("\n");
      commands.push({ text, line: text.replace(/\\\n\s*/g, "").trim() });
      pending = [];
    }
  }
  return commands;
}
