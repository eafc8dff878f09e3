/**
 * Bundles the `crossproof` CLI into dist/cli with esbuild: src/cli/main.ts split into one chunk
 * per command (still loaded only when the command runs), and the Merkle builder's worker. Node
 * starts a command from the bundle in about 0.3 s instead of about 0.8 s from the TypeScript
 * sources, which import some 1,500 modules of viem one by one.
 *
 * `npm ci` builds it (postinstall), `npm test` again (pretest). bin/crossproof.js runs the bundle
 * only while no source it was built from changed since (bin/entry.js reads dist/cli/inputs.json,
 * written last); otherwise it runs the sources, so an edit is never hidden by an old bundle.
 * The build goes to a temporary directory first: an interrupted build leaves the previous bundle
 * (or none) in place, never half of one.
 *
 * Run: `node scripts/build-cli.ts` (Node ≥ 22.18).
 */
import { rm, rename, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";

import { build } from "esbuild";

const PROJECT_ROOT = resolve(import.meta.dirname, "..");
const started = performance.now();
const target = join(PROJECT_ROOT, "dist", "cli");
const staging = `${target}.tmp-${process.pid}`;

try {
  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: { main: "src/cli/main.ts", "merkle-worker": "src/sdk/node/merkle-worker.ts" },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    // pg loads its optional native binding with require(); it stays in node_modules.
    external: ["pg"],
    // CommonJS dependencies bundled into an ES module still call require() for Node's built-ins.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
    metafile: true,
    logLevel: "warning",
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((path) => !path.includes("node_modules/"))
    .sort();
  // The dependencies as installed: npm rewrites this file on every install.
  inputs.push("node_modules/.package-lock.json");
  // Written last: its time is the bundle's (bin/entry.js compares the inputs' times with it).
  await writeFile(join(staging, "inputs.json"), `${JSON.stringify({ inputs }, null, 2)}\n`);
  await rm(target, { recursive: true, force: true });
  await rename(staging, target);
  console.log(
    `crossproof CLI bundled into ${relative(PROJECT_ROOT, target)} from ${inputs.length - 1} sources in ${Math.round(performance.now() - started)} ms`,
  );
} catch (error) {
  await rm(staging, { recursive: true, force: true });
  // esbuild has printed what failed to build; the bin keeps running the sources meanwhile.
  console.error(`Could not bundle the crossproof CLI: ${(error as Error).message.split("\n")[0]}`);
  process.exitCode = 1;
}
