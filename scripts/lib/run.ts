/** Running one of the project's Node entry points (the CLI, scripts) as a child process, for tests and benchmarks. */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";

export type ScriptRun = { code: number; stdout: string; stderr: string; ms: number };

/** Runs `node <script> ...args` on this Node and collects its output, exit code and wall time. */
export function runScript(
  script: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [script, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => {
      resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - started });
    });
  });
}
