/**
 * @module Running a command-line entry (`oct`, the demo) in this process,
 * capturing what it prints and its exit status.
 */
import type { Output } from "../../src/cli/command.ts";

export type Entry = (argv: string[], out: Output) => Promise<number>;

export async function capture(entry: Entry, argv: string[]) {
  let stdout = "";
  let stderr = "";
  const status = await entry(argv, {
    print: (t) => (stdout += t + "\n"),
    error: (t) => (stderr += t + "\n"),
  });
  return { status, stdout, stderr };
}
