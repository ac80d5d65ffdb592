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
  options: NonNullable<ParseArgsConfig["options"]>;
  run(values: Values, out: Output): Promise<void>;
}

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Output {
  print(text: string): void;
  error(text: string): void;
}

export function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`cannot read ${what} ${path}: no such file or not readable`);
  }
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
