/**
 * @module The `oct` command: carrier tooling (keys, JWKS, minting), token
 * inspection and, against a gateway, the enterprise's verbs. Each command
 * has `--help` with an example and `--json` output for scripts.
 */
import { parseArgs } from "node:util";
import { DEFAULT_GATEWAY } from "./client.ts";
import { hasJson, UsageError, type Command, type Output, type Values } from "./command.ts";
import { jwks, keysGenerate, mint } from "./commands/carrier.ts";
import { capture, voidAuthorization } from "./commands/authorization.ts";
import {
  balance,
  metrics,
  quote,
  receiptVerify,
  redeem,
  redemptions,
  settlement,
} from "./commands/gateway.ts";
import { pay } from "./commands/pay.ts";
import { inspect } from "./commands/inspect.ts";
import { settlementReconcile } from "./commands/reconcile.ts";
import {
  statusListCreate,
  statusListGet,
  statusListServe,
  statusListSet,
  statusListSign,
} from "./commands/status-list.ts";
import {
  networkAddCarrier,
  networkAddOperator,
  networkAddProvider,
  networkAddTariff,
  networkInit,
} from "./commands/network.ts";
import {
  conformanceGateway,
  conformanceIssuer,
  conformanceMatrix,
  conformanceNetwork,
} from "./commands/conformance.ts";

/** Every command, in the order `oct --help` lists them. */
const COMMANDS: Command[] = [
  keysGenerate,
  jwks,
  mint,
  statusListCreate,
  statusListSet,
  statusListGet,
  statusListSign,
  statusListServe,
  networkInit,
  networkAddCarrier,
  networkAddProvider,
  networkAddOperator,
  networkAddTariff,
  inspect,
  quote,
  redeem,
  capture,
  voidAuthorization,
  balance,
  pay,
  settlement,
  settlementReconcile,
  redemptions,
  metrics,
  receiptVerify,
  conformanceGateway,
  conformanceIssuer,
  conformanceMatrix,
  conformanceNetwork,
];

export type { Output };

function helpFor(command: Command): string {
  return [
    `oct ${command.name}: ${command.summary}`,
    "",
    `usage:   ${command.usage}`,
    `example: ${command.example}`,
    "",
    ...(command.help ? [command.help, ""] : []),
    "--json prints machine-readable output.",
  ].join("\n");
}

export function overview(): string {
  const lines = ["oct: the Open Compute Token command", "", "commands:"];
  for (const command of COMMANDS) lines.push(`  ${command.name.padEnd(22)} ${command.summary}`);
  lines.push(
    "",
    "`oct <command> --help` shows a command's options and an example.",
    `Commands that call a gateway take --gateway URL (default $OCT_GATEWAY, else ${DEFAULT_GATEWAY}).`,
  );
  return lines.join("\n");
}

/** The commands under a first word (`oct keys` -> `keys generate`), to list when one is not given. */
function groupOf(word: string | undefined): Command[] {
  return COMMANDS.filter((c) => c.name.includes(" ") && c.name.split(" ")[0] === word);
}

function groupOverview(word: string, commands: Command[]): string {
  return [
    `oct ${word}: ${commands.length} command${commands.length > 1 ? "s" : ""}`,
    ...commands.map((c) => `  ${c.name.padEnd(22)} ${c.summary}`),
    "",
    `\`oct ${word} <command> --help\` shows a command's options and an example.`,
  ].join("\n");
}

function find(argv: string[]): Command | undefined {
  // The longest name that the arguments start with ("keys generate" before "keys").
  return COMMANDS.filter((c) => c.name.split(" ").every((word, i) => argv[i] === word)).sort(
    (a, b) => b.name.length - a.name.length,
  )[0];
}

function parse(command: Command, args: string[]): Values {
  const parsed = parseArgs({
    args,
    options: {
      ...command.options,
      help: { type: "boolean", short: "h" },
      json: { type: "boolean" },
    },
    strict: true,
    allowPositionals: command.positional !== undefined,
  });
  const values: Values = parsed.values;
  const positionals = parsed.positionals;
  const name = command.positional;
  if (name !== undefined && positionals.length > 0) {
    if (positionals.length > 1) throw new UsageError(`one ${name} only, got ${positionals.length}`);
    if (values[name] !== undefined)
      throw new UsageError(`give the ${name} once: as an argument or with --${name}, not both`);
    values[name] = positionals[0];
  }
  return values;
}

/** Runs the command line; returns the exit status. */
export async function main(argv: string[], out: Output): Promise<number> {
  const command = find(argv);
  if (!command) {
    if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
      out.print(overview());
      return 0;
    }
    const group = groupOf(argv[0]);
    if (group.length > 0) {
      const rest = argv.slice(1);
      if (rest.length === 0 || rest[0] === "--help" || rest[0] === "-h") {
        out.print(groupOverview(argv[0]!, group));
        return 0;
      }
      out.error(`oct: unknown command "${argv.join(" ")}"\n\n${groupOverview(argv[0]!, group)}`);
      return 2;
    }
    out.error(`oct: unknown command "${argv.join(" ")}"\n\n${overview()}`);
    return 2;
  }
  const rest = argv.slice(command.name.split(" ").length);
  let values: Values = {};
  try {
    values = parse(command, rest);
    if (values.help) {
      out.print(helpFor(command));
      return 0;
    }
    return (await command.run(values, out)) ?? 0;
  } catch (error) {
    const message = (error as Error).message;
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      out.error(`oct ${command.name}: ${message}\n(see \`oct ${command.name} --help\`)`);
      return 2;
    }
    // Scripts get the gateway's problem document on stdout, people the code and detail.
    if (values.json && hasJson(error)) out.print(JSON.stringify(error.json));
    const code = (error as { code?: unknown }).code;
    out.error(`oct ${command.name}: ${typeof code === "string" ? `${code}: ` : ""}${message}`);
    return 1;
  }
}
