#!/usr/bin/env node
// The `crossproof` command. Runs the TypeScript sources directly on Node >= 22.18 (type stripping).
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `crossproof needs Node.js 22.18 or later (this is ${process.version}). Run it as \`npx crossproof\` ` +
      "inside the project, which uses the project's own Node 22.",
  );
  process.exit(2);
}
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
