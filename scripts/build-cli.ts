/**
 * Bundles the `crossproof` CLI with esbuild: src/cli/main.ts split into one chunk per command
 * (still loaded only when the command runs), and the Merkle builder's worker. Node starts a
 * command from the bundle in about 0.25 s instead of about 0.8 s from the TypeScript sources,
 * which import some 1,500 modules of viem one by one.
 *
 * Each build goes to a directory of its own, dist/cli/<build>/, and is published by replacing
 * dist/cli/current.json (written beside, then renamed: atomic): a CLI already running from an
 * earlier build keeps its files (chunks load lazily), and two builds at once never collide. The
 * build it replaces is stamped with the time; other builds are removed a day after being replaced
 * (or after being built, for one never published).
 *
 * current.json lists every input with its modification time and size as they were when the build
 * began; bin/entry.js runs the bundle only while every input still has exactly those, else the
 * sources, so an edit (or an older copy moved in) is never hidden by the bundle. An input changed
 * while the build ran is recorded as never matching. The inputs: the project's sources in the
 * bundle, this script, tsconfig.json, package.json, and node_modules/.package-lock.json (npm
 * rewrites it on every install).
 *
 * `npm ci` builds it (postinstall), `npm test` again (pretest), both with --if-possible: a failed
 * build is a warning there, and the bin runs the sources. `npm run build:cli` fails on it.
 *
 * Run: `node scripts/build-cli.ts [--if-possible]` (Node ≥ 22.18).
 */
import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { readdir, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const PROJECT_ROOT = resolve(import.meta.dirname, "..");
const DIST = join(PROJECT_ROOT, "dist", "cli");
/** A build is removed this long after it was replaced: a CLI started from it has long finished. */
const PRUNE_AFTER_MS = 24 * 60 * 60 * 1000;
/** Inputs besides the bundled sources (paths relative to the project). */
const BUILD_INPUTS = [
  "scripts/build-cli.ts",
  "tsconfig.json",
  "package.json",
  "node_modules/.package-lock.json",
];

/** An input as current.json records it; `mtimeMs: null` never matches (changed during the build). */
type BuildInput = { path: string; mtimeMs: number | null; size: number };
/** dist/cli/current.json: the published build (see bin/entry.js). */
type CurrentBuild = { build: string; inputs: BuildInput[] };

const { values } = parseArgs({ options: { "if-possible": { type: "boolean", default: false } } });
const started = performance.now();
const buildName = `${new Date().toISOString().replace(/[-:.]/g, "")}-${randomBytes(3).toString("hex")}`;
const directory = join(DIST, buildName);
let published = false;

try {
  // Here, not at the top: without esbuild (an install that skipped it) the bin runs the sources.
  const { build } = await import("esbuild");
  // Times taken before esbuild reads anything: an input saved during the build differs from them.
  const startedAt = Date.now();
  const before = new Map<string, { mtimeMs: number; size: number }>();
  const statInput = (path: string) => {
    const { mtimeMs, size } = statSync(join(PROJECT_ROOT, path));
    return { mtimeMs, size };
  };
  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: { main: "src/cli/main.ts", "merkle-worker": "src/sdk/node/merkle-worker.ts" },
    outdir: directory,
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
    plugins: [
      {
        // Each project source's time and size as esbuild loads it.
        name: "record-inputs",
        setup(plugin) {
          plugin.onLoad({ filter: /\.ts$/ }, (args) => {
            const path = relative(PROJECT_ROOT, args.path);
            if (!path.startsWith("node_modules") && !before.has(path)) before.set(path, statInput(path));
            return undefined;
          });
        },
      },
    ],
  });
  const sources = Object.keys(result.metafile.inputs).filter((path) => !path.includes("node_modules/"));
  const inputs: BuildInput[] = [...sources, ...BUILD_INPUTS].sort().map((path) => {
    const now = statInput(path);
    // A source as esbuild read it (a source it read without telling counts as changed); any input
    // written since the build began: the bundle may hold other content than the file now has.
    const seen = BUILD_INPUTS.includes(path) ? now : before.get(path);
    const changed =
      seen === undefined ||
      seen.mtimeMs !== now.mtimeMs ||
      seen.size !== now.size ||
      now.mtimeMs >= startedAt;
    return { path, mtimeMs: changed ? null : now.mtimeMs, size: now.size };
  });
  const current: CurrentBuild = { build: buildName, inputs };
  const pointer = join(DIST, `current.json.${buildName}.tmp`);
  await writeFile(pointer, `${JSON.stringify(current, null, 2)}\n`);
  const replaced = currentBuild();
  await rename(pointer, join(DIST, "current.json"));
  published = true;
  if (replaced !== undefined && replaced !== buildName) {
    const now = new Date();
    await utimes(join(DIST, replaced), now, now).catch(() => {});
  }
  // Best effort: an old build left behind costs disk space, nothing else.
  await prune(new Set([buildName, replaced ?? buildName])).catch(() => {});
  const stale = inputs.filter((input) => input.mtimeMs === null).map((input) => input.path);
  console.log(
    `crossproof CLI bundled into ${relative(PROJECT_ROOT, directory)} from ${sources.length} sources in ${Math.round(performance.now() - started)} ms` +
      (stale.length > 0
        ? `; ${stale.join(", ")} changed during the build: the CLI runs the sources until the next build`
        : ""),
  );
} catch (error) {
  if (!published) await rm(directory, { recursive: true, force: true });
  // esbuild has printed what failed to build.
  const reason = (error as Error).message.split("\n")[0];
  if (values["if-possible"]) {
    console.warn(
      `crossproof CLI not bundled (${reason}): it runs from the TypeScript sources, slower to start.`,
    );
  } else {
    console.error(`Could not bundle the crossproof CLI: ${reason}`);
    process.exitCode = 1;
  }
}

/** The build dist/cli/current.json names, if any. */
function currentBuild(): string | undefined {
  try {
    const { build } = JSON.parse(readFileSync(join(DIST, "current.json"), "utf8")) as { build?: unknown };
    return typeof build === "string" ? build : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the builds, but `kept`, last changed (built, or stamped when replaced) over PRUNE_AFTER_MS ago. */
async function prune(kept: Set<string>): Promise<void> {
  for (const entry of await readdir(DIST, { withFileTypes: true })) {
    const path = join(DIST, entry.name);
    try {
      if (entry.isDirectory() && !kept.has(entry.name)) {
        if (Date.now() - (await stat(path)).mtimeMs > PRUNE_AFTER_MS)
          await rm(path, { recursive: true, force: true });
      } else if (entry.name.endsWith(".tmp") && Date.now() - (await stat(path)).mtimeMs > PRUNE_AFTER_MS) {
        // A pointer a killed build wrote and never renamed.
        await rm(path, { force: true });
      }
    } catch {
      // Removed by another build meanwhile.
    }
  }
}
