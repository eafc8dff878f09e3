/**
 * The whole system deployed by the composed Ignition module, and governed by its committee: the
 * deployer keeps no power, every administrative change is a proposal that the committee's Safe
 * executes once enough members approved, and every step is an event. Driven through the SDK.
 */
import { expect } from "chai";
import { network } from "hardhat";
import {
  encodeFunctionData,
  getAddress,
  parseEventLogs,
  toFunctionSelector,
  toFunctionSignature,
  zeroHash,
  type Hex,
} from "viem";

import CrossproofModule from "../../ignition/modules/Crossproof.ts";
import { ISSUER_ADMIN_SELECTORS, PAUSER_SELECTORS, ROLE_IDS } from "../../ignition/modules/roles.ts";
import {
  accessManagerAbi,
  committeeProposalsAbi,
  fingerprintRegistryAbi,
  safeAbi,
  schemaRegistryAbi,
} from "../../src/sdk/abis.ts";
import { transact, type SigningClient } from "../../src/sdk/actions/transact.ts";
import { ContractRevertError, InvalidInputError } from "../../src/sdk/errors.ts";
import { isRegistryPaused, registryPauseCalls } from "../../src/sdk/fingerprints/actions.ts";
import {
  approvedHashSignatures,
  approveProposal,
  executeProposal,
  getCommittee,
  getCommitteeSchedule,
  getProposalState,
  listProposalStates,
  proposalIdOf,
  scheduledCall,
  submitProposal,
} from "../../src/sdk/governance/committee.ts";
import { applyForRecognition, getIssuer, issuerCalls } from "../../src/sdk/issuers/issuers.ts";
import { roles } from "../../src/sdk/roles.ts";
import { schemaIdOf } from "../../src/sdk/schemas/schemas.ts";

const { ignition, viem, networkHelpers } = await network.create();

const DEFINITION = {
  name: "health.test-report",
  version: "1.0",
  definitionURI: "https://schemas.example/health-test-report.json",
  definitionHash: zeroHash,
  revocable: true,
  reinstatable: false,
} as const;

async function deploySystem() {
  return deploy(0);
}

/** The same system with a one-hour execution delay on the committee's roles. */
async function deploySystemWithDelay() {
  return deploy(3600);
}

async function deploy(executionDelay: number) {
  const wallets = await viem.getWalletClients();
  const wallet = (index: number): SigningClient => {
    const found = wallets[index];
    if (!found) throw new Error(`The in-process chain has no account ${index}.`);
    return found;
  };
  const [deployer, issuer, stranger] = [wallet(0), wallet(1), wallet(2)];
  const [alice, bob, carol] = [wallet(10), wallet(11), wallet(12)];
  const deployed = await ignition.deploy(CrossproofModule, {
    parameters: {
      Committee: { members: [alice, bob, carol].map((m) => m.account.address), threshold: 2 },
      Crossproof: { executionDelay },
    },
  });
  // Ignition hands back ethers contracts here (the toolbox's ethers flavour); the SDK wants addresses.
  const address = async (contract: { getAddress(): Promise<string> }) =>
    getAddress(await contract.getAddress());
  const contracts = {
    accessManager: await address(deployed.accessManager),
    schemaRegistry: await address(deployed.schemaRegistry),
    fingerprintRegistry: await address(deployed.fingerprintRegistry),
    didRegistry: await address(deployed.didRegistry),
    issuerRegistry: await address(deployed.issuerRegistry),
    committee: await address(deployed.committee),
    committeeProposals: await address(deployed.committeeProposals),
  };
  const publicClient = await viem.getPublicClient();
  return {
    deployer,
    issuer,
    stranger,
    alice,
    bob,
    carol,
    contracts,
    publicClient,
    agenda: { committee: contracts.committee, committeeProposals: contracts.committeeProposals },
  };
}

async function hasRole(
  publicClient: Awaited<ReturnType<typeof viem.getPublicClient>>,
  accessManager: Hex,
  roleId: bigint,
  account: Hex,
): Promise<boolean> {
  return (await roleOf(publicClient, accessManager, roleId, account)).member;
}

