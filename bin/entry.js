// Which code `crossproof` runs: the published bundle (dist/cli/current.json, written by
// scripts/build-cli.ts) while every input it was built from still has the modification time and
// size recorded then, else the TypeScript sources. Plain JavaScript with only Node's modules: it
// runs before anything else of the CLI.
import { readFileSync, statSync } from "node:fs";

const projectRoot = new URL("../", import.meta.url);

/**
 * The URL of the CLI's main module: dist/cli/<build>/main.js when the published bundle is
 * current, else src/cli/main.ts (also when CROSSPROOF_FROM_SOURCES is set to anything but "" or
 * "0"). `root` is the project's directory URL (ending in "/").
 *
 * @param {Record<string, string | undefined>} [env]
 * @param {URL} [root]
 * @returns {URL}
 */
export function cliEntry(env = process.env, root = projectRoot) {
  const sources = new URL("src/cli/main.ts", root);
  const forced = env.CROSSPROOF_FROM_SOURCES;
  if (forced !== undefined && forced !== "" && forced !== "0") return sources;
  try {
    const dist = new URL("dist/cli/", root);
    const { build, inputs } = JSON.parse(readFileSync(new URL("current.json", dist), "utf8"));
    // A build name inside dist/cli, and inputs that include the CLI's entry (never none).
    if (typeof build !== "string" || !/^[\w-]+$/.test(build) || !Array.isArray(inputs)) return sources;
    if (!inputs.some((input) => input?.path === "src/cli/main.ts")) return sources;
    for (const { path, mtimeMs, size } of inputs) {
      const now = statSync(new URL(path, root));
      if (now.mtimeMs !== mtimeMs || now.size !== size) return sources;
    }
    return new URL(`${build}/main.js`, dist);
  } catch {
    // No bundle, an unreadable one, or an input gone since: the sources are always right.
    return sources;
  }
}
