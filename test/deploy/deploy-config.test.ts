/**
 * Bad deployment configuration says what is wrong and what to do, without a stack trace: the
 * consortium network's settings come only from configuration variables (keystore or environment).
 */
import { join } from "node:path";

import { expect } from "chai";

import { freePort, PROJECT_ROOT } from "../../scripts/lib/local-chain.ts";
import { runScript } from "../../scripts/lib/run.ts";

const HARDHAT = join(PROJECT_ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
const deploy = (env: Record<string, string | undefined>) =>
  runScript(HARDHAT, ["run", "scripts/deploy.ts", "--network", "consortium"], {
    cwd: PROJECT_ROOT,
    // As a person runs it: Hardhat prints stack traces on its own when it detects CI.
    env: {
      CI: undefined,
      HARDHAT_DISABLE_TELEMETRY: "true",
      CONSORTIUM_RPC_URL: undefined,
      CONSORTIUM_DEPLOYER_KEY: undefined,
      ...env,
    },
  });

describe("npm run deploy -- --network consortium", function () {
  it("names the missing configuration variable and where to set it", async function () {
    const result = await deploy({});
    expect(result.code).not.to.equal(0);
    const output = result.stdout + result.stderr;
    // Outside tests Hardhat says "Configuration Variable ... not found ... set it as an environment
    // variable"; under `hardhat test` the keystore plugin answers from its development keystore with
    // the command that sets it. Either way: the variable is named and so is the way to set it.
    expect(output).to.contain("CONSORTIUM_RPC_URL");
    expect(output).to.match(/keystore set CONSORTIUM_RPC_URL|set it as an environment variable/);
    expect(output).not.to.match(/^\s+at /m);
  });

  it("says it cannot connect when the consortium RPC is down", async function () {
    const port = await freePort();
    const result = await deploy({
      CONSORTIUM_RPC_URL: `http://127.0.0.1:${port}`,
      CONSORTIUM_DEPLOYER_KEY: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    });
    expect(result.code).not.to.equal(0);
    const output = result.stdout + result.stderr;
    expect(output).to.contain('Cannot connect to the network "consortium"');
    expect(output).not.to.match(/^\s+at /m);
  });
});