/** Whether `account` holds `roleId`, and the execution delay it acts with. */
async function roleOf(
  publicClient: Awaited<ReturnType<typeof viem.getPublicClient>>,
  accessManager: Hex,
  roleId: bigint,
  account: Hex,
): Promise<{ member: boolean; executionDelay: number }> {
  const [member, executionDelay] = await publicClient.readContract({
    address: accessManager,
    abi: accessManagerAbi,
    functionName: "hasRole",
    args: [roleId, account],
  });
  return { member, executionDelay };
}

describe("Committee governance (the composed Ignition module)", function () {
  describe("deployment ceremony", function () {
    it("hands every power to the committee: the deployer keeps no role", async function () {
      const { deployer, contracts, publicClient } = await networkHelpers.loadFixture(deploySystem);
      for (const roleId of Object.values(roles)) {
        expect(
          await hasRole(publicClient, contracts.accessManager, roleId, deployer.account.address),
        ).to.equal(false, `deployer still holds role ${roleId}`);
      }
      expect(await hasRole(publicClient, contracts.accessManager, roles.admin, contracts.committee)).to.equal(
        true,
      );
      expect(
        await hasRole(publicClient, contracts.accessManager, roles.schemaAdmin, contracts.committee),
      ).to.equal(true);
      expect(
        await hasRole(publicClient, contracts.accessManager, roles.issuerAdmin, contracts.committee),
      ).to.equal(true);
      expect(
        await roleOf(publicClient, contracts.accessManager, roles.pauser, contracts.committee),
      ).to.deep.equal({ member: true, executionDelay: 0 });
      // Only the IssuerRegistry changes accreditations, not even the committee directly.
      expect(
        await hasRole(
          publicClient,
          contracts.accessManager,
          roles.accreditationAdmin,
          contracts.issuerRegistry,
        ),
      ).to.equal(true);
      expect(
        await hasRole(publicClient, contracts.accessManager, roles.accreditationAdmin, contracts.committee),
      ).to.equal(false);
    });

    it("mirrors the Ignition role ids in the SDK", function () {
      expect(ROLE_IDS.schemaAdmin).to.equal(roles.schemaAdmin);
      expect(ROLE_IDS.accreditationAdmin).to.equal(roles.accreditationAdmin);
      expect(ROLE_IDS.issuerAdmin).to.equal(roles.issuerAdmin);
      expect(ROLE_IDS.pauser).to.equal(roles.pauser);
      expect(ISSUER_ADMIN_SELECTORS).to.have.length(6);
      expect(PAUSER_SELECTORS).to.deep.equal(["0x8456cb59", "0x3f4ba83a"]);
    });

    it("maps the fingerprint registry's pause and unpause to the pauser role, and no other function of it", async function () {
      const { contracts, publicClient } = await networkHelpers.loadFixture(deploySystem);
      // Every function of the registry, by the role the AccessManager gives it, keyed by signature
      // (an overload is a function of its own). Role 0 (admin) is the AccessManager's answer for a
      // function never mapped: it matters only for `restricted` functions, and anchoring,
      // revocation and reinstatement are not (any accredited issuer).
      const mapped = new Map<string, bigint>();
      for (const item of fingerprintRegistryAbi) {
        if (item.type !== "function") continue;
        const signature = toFunctionSignature(item);
        expect(mapped.has(signature), signature).to.equal(false);
        mapped.set(
          signature,
          await publicClient.readContract({
            address: contracts.accessManager,
            abi: accessManagerAbi,
            functionName: "getTargetFunctionRole",
            args: [contracts.fingerprintRegistry, toFunctionSelector(signature)],
          }),
        );
      }
      const byRole = (roleId: bigint) =>
        [...mapped]
          .filter(([, role]) => role === roleId)
          .map(([signature]) => signature)
          .sort();
      expect(byRole(roles.pauser)).to.deep.equal(["pause()", "unpause()"]);
      expect(byRole(roles.accreditationAdmin)).to.deep.equal([
        "accredit(address,bytes32)",
        "withdrawAccreditation(address,bytes32,uint64)",
      ]);
      // Every other function is unmapped: the anchor, revoke and reinstate functions among them.
      expect(byRole(roles.admin)).to.have.length(mapped.size - 4);
      expect(byRole(roles.admin)).to.include.members([
        "anchor(bytes32,uint32,uint64)",
        "anchorMany(bytes32[],uint32,uint64)",
        "anchorBatch(bytes32,uint32,uint32,uint64)",
        "anchorBatchWithURI(bytes32,uint32,uint32,uint64,string)",
        "revoke(bytes32,uint16,bytes32)",
        "revokeLeaf(bytes32,bytes32,bytes32[],uint16,bytes32)",
        "reinstate(bytes32)",
        "reinstateLeaf(bytes32,bytes32,bytes32[])",
      ]);
      // And the committee, which holds the pauser role, may call pause at once but not accredit.
      const canCall = (selector: Hex) =>
        publicClient.readContract({
          address: contracts.accessManager,
          abi: accessManagerAbi,
          functionName: "canCall",
          args: [contracts.committee, contracts.fingerprintRegistry, selector],
        });
      expect(await canCall(PAUSER_SELECTORS[0]!)).to.deep.equal([true, 0]);
      expect(await canCall(toFunctionSelector("accredit(address,bytes32)"))).to.deep.equal([false, 0]);
    });

    it("leaves the deployer unable to grant roles or register schemas", async function () {
      const { deployer, contracts } = await networkHelpers.loadFixture(deploySystem);
      const rejected = async (call: Promise<unknown>) => {
        try {
          await call;
        } catch (error) {
          expect(error).to.be.instanceOf(ContractRevertError);
          return error as ContractRevertError;
        }
        return expect.fail("the deployer's call went through");
      };
      const grant = await rejected(
        transact(deployer, {
          address: contracts.accessManager,
          abi: accessManagerAbi,
          functionName: "grantRole",
          args: [roles.schemaAdmin, deployer.account.address, 0],
        }),
      );
      expect(grant.errorName).to.equal("AccessManagerUnauthorizedAccount");
      expect(grant.errorArgs).to.deep.equal([getAddress(deployer.account.address), roles.admin]);
      const register = await rejected(
        transact(deployer, {
          address: contracts.schemaRegistry,
          abi: schemaRegistryAbi,
          functionName: "register",
          args: [DEFINITION],
        }),
      );
      expect(register.errorName).to.equal("AccessManagedUnauthorized");
    });

    it("sets the committee up as a 2-of-3 Safe", async function () {
      const { alice, bob, carol, contracts, publicClient } = await networkHelpers.loadFixture(deploySystem);
      const info = await getCommittee(publicClient, { committee: contracts.committee });
      expect(info.threshold).to.equal(2);
      expect(info.nonce).to.equal(0n);
      expect(info.members.map((m) => m.toLowerCase()).sort()).to.deep.equal(
        [alice, bob, carol].map((m) => m.account.address.toLowerCase()).sort(),
      );
    });
  });

  describe("propose → approve → execute", function () {
    it("computes the proposal id the Safe approves and executes", async function () {
      const { alice, contracts, publicClient, agenda } = await networkHelpers.loadFixture(deploySystem);
      const data = encodeFunctionData({
        abi: schemaRegistryAbi,
        functionName: "register",
        args: [DEFINITION],
      });
      const { proposalId } = await submitProposal(alice, {
        ...agenda,
        to: contracts.schemaRegistry,
        data,
        description: "Register the test-report schema",
      });
      const onChain = await publicClient.readContract({
        address: contracts.committee,
        abi: safeAbi,
        functionName: "getTransactionHash",
        args: [contracts.schemaRegistry, 0n, data, 0, 0n, 0n, 0n, zeroAddress(), zeroAddress(), 0n],
      });
      expect(proposalId).to.equal(onChain);
      expect(
        proposalIdOf({
          chainId: await publicClient.getChainId(),
          committee: contracts.committee,
          to: contracts.schemaRegistry,
          data,
          nonce: 0n,
        }),
      ).to.equal(onChain);
    });

    it("registers a schema once two of three members approved, every step an event", async function () {
      const { alice, bob, stranger, contracts, publicClient, agenda } =
        await networkHelpers.loadFixture(deploySystem);
      const data = encodeFunctionData({
        abi: schemaRegistryAbi,
        functionName: "register",
        args: [DEFINITION],
      });
      const submitted = await submitProposal(alice, {
        ...agenda,
        to: contracts.schemaRegistry,
        data,
        description: "Register the test-report schema",
      });
      const [event] = parseEventLogs({
        abi: committeeProposalsAbi,
        logs: submitted.receipt.logs,
        eventName: "ProposalSubmitted",
      });
      expect(event?.args.proposalId).to.equal(submitted.proposalId);
      expect(event?.args.proposer).to.equal(getAddress(alice.account.address));
      expect(event?.args.data).to.equal(data);

      // One approval is not enough, even for a member executing: 1 of 2.
      const approval = await approveProposal(alice, {
        committee: contracts.committee,
        proposalId: submitted.proposalId,
      });
      const [approved] = parseEventLogs({
        abi: safeAbi,
        logs: approval.receipt.logs,
        eventName: "ApproveHash",
      });
      expect(approved?.args.approvedHash).to.equal(submitted.proposalId);
      try {
        await executeProposal(stranger, { ...agenda, proposalId: submitted.proposalId });
        expect.fail("executed with one approval");
      } catch (error) {
        expect(error).to.be.instanceOf(InvalidInputError);
        expect((error as Error).message).to.contain("1 of the 2 approvals");
      }

      // Bob executes: his own approval counts as the second.
      const execution = await executeProposal(bob, { ...agenda, proposalId: submitted.proposalId });
      const [success] = parseEventLogs({
        abi: safeAbi,
        logs: execution.receipt.logs,
        eventName: "ExecutionSuccess",
      });
      expect(success?.args.txHash).to.equal(submitted.proposalId);
      const registered = parseEventLogs({
        abi: schemaRegistryAbi,
        logs: execution.receipt.logs,
        eventName: "SchemaRegistered",
      });
      expect(registered[0]?.args.schemaId).to.equal(schemaIdOf(DEFINITION));

      const state = await getProposalState(publicClient, { ...agenda, proposalId: submitted.proposalId });
      expect(state.status).to.equal("executed");
      expect(state.executedIn).to.equal(execution.transactionHash);
      try {
        await executeProposal(bob, { ...agenda, proposalId: submitted.proposalId });
        expect.fail("executed twice");
      } catch (error) {
        expect((error as Error).message).to.contain("already executed");
      }
    });

    it("refuses proposals from non-members and stale nonces", async function () {
      const { stranger, alice, bob, contracts, agenda } = await networkHelpers.loadFixture(deploySystem);
      const data = encodeFunctionData({
        abi: schemaRegistryAbi,
        functionName: "register",
        args: [DEFINITION],
      });
      try {
        await submitProposal(stranger, {
          ...agenda,
          to: contracts.schemaRegistry,
          data,
          description: "Sneak in",
        });
        expect.fail("a stranger submitted");
      } catch (error) {
        expect(error).to.be.instanceOf(ContractRevertError);
        expect((error as ContractRevertError).errorName).to.equal("NotCommitteeMember");
      }
      const first = await submitProposal(alice, {
        ...agenda,
        to: contracts.schemaRegistry,
        data,
        description: "First",
      });
      // The Safe refuses a stranger's approval with GS030; the SDK names it as the agenda does.
      try {
        await approveProposal(stranger, { committee: contracts.committee, proposalId: first.proposalId });
        expect.fail("a stranger approved");
      } catch (error) {
        expect(error).to.be.instanceOf(ContractRevertError);
        expect((error as ContractRevertError).errorName).to.equal("NotCommitteeMember");
        expect((error as ContractRevertError).errorArgs).to.deep.equal([
          contracts.committee,
          stranger.account.address,
        ]);
      }
      await approveProposal(alice, { committee: contracts.committee, proposalId: first.proposalId });
      await executeProposal(bob, { ...agenda, proposalId: first.proposalId });
      try {
        await submitProposal(alice, {
          ...agenda,
          to: contracts.schemaRegistry,
          data,
          description: "Late",
          nonce: 0n,
        });
        expect.fail("a used nonce was accepted");
      } catch (error) {
        expect((error as ContractRevertError).errorName).to.equal("StaleNonce");
      }
    });

    it("marks an alternative at the same nonce superseded once the other executes", async function () {
      const { alice, bob, contracts, publicClient, agenda } = await networkHelpers.loadFixture(deploySystem);
      const data = encodeFunctionData({
        abi: schemaRegistryAbi,
        functionName: "register",
        args: [DEFINITION],
      });
      const other = encodeFunctionData({
        abi: schemaRegistryAbi,
        functionName: "register",
        args: [{ ...DEFINITION, version: "2.0" }],
      });
      const a = await submitProposal(alice, {
        ...agenda,
        to: contracts.schemaRegistry,
        data,
        description: "v1",
        nonce: 0n,
      });
      const b = await submitProposal(bob, {
        ...agenda,
        to: contracts.schemaRegistry,
        data: other,
        description: "v2",
        nonce: 0n,
      });
      await approveProposal(bob, { committee: contracts.committee, proposalId: b.proposalId });
      await executeProposal(alice, { ...agenda, proposalId: b.proposalId });
      expect((await getProposalState(publicClient, { ...agenda, proposalId: a.proposalId })).status).to.equal(
        "superseded",
      );
    });

    it("lists every proposal with its state at once, as getProposalState reads each", async function () {
      const { alice, bob, contracts, publicClient, agenda } = await networkHelpers.loadFixture(deploySystem);
      const register = (version: string) => ({
        to: contracts.schemaRegistry,
        data: encodeFunctionData({
          abi: schemaRegistryAbi,
          functionName: "register",
          args: [{ ...DEFINITION, version }],
        }),
      });
      const executed = await submitProposal(alice, {
        ...agenda,
        ...register("1.0"),
        description: "v1",
        nonce: 0n,
      });
      const superseded = await submitProposal(bob, {
        ...agenda,
        ...register("1.1"),
        description: "v1.1",
        nonce: 0n,
      });
      const pending = await submitProposal(alice, {
        ...agenda,
        ...register("2.0"),
        description: "v2",
        nonce: 1n,
      });
      const queued = await submitProposal(alice, {
        ...agenda,
        ...register("3.0"),
        description: "v3",
        nonce: 2n,
      });
      await approveProposal(alice, { committee: contracts.committee, proposalId: executed.proposalId });
      await executeProposal(bob, { ...agenda, proposalId: executed.proposalId });
      await approveProposal(bob, { committee: contracts.committee, proposalId: pending.proposalId });

      const listed = await listProposalStates(publicClient, agenda);
      expect(listed.map((state) => [state.id, state.status])).to.deep.equal([
        [executed.proposalId, "executed"],
        [superseded.proposalId, "superseded"],
        [pending.proposalId, "pending"],
        [queued.proposalId, "queued"],
      ]);
      for (const state of listed) {
        expect(state).to.deep.equal(
          await getProposalState(publicClient, { ...agenda, proposalId: state.id }),
        );
      }
      expect(listed[2]?.approvals).to.deep.equal([getAddress(bob.account.address)]);
    });

    it("passes the target's custom error through when the committee's call reverts", async function () {
      const { alice, bob, contracts, agenda } = await networkHelpers.loadFixture(deploySystem);
      // Recognising an account that never applied: the IssuerRegistry rejects it.
      const call = issuerCalls.recognize(contracts.issuerRegistry, alice.account.address);
      const { proposalId } = await submitProposal(alice, {
        ...agenda,
        ...call,
        description: "Recognise nobody",
      });
      await approveProposal(alice, { committee: contracts.committee, proposalId });
      try {
        await executeProposal(bob, { ...agenda, proposalId });
        expect.fail("executed a failing call");
      } catch (error) {
        expect(error).to.be.instanceOf(ContractRevertError);
        expect((error as ContractRevertError).errorName).to.equal("InvalidIssuerStatus");
      }
    });
  });

  describe("issuers through the committee", function () {
    it("recognises an applicant and grants it a schema, which it can then anchor", async function () {
      const { alice, bob, issuer, contracts, publicClient, agenda } =
        await networkHelpers.loadFixture(deploySystem);
      const decide = async (call: { to: Hex; data: Hex }, description: string) => {
        const { proposalId } = await submitProposal(alice, { ...agenda, ...call, description });
        await approveProposal(alice, { committee: contracts.committee, proposalId });
        await executeProposal(bob, { ...agenda, proposalId });
      };
      await decide(
        {
          to: contracts.schemaRegistry,
          data: encodeFunctionData({ abi: schemaRegistryAbi, functionName: "register", args: [DEFINITION] }),
        },
        "Register the schema",
      );
      await applyForRecognition(issuer, {
        issuerRegistry: contracts.issuerRegistry,
        did: issuer.account.address,
        type: "laboratory",
        name: "Macao Public Health Laboratory",
        jurisdiction: "MO",
      });
      await decide(
        issuerCalls.recognize(contracts.issuerRegistry, issuer.account.address),
        "Recognise the lab",
      );
      const schemaId = schemaIdOf(DEFINITION);
      await decide(
        issuerCalls.grantSchema(contracts.issuerRegistry, issuer.account.address, schemaId),
        "Grant the lab test reports",
      );
      const record = await getIssuer(publicClient, {
        issuerRegistry: contracts.issuerRegistry,
        account: issuer.account.address,
      });
      expect(record.status).to.equal("recognized");
      expect(record.type).to.equal("laboratory");
      expect(record.schemaIds).to.deep.equal([schemaId]);
      const accredited = await publicClient.readContract({
        address: contracts.fingerprintRegistry,
        abi: fingerprintRegistryAbi,
        functionName: "isAccredited",
        args: [issuer.account.address, schemaId],
      });
      expect(accredited).to.equal(true);
    });

    it("adds a committee member by proposal, and the new member can then approve", async function () {
      const { alice, bob, stranger, contracts, publicClient, agenda } =
        await networkHelpers.loadFixture(deploySystem);
      const data = encodeFunctionData({
        abi: safeAbi,
        functionName: "addOwnerWithThreshold",
        args: [stranger.account.address, 2n],
      });
      const { proposalId } = await submitProposal(alice, {
        ...agenda,
        to: contracts.committee,
        data,
        description: "Add a fourth member",
      });
      await approveProposal(alice, { committee: contracts.committee, proposalId });
      await executeProposal(bob, { ...agenda, proposalId });
      const info = await getCommittee(publicClient, { committee: contracts.committee });
      expect(info.members.map((m) => m.toLowerCase())).to.include(stranger.account.address.toLowerCase());
      const next = await submitProposal(stranger, {
        ...agenda,
        to: contracts.schemaRegistry,
        data: encodeFunctionData({ abi: schemaRegistryAbi, functionName: "register", args: [DEFINITION] }),
        description: "Proposed by the new member",
      });
      expect(next.nonce).to.equal(1n);
    });
  });

  describe("pausing the fingerprint registry", function () {
    it("pauses and unpauses by committee decision; a stranger or the deployer cannot", async function () {
      const { alice, bob, deployer, stranger, contracts, publicClient, agenda } =
        await networkHelpers.loadFixture(deploySystem);
      const registry = { fingerprintRegistry: contracts.fingerprintRegistry };
      for (const account of [deployer, stranger]) {
        try {
          await transact(account, {
            address: contracts.fingerprintRegistry,
            abi: fingerprintRegistryAbi,
            functionName: "pause",
            args: [],
          });
          expect.fail("paused without the pauser role");
        } catch (error) {
          expect((error as ContractRevertError).errorName).to.equal("AccessManagedUnauthorized");
        }
      }
      expect(await isRegistryPaused(publicClient, registry)).to.equal(false);
      const decide = async (call: { to: Hex; data: Hex }, description: string) => {
        const { proposalId } = await submitProposal(alice, { ...agenda, ...call, description });
        await approveProposal(alice, { committee: contracts.committee, proposalId });
        return executeProposal(bob, { ...agenda, proposalId });
      };
      const paused = await decide(registryPauseCalls.pause(contracts.fingerprintRegistry), "Pause");
      expect(
        parseEventLogs({ abi: fingerprintRegistryAbi, logs: paused.receipt.logs, eventName: "Paused" }).map(
          (event) => event.args.account,
        ),
      ).to.deep.equal([contracts.committee]);
      expect(await isRegistryPaused(publicClient, registry)).to.equal(true);
      const unpaused = await decide(registryPauseCalls.unpause(contracts.fingerprintRegistry), "Unpause");
      expect(
        parseEventLogs({
          abi: fingerprintRegistryAbi,
          logs: unpaused.receipt.logs,
          eventName: "Unpaused",
        }).map((event) => event.args.account),
      ).to.deep.equal([contracts.committee]);
      expect(await isRegistryPaused(publicClient, registry)).to.equal(false);
    });
  });

  describe("with an execution delay", function () {
    it("leaves the pauser role without delay: the committee pauses at once, unscheduled", async function () {
      const { alice, bob, contracts, publicClient, agenda } =
        await networkHelpers.loadFixture(deploySystemWithDelay);
      expect(
        await roleOf(publicClient, contracts.accessManager, roles.issuerAdmin, contracts.committee),
      ).to.deep.equal({ member: true, executionDelay: 3600 });
      expect(
        await roleOf(publicClient, contracts.accessManager, roles.pauser, contracts.committee),
      ).to.deep.equal({ member: true, executionDelay: 0 });
      const call = registryPauseCalls.pause(contracts.fingerprintRegistry);
      const schedule = await getCommitteeSchedule(publicClient, {
        accessManager: contracts.accessManager,
        committee: contracts.committee,
        call,
      });
      expect(schedule.delaySeconds).to.equal(0);
      const { proposalId } = await submitProposal(alice, { ...agenda, ...call, description: "Pause now" });
      await approveProposal(alice, { committee: contracts.committee, proposalId });
      await executeProposal(bob, { ...agenda, proposalId });
      expect(
        await isRegistryPaused(publicClient, { fingerprintRegistry: contracts.fingerprintRegistry }),
      ).to.equal(true);
    });

    it("needs the change scheduled first, then executes it once the delay has passed", async function () {
      const { alice, bob, contracts, publicClient, agenda } =
        await networkHelpers.loadFixture(deploySystemWithDelay);
      const call = {
        to: contracts.schemaRegistry,
        data: encodeFunctionData({ abi: schemaRegistryAbi, functionName: "register", args: [DEFINITION] }),
      };
      // A proposal whose call reverts holds its Safe nonce: the next one replaces it at that nonce.
      const decide = async (proposal: { to: Hex; data: Hex }, description: string, nonce: bigint) => {
        const { proposalId } = await submitProposal(alice, { ...agenda, ...proposal, description, nonce });
        await approveProposal(alice, { committee: contracts.committee, proposalId });
        return executeProposal(bob, { ...agenda, proposalId });
      };
      try {
        await decide(call, "Register without scheduling", 0n);
        expect.fail("executed without the delay");
      } catch (error) {
        expect((error as ContractRevertError).errorName).to.equal("AccessManagerNotScheduled");
      }
      await decide(scheduledCall(contracts.accessManager, call), "Schedule: register", 0n);
      const scheduled = await getCommitteeSchedule(publicClient, {
        accessManager: contracts.accessManager,
        committee: contracts.committee,
        call,
      });
      expect(scheduled.delaySeconds).to.equal(3600);
      expect(scheduled.executableAt).to.be.instanceOf(Date);
      // OpenZeppelin's AccessManager drops a schedule a week after it became executable.
      expect(scheduled.expiresAt!.getTime() - scheduled.executableAt!.getTime()).to.equal(7 * 86_400_000);
      const { proposalId } = await submitProposal(alice, {
        ...agenda,
        ...call,
        description: "Register",
        nonce: 1n,
      });
      await approveProposal(alice, { committee: contracts.committee, proposalId });
      try {
        await executeProposal(bob, { ...agenda, proposalId });
        expect.fail("executed before the delay passed");
      } catch (error) {
        expect((error as ContractRevertError).errorName).to.equal("AccessManagerNotReady");
      }
      await networkHelpers.time.increase(3600);
      const execution = await executeProposal(bob, { ...agenda, proposalId });
      const registered = parseEventLogs({
        abi: schemaRegistryAbi,
        logs: execution.receipt.logs,
        eventName: "SchemaRegistered",
      });
      expect(registered[0]?.args.schemaId).to.equal(schemaIdOf(DEFINITION));
    });
  });

  describe("approvedHashSignatures", function () {
    it("encodes v=1 entries sorted by member address", function () {
      const low = "0x1000000000000000000000000000000000000001";
      const high = "0xf000000000000000000000000000000000000001";
      const signatures = approvedHashSignatures([high, low]);
      expect(signatures.length).to.equal(2 + 2 * 65 * 2);
      expect(signatures.slice(2 + 24, 2 + 64)).to.equal(low.slice(2));
      expect(signatures.slice(2 + 128, 2 + 130)).to.equal("01");
    });
  });
});

function zeroAddress(): Hex {
  return "0x0000000000000000000000000000000000000000";
}
