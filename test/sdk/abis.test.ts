import { execFileSync } from "node:child_process";
import { join } from "node:path";

import { expect } from "chai";

import { PROJECT_ROOT } from "../../scripts/lib/local-chain.ts";

describe("src/sdk/abis.ts", function () {
  it("matches the compiled artifacts (run `npm run generate` after changing a contract)", function () {
    const output = execFileSync(
      process.execPath,
      [join(PROJECT_ROOT, "scripts", "generate-abis.ts"), "--check"],
      {
        encoding: "utf8",
      },
    );
    expect(output).to.contain("up to date");
  });
});
