import { expect } from "chai";
import { BaseError as ViemBaseError, getAddress, zeroHash } from "viem";

import * as abis from "../../src/sdk/abis.ts";
import { errorNotices } from "../../src/sdk/error-notices.ts";
import { ContractRevertError } from "../../src/sdk/errors.ts";
import { REGISTRY_PAUSED } from "../../src/sdk/fingerprints/pause.ts";
import { describeContractError, describeRevert } from "../../src/sdk/revert-messages.ts";

const ISSUER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

describe("src/sdk/revert-messages.ts", function () {
  it("has a sentence for every custom error of every Crossproof contract (the Safe's are strings)", function () {
    const { safeAbi: _safe, ...crossproof } = abis;
    let errors = 0;
    for (const abi of Object.values(crossproof)) {
      for (const item of abi as readonly { type: string; name?: string; inputs?: readonly unknown[] }[]) {
        if (item.type !== "error") continue;
        errors++;
        const args = (item.inputs ?? []).map(() => 1n);
        expect(describeRevert(item.name!, args), item.name).to.be.a("string").and.match(/\.$/);
      }
    }
    expect(errors).to.be.greaterThan(60);
    expect(Object.keys(errorNotices).length).to.be.greaterThan(60);
  });

  it("fills the arguments the notice names into it, and lists the others after it", function () {
    expect(describeRevert("AlreadyAnchored", [zeroHash, ISSUER])).to.equal(
      `The fingerprint (or batch root) is already anchored, by ${getAddress(ISSUER)} (fingerprint ${zeroHash}).`,
    );
    expect(describeRevert("IssuerNotAccredited", [ISSUER, 3])).to.equal(
      `The caller is not accredited for the schema with this compact index: the consortium committee grants issuers their document kinds (issuer ${getAddress(ISSUER)}, schema index 3).`,
    );
  });

  it("writes times as dates and enum values by name", function () {
    expect(describeRevert("ConsentWasRevoked", [zeroHash, 1_767_225_600n])).to.equal(
      `The consent was revoked at 2026-01-01T00:00:00Z (consent id ${zeroHash}).`,
    );
    expect(describeRevert("InvalidTransition", [zeroHash, 6])).to.contain("The order is delivered,");
  });

  it("picks the declaration whose arguments match when two contracts share an error name", function () {
    expect(describeRevert("InvalidSignature", [ISSUER])).to.match(/^The signature is not the owner's/);
    expect(describeRevert("InvalidSignature", [ISSUER, ISSUER])).to.match(
      /^The signature is not a valid signature/,
    );
  });

  it("says which role is missing for AccessManager's errors", function () {
    expect(describeRevert("AccessManagerUnauthorizedAccount", [ISSUER, 2n])).to.equal(
      `The account ${getAddress(ISSUER)} does not hold the accreditationAdmin role; the committee grants roles.`,
    );
    expect(describeRevert("AccessManagedUnauthorized", [ISSUER])).to.contain(
      "does not hold the consortium role",
    );
  });

  it("says the registry is paused, or is not, for Pausable's errors", function () {
    // The one sentence every surface uses for a pause (src/sdk/fingerprints/pause.ts).
    expect(describeRevert("EnforcedPause", [])).to.equal(REGISTRY_PAUSED);
    expect(REGISTRY_PAUSED).to.equal(
      "The fingerprint registry is paused by the consortium committee: no anchoring, revocation or reinstatement until it is unpaused; verification still works.",
    );
    expect(describeRevert("ExpectedPause", [])).to.equal(
      "The fingerprint registry is not paused: there is nothing to unpause; see `crossproof gov status`.",
    );
    expect(describeRevert("AccessManagerUnauthorizedAccount", [ISSUER, 4n])).to.equal(
      `The account ${getAddress(ISSUER)} does not hold the pauser role; the committee grants roles.`,
    );
    const rejection = new ContractRevertError("anchor was rejected by the contract: EnforcedPause().", {
      errorName: "EnforcedPause",
      errorArgs: [],
    });
    expect(describeContractError(new ViemBaseError("outer", { cause: rejection }))).to.match(
      /^The fingerprint registry is paused by the consortium committee: /,
    );
  });

  it("knows nothing of undeclared errors, and finds a rejection inside a chain of causes", function () {
    expect(describeRevert("NoSuchError", [])).to.equal(undefined);
    const rejection = new ContractRevertError("anchor was rejected", {
      errorName: "ZeroFingerprint",
      errorArgs: [],
    });
    const wrapped = new ViemBaseError("outer", { cause: rejection });
    expect(describeContractError(wrapped)).to.equal("A zero fingerprint or root cannot be anchored.");
    expect(describeContractError(new Error("plain"))).to.equal(undefined);
  });
});
