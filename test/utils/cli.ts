/** The real `crossproof` bin, as a user runs it: exit code, output, and the output parsed as JSON. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { cliEntry } from "../../bin/entry.js";
import { PROJECT_ROOT } from "../../scripts/lib/local-chain.ts";
import { runScript } from "../../scripts/lib/run.ts";

export const CROSSPROOF_BIN = join(PROJECT_ROOT, "bin", "crossproof.js");

export type CliResult = { code: number; stdout: string; stderr: string; json: Record<string, unknown> };

/** Runs `crossproof <args>` with `env` added to the environment; `json` is `{}` when stdout is not JSON. */
export async function runCli(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  options: { cwd?: string } = {},
): Promise<CliResult> {
  const run = await runScript(CROSSPROOF_BIN, [...args], { env, ...options });
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    // not JSON output
  }
  return { code: run.code, stdout: run.stdout, stderr: run.stderr, json };
}

/**
 * The CLI's bundle, current (scripts/build-cli.ts): npm test builds it first (pretest); a test run
 * started otherwise after an edit builds it here. Returns the bundle's main module.
 */
export async function ensureCliBundle(): Promise<string> {
  const inBundle = () => /[/\\]dist[/\\]cli[/\\][\w-]+[/\\]main\.js$/.test(fileURLToPath(cliEntry({})));
  if (!inBundle()) {
    const built = await runScript(join(PROJECT_ROOT, "scripts", "build-cli.ts"), []);
    if (built.code !== 0 || !inBundle())
      throw new Error(`The CLI's bundle could not be built:\n${built.stdout}${built.stderr}`);
  }
  return fileURLToPath(cliEntry({}));
}
