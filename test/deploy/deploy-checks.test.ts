/**
 * `npm run deploy` on a chain Crossproof cannot run on: refused before anything is sent, saying what
 * to change (scripts/lib/deploy-checks.ts). And the manifest's start block from Ignition's journal.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { checkChain, firstJournalBlock } from "../../scripts/lib/deploy-checks.ts";
import { PROJECT_ROOT, startChain, stopChain, type RunningChain } from "../../scripts/lib/local-chain.ts";
import { runScript } from "../../scripts/lib/run.ts";

const HARDHAT = join(PROJECT_ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");

describe("npm run deploy: the chain is checked first (scripts/lib/deploy-checks.ts)", function () {
  this.timeout(180_000);
  let dir: string;
  const chains: RunningChain[] = [];

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "crossproof-deploy-checks-"));
  });

  after(async function () {
    for (const chain of chains) await stopChain(chain);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function deployTo(options: { chainId: number; hardfork?: string; blockGasLimit?: number }) {
    const chain = await startChain({
      engine: "anvil",
      logFile: join(dir, `${options.chainId}.log`),
      ...options,
    });
    chains.push(chain);
    const deploymentsDir = join(dir, `deployments-${options.chainId}`);
    const result = await runScript(HARDHAT, ["run", "scripts/deploy.ts", "--network", "localhost"], {
      cwd: PROJECT_ROOT,
      env: {
        CI: undefined,
        HARDHAT_DISABLE_TELEMETRY: "true",
        CROSSPROOF_RPC_URL: chain.url,
        CROSSPROOF_DEPLOYMENTS_DIR: deploymentsDir,
      },
    });
    const nonce = Number(
      await fetch(chain.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "eth_getTransactionCount",
          params: ["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "latest"],
        }),
      }).then(async (response) => ((await response.json()) as { result: string }).result),
    );
    return {
      ...result,
      output: result.stdout + result.stderr,
      manifestWritten: existsSync(deploymentsDir),
      nonce,
    };
  }

  it("refuses a chain without Cancun (shanghai) before sending anything, saying what to enable", async function () {
    const result = await deployTo({ chainId: 31_416, hardfork: "shanghai" });
    expect(result.code, result.output).to.equal(1);
    expect(result.output)
      .to.contain("does not run the EVM version Crossproof's contracts are compiled for (Cancun")
      .and.contain("docs/decisions/0001-evm-version.md")
      .and.contain("Nothing was deployed.");
    expect(result.output).not.to.match(/^\s+at /m);
    expect(result.manifestWritten).to.equal(false);
    expect(result.nonce, "transactions sent by the deployer").to.equal(0);
    expect(existsSync(join(PROJECT_ROOT, "ignition", "deployments", "crossproof-31416"))).to.equal(false);
  });

  it("refuses blocks too small to deploy the committee, naming the limit", async function () {
    const result = await deployTo({ chainId: 31_417, blockGasLimit: 4_000_000 });
    expect(result.code, result.output).to.equal(1);
    expect(result.output)
      .to.contain(
        "The chain's block gas limit is 4,000,000 gas: deploying needs blocks of at least 6,000,000",
      )
      .and.contain("Nothing was deployed.");
    expect(result.output).not.to.match(/^\s+at /m);
    expect(result.nonce).to.equal(0);
  });

  it("warns about blocks under the transaction cap and passes a chain that runs Cancun", async function () {
    const answers: Record<string, unknown> = {
      eth_call: "0x",
      eth_getBlockByNumber: { gasLimit: "0x989680" }, // 10,000,000
    };
    const checked = await checkChain((method) => Promise.resolve(answers[method]));
    expect(checked.refusal).to.equal(undefined);
    expect(checked.warnings).to.have.length(1);
    expect(checked.warnings[0]).to.contain("block gas limit is 10,000,000 gas, under 16,777,216");
    answers.eth_getBlockByNumber = { gasLimit: "0x1c9c380" }; // 30,000,000
    expect(await checkChain((method) => Promise.resolve(answers[method]))).to.deep.equal({ warnings: [] });
  });

  it("dates a deployment by the first transaction its Ignition journal confirmed", async function () {
    const journal = join(dir, "journal.jsonl");
    expect(await firstJournalBlock(journal), "no journal").to.equal(undefined);
    const lines = [
      { chainId: 31_418, type: "DEPLOYMENT_INITIALIZE" },
      { type: "TRANSACTION_SEND", futureId: "A", networkInteractionId: 1, transaction: { hash: "0x01" } },
      {
        type: "TRANSACTION_CONFIRM",
        futureId: "B",
        networkInteractionId: 1,
        hash: "0x02",
        receipt: { blockNumber: 14 },
      },
      {
        type: "TRANSACTION_CONFIRM",
        futureId: "A",
        networkInteractionId: 1,
        hash: "0x01",
        receipt: { blockNumber: 10 },
      },
      {
        type: "TRANSACTION_CONFIRM",
        futureId: "C",
        networkInteractionId: 1,
        hash: "0x03",
        receipt: { blockNumber: 25 },
      },
    ];
    await writeFile(journal, `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`);
    expect(await firstJournalBlock(journal)).to.equal(10);
  });
});
