#!/usr/bin/env node
// The `crossproof` command, on Node >= 22.18: the bundle npm builds (dist/cli, fast to start)
// while it is current, else the TypeScript sources directly (type stripping); see bin/entry.js.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `crossproof needs Node.js 22.18 or later (this is ${process.version}). Run it as \`npx crossproof\` ` +
      "inside the project, which uses the project's own Node 22.",
  );
  process.exit(2);
}
// A reader that stops early (`crossproof … | head`) closes the pipe: end quietly, no stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { cliEntry } = await import("./entry.js");
const entry = cliEntry();
let cli;
try {
  cli = await import(entry.href);
} catch (error) {
  // A bundle removed under our feet (dist/cli deleted by hand): the sources are always there.
  if (!entry.pathname.endsWith("/main.js") || error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
  cli = await import(cliEntry({ CROSSPROOF_FROM_SOURCES: "1" }).href);
}
process.exitCode = await cli.main(process.argv.slice(2));
