/**
 * How many documents `crossproof anchor` puts in one anchorMany transaction (src/cli/commands/anchor.ts):
 * a chain with small blocks gets smaller transactions instead of an out-of-gas failure that
 * `--resume` would meet again.
 */
import { expect } from "chai";

import { anchorManyChunk } from "../../src/cli/commands/anchor.ts";

describe("crossproof anchor: documents per anchorMany transaction", function () {
  it("sends at most 500, fewer when the block gas limit would not hold them with the gas margin", function () {
    expect(anchorManyChunk(30_000_000n)).to.equal(500);
    expect(anchorManyChunk(16_777_216n)).to.equal(500);
    // 10M-gas blocks: 500 failed out of gas on such a chain; 320 × 26,000 × 1.2 = 9,984,000.
    expect(anchorManyChunk(10_000_000n)).to.equal(320);
    expect(anchorManyChunk(6_000_000n)).to.equal(192);
    expect(anchorManyChunk(20_000n)).to.equal(1);
  });
});
