/**
 * Starts a local private chain on 127.0.0.1: `npm run chain -- [--port 8545] [--chain-id 1337]
 * [--engine hardhat|anvil] [--state <file>] [--zero-gas-price] [--hardfork <name>]
 * [--block-gas-limit <gas>]`. Hardhat's EDR by default; anvil (from @foundry-rs/anvil) proves the
 * deployment and clients are not Hardhat-only, with --state keeps the chain across restarts (loaded
 * at start, saved every few seconds and on exit), with --zero-gas-price behaves like a consortium
 * chain without fees (base fee 0, no minimum priority fee), where unfunded accounts can send with
 * `crossproof --gas-price 0`, and with --hardfork / --block-gas-limit imitates a consortium chain
 * at another EVM version (cancun by default) or with a smaller block gas limit. Both use the
 * well-known development accounts.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";

import { portProblem } from "./lib/local-chain.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.CROSSPROOF_PORT ?? "8545" },
    "chain-id": { type: "string", default: process.env.CROSSPROOF_CHAIN_ID ?? "1337" },
    engine: { type: "string", default: "hardhat" },
    state: { type: "string" },
    "zero-gas-price": { type: "boolean", default: false },
    hardfork: { type: "string", default: "cancun" },
    "block-gas-limit": { type: "string" },
  },
});

const port = Number(values.port);
const chainId = Number(values["chain-id"]);
if (!Number.isInteger(port) || port < 1 || port > 65_535) fail(`--port ${values.port} is not a port number.`);
if (!Number.isInteger(chainId) || chainId < 1)
  fail(`--chain-id ${values["chain-id"]} is not a positive integer.`);

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
const command =
  values.engine === "anvil"
    ? [
        join(packageDir("@foundry-rs/anvil"), "bin.mjs"),
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "--chain-id",
        String(chainId),
        "--hardfork",
        values.hardfork,
        // As many funded development accounts as `hardhat node` (the demo consortium uses 15).
        "--accounts",
        "20",
        ...(values.state ? ["--state", values.state, "--state-interval", "5"] : []),
        ...(values["zero-gas-price"]
          ? ["--block-base-fee-per-gas", "0", "--gas-price", "0", "--disable-min-priority-fee"]
          : []),
        ...(values["block-gas-limit"] ? ["--gas-limit", values["block-gas-limit"]] : []),
      ]
    : values.engine === "hardhat"
      ? [
          join(packageDir("hardhat"), "dist", "src", "cli.js"),
          "node",
          "--hostname",
          "127.0.0.1",
          "--port",
          String(port),
          "--chain-id",
          String(chainId),
        ]
      : fail(`--engine ${values.engine} is not known; use hardhat or anvil.`);

const problem = await portProblem(port);
if (problem) fail(`${problem}; pick a free one with --port.`);
if (values["zero-gas-price"] && values.engine !== "anvil") fail("--zero-gas-price needs --engine anvil.");
if (values.state && values.engine !== "anvil")
  fail("--state needs --engine anvil (hardhat node keeps no state).");
if ((values.hardfork !== "cancun" || values["block-gas-limit"]) && values.engine !== "anvil")
  fail("--hardfork and --block-gas-limit need --engine anvil.");
if (values["block-gas-limit"] !== undefined && !/^[1-9]\d*$/.test(values["block-gas-limit"]))
  fail(`--block-gas-limit ${values["block-gas-limit"]} is not a whole number of gas.`);
console.log(`Starting ${values.engine} on http://127.0.0.1:${port} (chain id ${chainId}). Ctrl-C stops it.`);
const child = spawn(process.execPath, command, {
  stdio: "inherit",
  env: { ...process.env, HARDHAT_DISABLE_TELEMETRY: "true" },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));

function fail(message: string): never {
  console.error(`chain: ${message}`);
  process.exit(2);
}
