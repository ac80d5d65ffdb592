/**
 * @module What an `oct` command is, and the helpers every command shares.
 */
import { readFileSync } from "node:fs";
import type { ParseArgsConfig } from "node:util";

/** A usage error: printed with the command's help hint, exit status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface Command {
  /** The words that name it, e.g. "keys generate". */
  name: string;
  summary: string;
  usage: string;
  example: string;
  /** More help: options, exit statuses, where the answer comes from. */
  help?: string;
  /** The option that a lone positional argument fills (`oct inspect TOKEN`). */
  positional?: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Resolves to the exit status, 0 when it returns nothing. */
  run(values: Values, out: Output): Promise<number | void>;
}

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Output {
  print(text: string): void;
  error(text: string): void;
  /**
   * A transient status line for long runs (`undefined` clears it). Given only
   * when stderr is a terminal, so pipes and logs never see it.
   */
  progress?(text: string | undefined): void;
}

/** An error that also has a JSON form, printed on stdout under `--json`. */
export interface WithJson {
  json: unknown;
}

export function hasJson(error: unknown): error is WithJson {
  return typeof error === "object" && error !== null && "json" in error;
}

/** The text of a file (`-` is standard input), with a clear error when it cannot be read. */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8");
  } catch {
    throw new UsageError(`cannot read ${what} ${path}: no such file or not readable`);
  }
}

export function readJson(path: string, what: string): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`);
  }
}

export function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.length === 0)
    throw new UsageError(`--${name} is required`);
  return value;
}

/** The options that give a command its token: `--token` or `--token-file`. */
export const TOKEN_OPTIONS = {
  token: { type: "string" },
  "token-file": { type: "string" },
} as const;

/**
 * The token of `--token T` or `--token-file FILE` (`-` reads standard input),
 * surrounding whitespace removed.
 */
export function tokenOf(values: Values): string {
  const inline = values.token;
  const file = values["token-file"];
  if (typeof inline === "string" && typeof file === "string")
    throw new UsageError("give the token once: --token or --token-file, not both");
  const token =
    typeof file === "string"
      ? readText(file, "token file").trim()
      : typeof inline === "string"
        ? inline.trim()
        : undefined;
  if (token === undefined)
    throw new UsageError("a token is required: --token T or --token-file FILE");
  if (token === "") throw new UsageError(`the token ${file ? `in ${file} ` : ""}is empty`);
  return token;
}
