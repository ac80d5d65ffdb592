/**
 * @module The `oct` command: carrier tooling (keys, JWKS, minting) and,
 * against a gateway, the enterprise's verbs. Each command has `--help`.
 */
import { parseArgs } from "node:util";
import { UsageError, type Command, type Output } from "./command.ts";
import { jwks, keysGenerate, mint } from "./commands/carrier.ts";

/** Every command, in the order `oct --help` lists them. */
const COMMANDS: Command[] = [keysGenerate, jwks, mint];

export type { Output };

function helpFor(command: Command): string {
  return [
    `oct ${command.name}: ${command.summary}`,
    "",
    `usage:   ${command.usage}`,
    `example: ${command.example}`,
    "",
    "--json prints machine-readable output.",
  ].join("\n");
}

export function overview(): string {
  const lines = ["oct: the Open Compute Token command", "", "commands:"];
  for (const command of COMMANDS) lines.push(`  ${command.name.padEnd(22)} ${command.summary}`);
  lines.push("", "`oct <command> --help` shows a command's options and an example.");
  return lines.join("\n");
}

function find(argv: string[]): Command | undefined {
  // The longest name that the arguments start with ("keys generate" before "keys").
  return COMMANDS.filter((c) => c.name.split(" ").every((word, i) => argv[i] === word)).sort(
    (a, b) => b.name.length - a.name.length,
  )[0];
}

/** Runs the command line; returns the exit status. */
export async function main(argv: string[], out: Output): Promise<number> {
  const command = find(argv);
  if (!command) {
    if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
      out.print(overview());
      return 0;
    }
    out.error(`oct: unknown command "${argv.join(" ")}"\n\n${overview()}`);
    return 2;
  }
  const rest = argv.slice(command.name.split(" ").length);
  try {
    const { values } = parseArgs({
      args: rest,
      options: {
        ...command.options,
        help: { type: "boolean", short: "h" },
        json: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      out.print(helpFor(command));
      return 0;
    }
    await command.run(values, out);
    return 0;
  } catch (error) {
    const message = (error as Error).message;
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      out.error(`oct ${command.name}: ${message}\n(see \`oct ${command.name} --help\`)`);
      return 2;
    }
    out.error(
      `oct ${command.name}: ${(error as { code?: string }).code ? `${(error as { code: string }).code}: ` : ""}${message}`,
    );
    return 1;
  }
}
