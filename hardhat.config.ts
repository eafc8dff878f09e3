import { createRequire } from "node:module";

import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { configVariable, defineConfig } from "hardhat/config";

/**
 * The exact solc we compile with. Hardhat cannot download compilers here (offline), so it runs the
 * npm `solc` package's soljson.js; Hardhat does not check that file's version against `version`,
 * so this config does — a mismatch would silently build with another compiler.
 */
const SOLC_VERSION = "0.8.30";

const require = createRequire(import.meta.url);
const installedSolc = (require("solc/package.json") as { version: string }).version;
if (installedSolc !== SOLC_VERSION) {
  throw new Error(
    `solc ${installedSolc} is installed but Crossproof pins ${SOLC_VERSION}. Run \`npm ci\` to restore the pinned compiler.`,
  );
}

/** The local chain `npm run chain` starts; the URL is overridable for other ports. */
const LOCAL_RPC_URL = process.env.CROSSPROOF_RPC_URL ?? "http://127.0.0.1:8545";

export default defineConfig({
  plugins: [hardhatToolboxMochaEthersPlugin, hardhatViem],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: {
      // Cancun: OpenZeppelin 5.7 emits MCOPY. A consortium chain must enable Cancun (Besu genesis
      // `cancunTime`, FISCO BCOS `feature_evm_cancun`): see docs/decisions/0001-evm-version.md.
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 10_000 },
    },
    npmFilesToBuild: ["@openzeppelin/contracts/access/manager/AccessManager.sol"],
  },
  paths: {
    tests: { mocha: "test", solidity: "test" },
  },
  test: {
    solidity: {
      // A fixed seed keeps fuzz runs, and so the committed gas snapshot (.gas-snapshot), reproducible.
      fuzz: { runs: 256, seed: "0x63726f737370726f6f66" },
      invariant: { runs: 64, depth: 32, failOnRevert: false },
    },
    mocha: { timeout: 120_000 },
  },
  networks: {
    hardhat: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: "cancun",
    },
    // `hardhat node` (npm run chain, npm start, the CLI tests): the contracts' EVM version, and a
    // clock that keeps the wall clock's time. By default each automined block takes at least one
    // second more than the last, so a busy local chain ran ahead of real time (18 s after a
    // deployment, 40 s in the DID tests) and expiries judged by the host clock came late.
    node: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: "cancun",
      allowBlocksWithSameTimestamp: true,
    },
    localhost: {
      type: "http",
      chainType: "l1",
      url: LOCAL_RPC_URL,
    },
    anvil: {
      type: "http",
      chainType: "l1",
      url: process.env.CROSSPROOF_ANVIL_URL ?? "http://127.0.0.1:8545",
    },
    consortium: {
      type: "http",
      chainType: "l1",
      url: configVariable("CONSORTIUM_RPC_URL"),
      accounts: [configVariable("CONSORTIUM_DEPLOYER_KEY")],
    },
  },
  ignition: { requiredConfirmations: 1 },
});
