/**
 * The governance benchmarks' common set-up: Crossproof deployed with its Ignition module on an
 * in-process EDR chain, governed by a 2-of-3 committee of development accounts 10, 11 and 12, and
 * committee decisions sent as members send them (the SDK's committeeDecision: the first member
 * submits and approves, the second executes).
 */
import { network } from "hardhat";
import { getAddress, type Address, type Hex } from "viem";

import CrossproofModule from "../../ignition/modules/Crossproof.ts";
import type { SigningClient } from "../../src/sdk/actions/transact.ts";
import { committeeDecision } from "../../src/sdk/governance/committee.ts";

/** The development accounts that form the committee, and how many of them decide. */
export const COMMITTEE_ACCOUNTS = [10, 11, 12] as const;
export const COMMITTEE_THRESHOLD = 2;

export type BenchConsortium = Awaited<ReturnType<typeof deployBenchConsortium>>;

export async function deployBenchConsortium() {
  const connection = await network.create();
  const { ignition, viem } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const account = (index: number): SigningClient => {
    const found = wallets[index];
    if (!found) throw new Error(`The in-process chain has no account ${index}.`);
    return found;
  };
  const committeeMembers = COMMITTEE_ACCOUNTS.map(account);
  const deployed = await ignition.deploy(CrossproofModule, {
    parameters: {
      Committee: {
        members: committeeMembers.map((member) => member.account.address),
        threshold: COMMITTEE_THRESHOLD,
      },
    },
    displayUi: false,
  });
  // Ignition hands back ethers contracts here (the toolbox's ethers flavour); the SDK wants addresses.
  const addressOf = async (contract: { getAddress(): Promise<string> }): Promise<Address> =>
    getAddress(await contract.getAddress());
  const contracts = {
    schemaRegistry: await addressOf(deployed.schemaRegistry),
    fingerprintRegistry: await addressOf(deployed.fingerprintRegistry),
    issuerRegistry: await addressOf(deployed.issuerRegistry),
    committee: await addressOf(deployed.committee),
    committeeProposals: await addressOf(deployed.committeeProposals),
    consentRegistry: await addressOf(deployed.consentRegistry),
    creditOrderBook: await addressOf(deployed.creditOrderBook),
  };

  let decisions = 0;
  /** One committee decision; returns the executing transaction's gas. */
  async function decide(description: string, call: { to: Hex; data: Hex }): Promise<number> {
    const { execution } = await committeeDecision({
      committee: contracts.committee,
      committeeProposals: contracts.committeeProposals,
      members: committeeMembers.slice(0, COMMITTEE_THRESHOLD),
      ...call,
      description,
    });
    decisions++;
    return Number(execution.receipt.gasUsed);
  }

  return {
    connection,
    publicClient,
    account,
    contracts,
    decide,
    /** Committee decisions taken so far. */
    decisions: () => decisions,
    /** The set-up in words, for a result file. */
    describe: (decisionsInWords: string) =>
      `ignition/modules/Crossproof.ts with a ${COMMITTEE_THRESHOLD}-of-${COMMITTEE_ACCOUNTS.length} committee (development accounts ${COMMITTEE_ACCOUNTS.join(", ")}); ${decisions} committee decisions in all: ${decisionsInWords}`,
  };
}
