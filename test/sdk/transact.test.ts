import { expect } from "chai";

import { withGasMargin } from "../../src/sdk/actions/transact.ts";

describe("src/sdk/actions/transact.ts", function () {
  describe("withGasMargin", function () {
    it("sends a fifth more gas than the estimate", function () {
      expect(withGasMargin(106_024n)).to.equal(127_228n);
      expect(withGasMargin(21_000n)).to.equal(25_200n);
    });

    it("stays within EIP-7825's 16,777,216-gas transaction cap when the estimate fits it", function () {
      // A pause at the most active accreditations allowed (bench/results: 15,233,307 gas).
      expect(withGasMargin(15_233_307n)).to.equal(16_777_216n);
      expect(withGasMargin(16_777_216n)).to.equal(16_777_216n);
    });

    it("keeps the margin above the cap, where a chain without it must allow the gas anyway", function () {
      expect(withGasMargin(20_000_000n)).to.equal(24_000_000n);
    });

    it("never asks for more than the block's gas limit, nor less than the estimate", function () {
      expect(withGasMargin(9_000_000n, 10_000_000n)).to.equal(10_000_000n);
      expect(withGasMargin(20_000_000n, 30_000_000n)).to.equal(24_000_000n);
      expect(withGasMargin(12_000_000n, 10_000_000n)).to.equal(12_000_000n);
    });
  });
});
