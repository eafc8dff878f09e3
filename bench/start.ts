/**
 * How long `npm start` takes to be ready with its scenarios done: a fresh start (new chain, deploy,
 * seed, scenarios) and a restart from the saved state (deployment reused). Runs scripts/start.ts
 * headless on a free port with throwaway state. Writes bench/results/start.json. Target: ≤ 60 s.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { freePort, PROJECT_ROOT } from "../scripts/lib/local-chain.ts";
import { runScript } from "../scripts/lib/run.ts";
import { machineInfo, writeResult } from "./lib/common.ts";

const CHAIN_ID = 31_997;
const TARGET_MS = 60_000;
const machine = machineInfo();
const stateDir = await mkdtemp(join(tmpdir(), "crossproof-bench-start-"));
const journal = join(PROJECT_ROOT, "ignition", "deployments", `crossproof-${CHAIN_ID}`);

async function run(label: string, port: number) {
  const result = await runScript(
    join(PROJECT_ROOT, "scripts", "start.ts"),
    [
      "--headless",
      "--port",
      String(port),
      "--chain-id",
      String(CHAIN_ID),
      "--state-dir",
      join(stateDir, "chain"),
    ],
    { cwd: PROJECT_ROOT, env: { CROSSPROOF_DEPLOYMENTS_DIR: join(stateDir, "deployments") } },
  );
  const wallMs = Math.round(result.ms);
  if (result.code !== 0) throw new Error(`npm start (${label}) failed:\n${result.stdout}${result.stderr}`);
  const summary = JSON.parse(result.stdout) as {
    readyMs: number;
    reusedDeployment: boolean;
    failures: string[];
  };
  if (summary.failures.length > 0) throw new Error(`npm start (${label}): ${summary.failures.join("; ")}`);
  console.log(`${label}: ready with scenarios done in ${summary.readyMs} ms (process ${wallMs} ms)`);
  return { label, wallMs, readyMs: summary.readyMs, reusedDeployment: summary.reusedDeployment };
}

try {
  await rm(journal, { recursive: true, force: true });
  const port = await freePort();
  const fresh = await run("fresh start", port);
  const restart = await run("restart from saved state", port);
  await writeResult("start", {
    machine,
    target: { readyMs: TARGET_MS },
    pass: fresh.readyMs <= TARGET_MS && restart.readyMs <= TARGET_MS,
    runs: [fresh, restart],
    notes:
      "readyMs: from process start to scenarios 1 and 2 done (chain up, deployed or reused, consortium seeded). " +
      "wallMs also counts Node start-up and the chain's shutdown with its state saved.",
  });
} finally {
  await rm(stateDir, { recursive: true, force: true });
  await rm(journal, { recursive: true, force: true });
}
