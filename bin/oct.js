#!/usr/bin/env node
// The `oct` command. Needs Node.js >= 22.18 (TypeScript type stripping); the
// project's `node` devDependency provides it to `npm run oct` and `npx oct`.
import { main } from "../src/cli/main.ts";

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
