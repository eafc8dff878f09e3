/** The real `crossproof` bin, as a user runs it: exit code, output, and the output parsed as JSON. */
import { join } from "node:path";

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
