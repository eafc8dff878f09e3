/**
 * `npm run bench`: the whole benchmark, one part after another, each in its own process: gas
 * (Hardhat, in-process EDR), DID registry gas side by side with the stock ERC-1056 registry, consent
 * and credit-order gas, governance gas at the issuer registry's cap, Merkle batches, verification latency against a local node, `npm start`
 * readiness, the audit index (ingest from anvil, queries over 1,000,000 events on SQLite and on a
 * throwaway PostgreSQL; about 8 minutes), then the report. `npm run bench -- merkle start` runs only
 * the named parts; the report is rebuilt from whatever results exist. (bench/cli-batch.ts takes
 * minutes and runs by hand.)
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";

import { PROJECT_ROOT } from "./lib/common.ts";

const require = createRequire(import.meta.url);
const hardhatCli = join(dirname(require.resolve("hardhat/package.json")), "dist", "src", "cli.js");

const PARTS: Record<string, string[]> = {
  gas: [hardhatCli, "run", "bench/gas.ts"],
  "did-gas": [hardhatCli, "run", "bench/did-gas.ts"],
  "credit-gas": [hardhatCli, "run", "bench/credit-gas.ts"],
  "gov-gas": [hardhatCli, "run", "bench/gov-gas.ts"],
  merkle: ["bench/merkle.ts"],
  "verify-latency": ["bench/verify-latency.ts"],
  start: ["bench/start.ts"],
  audit: ["bench/audit.ts"],
  report: ["bench/report.ts"],
};

const requested = process.argv.slice(2);
for (const name of requested) {
  if (!(name in PARTS))
    throw new Error(`Unknown part "${name}"; choose from ${Object.keys(PARTS).join(", ")}.`);
}
const selected = requested.length > 0 ? [...new Set([...requested, "report"])] : Object.keys(PARTS);

const started = performance.now();
for (const name of Object.keys(PARTS).filter((part) => selected.includes(part))) {
  const partStarted = performance.now();
  console.log(`\n== ${name}`);
  const code = await new Promise<number | null>((resolvePromise, reject) => {
    const child = spawn(process.execPath, PARTS[name]!, {
      cwd: PROJECT_ROOT,
      stdio: "inherit",
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY: "true" },
    });
    child.once("error", reject);
    child.once("exit", (exitCode) => {
      resolvePromise(exitCode);
    });
  });
  if (code !== 0) {
    console.error(`bench: ${name} failed (exit ${code}).`);
    process.exit(code ?? 1);
  }
  console.log(`== ${name} done in ${((performance.now() - partStarted) / 1000).toFixed(1)} s`);
}
console.log(
  `\nbench finished in ${((performance.now() - started) / 1000).toFixed(1)} s; see bench/results/README.md`,
);
