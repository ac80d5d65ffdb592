#!/usr/bin/env node
/**
 * @module The `oct` command's entry: the package's `bin` once built
 * (`dist/bin/oct.js`), `npm run oct` from the sources. It checks the Node.js
 * version before it loads anything else, so that an old Node.js gets one
 * line instead of a stack trace.
 */
import { isTooOld, tooOldMessage } from "../src/cli/node-version.ts";

if (isTooOld(process.versions.node)) {
  process.stderr.write(`oct: ${tooOldMessage(process.versions.node)}\n`);
  process.exit(1);
}

const { main } = await import("../src/cli/main.ts");

process.exitCode = await main(process.argv.slice(2), {
  print: (text) => process.stdout.write(text + "\n"),
  error: (text) => process.stderr.write(text + "\n"),
  // A transient status line for slow calls, only on a terminal.
  ...(process.stderr.isTTY
    ? {
        progress: (text) =>
          process.stderr.write(text === undefined ? "\r\x1b[K" : `\r\x1b[K${text}`),
      }
    : {}),
});
