// Which code `crossproof` runs: the bundle in dist/cli (scripts/build-cli.ts) while it is newer
// than every source it was built from, else the TypeScript sources. Plain JavaScript, no imports
// beyond Node's: it runs before anything else of the CLI.
import { readFileSync, statSync } from "node:fs";

const projectRoot = new URL("../", import.meta.url);

/**
 * The URL of the CLI's main module: dist/cli/main.js when the bundle is current, else
 * src/cli/main.ts (also when CROSSPROOF_FROM_SOURCES is set to anything but "" or "0").
 * `root` is the project's directory URL (ending in "/").
 */
export function cliEntry(env = process.env, root = projectRoot) {
  const bundle = new URL("dist/cli/", root);
  const sources = new URL("src/cli/main.ts", root);
  const forced = env.CROSSPROOF_FROM_SOURCES;
  if (forced !== undefined && forced !== "" && forced !== "0") return sources;
  try {
    const manifest = new URL("inputs.json", bundle);
    const builtAt = statSync(manifest).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(manifest, "utf8"));
    for (const input of inputs) if (statSync(new URL(input, root)).mtimeMs > builtAt) return sources;
    return new URL("main.js", bundle);
  } catch {
    // No bundle, an unreadable one, or a source gone since: the sources are always right.
    return sources;
  }
}
