/**
 * @module `npm start`: the Node.js gateway from its TypeScript sources
 * (src/runtime/node.ts). Plain JavaScript, so that a Node.js that cannot run
 * the sources gets one line saying so, not a stack trace.
 */
// Node.js strips types itself from 22.18 on (`process.features.typescript`);
// the project's `node` devDependency brings such a Node.js to every npm script.
if (!process.features.typescript) {
  process.stderr.write(
    `oct: npm start runs the gateway from its TypeScript sources, which needs Node.js 22.18 or later ` +
      `with type stripping; this is Node.js ${process.versions.node} (\`npm install\` brings one as the \`node\` devDependency)\n`,
  );
  process.exit(1);
}

await import("../src/runtime/node.ts");
