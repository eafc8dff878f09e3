import { expect } from "chai";
import { encodeFunctionData, getAddress, zeroHash, type Hex } from "viem";

import { accessManagerAbi, safeAbi, schemaRegistryAbi } from "../../src/sdk/abis.ts";
import { registryPauseCalls } from "../../src/sdk/fingerprints/actions.ts";
import { scheduledCall } from "../../src/sdk/governance/committee.ts";
import {
  decodeProposalCall,
  describeProposalCall,
  shortAddress,
  type ProposalCallContext,
} from "../../src/sdk/governance/describe.ts";
import { issuerCalls } from "../../src/sdk/issuers/issuers.ts";
import { roles } from "../../src/sdk/roles.ts";
import { schemaIdOf } from "../../src/sdk/schemas/schemas.ts";

const address = (n: number): Hex => getAddress(`0x${n.toString(16).padStart(40, "0")}`);
const contracts = {
  AccessManager: address(0xa1),
  SchemaRegistry: address(0xa2),
  IssuerRegistry: address(0xa3),
  Committee: address(0xa4),
  FingerprintRegistry: address(0xa5),
};
const LAB = getAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
const STRANGER = getAddress("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
const REPORT = schemaIdOf({ name: "health.test-report", version: "1.0" });
const context: ProposalCallContext = {
  contracts,
  issuerName: (account) =>
    account.toLowerCase() === LAB.toLowerCase() ? "Macao Public Health Laboratory" : undefined,
  schemaName: (schemaId) => (schemaId === REPORT ? "health.test-report@1.0" : undefined),
};
const FROM = new Date("2026-11-27T10:00:00Z");

describe("src/sdk/governance/describe.ts", function () {
  it("shortens addresses to their checksummed ends", function () {
    expect(shortAddress(LAB.toLowerCase())).to.equal("0x7099…79C8");
  });

  it("says what each issuer call does, naming the issuers and schemas it knows", function () {
    // Whole addresses: a member approves what it reads, and a look-alike with the same ends is cheap.
    const lab = `Macao Public Health Laboratory (${LAB})`;
    const registry = contracts.IssuerRegistry;
    expect(describeProposalCall(issuerCalls.recognize(registry, LAB), context)).to.equal(`Recognise ${lab}`);
    expect(describeProposalCall(issuerCalls.grantSchema(registry, LAB, REPORT), context)).to.equal(
      `Grant health.test-report@1.0 to ${lab}`,
    );
    expect(describeProposalCall(issuerCalls.suspend(registry, LAB, FROM), context)).to.equal(
      `Suspend ${lab} from 2026-11-27 10:00:00Z`,
    );
    expect(describeProposalCall(issuerCalls.reinstate(registry, LAB), context)).to.equal(`Reinstate ${lab}`);
    expect(describeProposalCall(issuerCalls.remove(registry, LAB, FROM), context)).to.equal(
      `Remove ${lab} for good from 2026-11-27 10:00:00Z`,
    );
    expect(describeProposalCall(issuerCalls.revokeSchema(registry, LAB, REPORT, FROM), context)).to.equal(
      `Revoke health.test-report@1.0 from ${lab} from 2026-11-27 10:00:00Z`,
    );
    // Names it does not know stay addresses and ids.
    const other = schemaIdOf({ name: "other", version: "1" });
    expect(describeProposalCall(issuerCalls.grantSchema(registry, STRANGER, other), context)).to.equal(
      `Grant schema ${other} to ${STRANGER}`,
    );
  });

  it("describes schema registrations, roles, schedules and committee changes", function () {
    const register = {
      to: contracts.SchemaRegistry,
      data: encodeFunctionData({
        abi: schemaRegistryAbi,
        functionName: "register",
        args: [
          {
            name: "medical.record",
            version: "1.0",
            definitionURI: "https://schemas.example/medical-record.json",
            definitionHash: zeroHash,
            revocable: true,
            reinstatable: true,
          },
        ],
      }),
    };
    expect(describeProposalCall(register, context)).to.equal("Register schema medical.record@1.0");
    const grantRole = {
      to: contracts.AccessManager,
      data: encodeFunctionData({
        abi: accessManagerAbi,
        functionName: "grantRole",
        args: [roles.issuerAdmin, STRANGER, 3600],
      }),
    };
    expect(describeProposalCall(grantRole, context)).to.equal(
      `Grant role issuerAdmin to ${STRANGER} with a 3600-second execution delay`,
    );
    expect(
      describeProposalCall(
        scheduledCall(contracts.AccessManager, issuerCalls.recognize(contracts.IssuerRegistry, LAB)),
        context,
      ),
    ).to.equal(`Schedule: Recognise Macao Public Health Laboratory (${LAB})`);
    const addMember = {
      to: contracts.Committee,
      data: encodeFunctionData({ abi: safeAbi, functionName: "addOwnerWithThreshold", args: [STRANGER, 2n] }),
    };
    expect(describeProposalCall(addMember, context)).to.equal(
      `Add committee member ${STRANGER} (threshold 2)`,
    );
    const threshold = {
      to: contracts.Committee,
      data: encodeFunctionData({ abi: safeAbi, functionName: "changeThreshold", args: [3n] }),
    };
    expect(describeProposalCall(threshold, context)).to.equal("Change the committee threshold to 3");
  });

  it("describes the committee's pause and unpause of the fingerprint registry", function () {
    const registry = contracts.FingerprintRegistry;
    const pause = registryPauseCalls.pause(registry);
    const unpause = registryPauseCalls.unpause(registry);
    expect(pause).to.deep.equal({ to: registry, data: "0x8456cb59" });
    expect(decodeProposalCall(pause, context)).to.deep.equal({
      contract: "FingerprintRegistry",
      functionName: "pause",
      args: [],
    });
    expect(describeProposalCall(pause, context)).to.equal(
      "Pause the fingerprint registry: no anchoring, revocation or reinstatement until it is unpaused; verification still works",
    );
    expect(describeProposalCall(unpause, context)).to.equal(
      "Unpause the fingerprint registry: anchoring, revocation and reinstatement resume",
    );
    // The pauser role has no delay, but a schedule of it still reads as one.
    expect(describeProposalCall(scheduledCall(contracts.AccessManager, pause), context)).to.equal(
      "Schedule: Pause the fingerprint registry: no anchoring, revocation or reinstatement until it is unpaused; verification still works",
    );
    // pause() sent to another contract is not the registry's.
    expect(describeProposalCall({ ...pause, to: contracts.IssuerRegistry }, context)).to.equal(
      "Call IssuerRegistry with unknown data (selector 0x8456cb59)",
    );
    const grantPauser = {
      to: contracts.AccessManager,
      data: encodeFunctionData({
        abi: accessManagerAbi,
        functionName: "grantRole",
        args: [roles.pauser, STRANGER, 0],
      }),
    };
    expect(describeProposalCall(grantPauser, context)).to.equal(`Grant role pauser to ${STRANGER}`);
  });

  it("decodes by the target's own ABI, and says so when it cannot", function () {
    const recognize = issuerCalls.recognize(contracts.IssuerRegistry, LAB);
    expect(decodeProposalCall(recognize, context)).to.deep.equal({
      contract: "IssuerRegistry",
      functionName: "recognize",
      args: [LAB],
    });
    // The same calldata sent to another contract is not an issuer recognition.
    const misdirected = { ...recognize, to: contracts.SchemaRegistry };
    expect(decodeProposalCall(misdirected, context)).to.equal(undefined);
    expect(describeProposalCall(misdirected, context)).to.equal(
      `Call SchemaRegistry with unknown data (selector ${recognize.data.slice(0, 10)})`,
    );
    expect(describeProposalCall({ to: STRANGER, data: "0x12345678", value: 5n }, context)).to.equal(
      `Call ${STRANGER} with unknown data (selector 0x12345678), sending 5 wei`,
    );
    // A function with no sentence of its own is still decoded.
    const setTargetClosed = {
      to: contracts.AccessManager,
      data: encodeFunctionData({
        abi: accessManagerAbi,
        functionName: "setTargetClosed",
        args: [contracts.IssuerRegistry, true],
      }),
    };
    expect(describeProposalCall(setTargetClosed, context)).to.equal(
      `Call AccessManager.setTargetClosed(${contracts.IssuerRegistry}, true)`,
    );
  });
});
