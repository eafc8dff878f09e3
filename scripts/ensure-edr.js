// Repairs Hardhat's native EDR package on machines whose system npm runs on Node 20.
//
// npm (running on the system Node) skips `@nomicfoundation/edr-linux-x64-gnu` because that
// package declares `engines: node >= 22`. npm scripts run with `node_modules/.bin` first in
// PATH, so this file runs on the Node 22 from the `node` devDependency; if EDR cannot load,
// it re-runs npm's own CLI under this Node so the platform package is installed. It is a
// no-op when EDR already loads (Node >= 22 machines) and never touches the lockfile.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function edrLoads() {
  try {
    require("@nomicfoundation/edr");
    return true;
  } catch {
    return false;
  }
}

if (!edrLoads()) {
  const npmCli = process.env.npm_execpath;
  if (!npmCli) {
    console.error(
      "ensure-edr: Hardhat's EDR package does not load and npm was not found. Run `npm install` with Node >= 22.",
    );
    process.exit(1);
  }
  console.log(`ensure-edr: installing Hardhat's EDR platform package under Node ${process.version}`);
  const result = spawnSync(
    process.execPath,
    [npmCli, "install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund"],
    { stdio: "inherit" },
  );
  if (result.status !== 0 || !edrLoads()) {
    console.error("ensure-edr: EDR still does not load; run `npm install` again or use Node >= 22.");
    process.exit(1);
  }
}
