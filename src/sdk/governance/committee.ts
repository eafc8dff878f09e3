/**
 * The consortium committee: an M-of-N Safe that holds ADMIN_ROLE and every administrative role,
 * and the CommitteeProposals agenda its members submit to. A change is proposed (event
 * `ProposalSubmitted`), approved by each member with `Safe.approveHash` (event `ApproveHash`) and
 * executed by the Safe (events `SafeMultiSigTransaction`, the change's own events, then
 * `ExecutionSuccess`). The proposal id is the Safe transaction hash.
 */
import {
  BaseError as ViemBaseError,
  decodeErrorResult,
  encodeFunctionData,
  encodePacked,
  hashTypedData,
  pad,
  zeroAddress,
  type Client,
  type Hex,
} from "viem";
import { call, estimateContractGas, getChainId, readContract } from "viem/actions";

import {
  accessManagerAbi,
  committeeProposalsAbi,
  consentRegistryAbi,
  creditOrderBookAbi,
  didRegistryAbi,
  fingerprintRegistryAbi,
  issuerRegistryAbi,
  safeAbi,
  schemaRegistryAbi,
} from "../abis.ts";
import { getContractEventsInRanges } from "../actions/events.ts";
import {
  transact,
  toCrossproofError,
  type SigningClient,
  type TransactReturnType,
} from "../actions/transact.ts";
import { ContractRevertError, InvalidInputError } from "../errors.ts";
import { describeRevert } from "../revert-messages.ts";

/** Safe `Enum.Operation.Call`: proposals are always plain calls, never delegate calls. */
const CALL = 0;

/**
 * The Safe ABI plus every Crossproof contract's custom errors: when the committee's call reverts,
 * the Safe passes the target's revert data through, and this lets it be decoded by name.
 */
const executionAbi = [
  ...safeAbi,
  ...[
    ...accessManagerAbi,
    ...schemaRegistryAbi,
    ...fingerprintRegistryAbi,
    ...didRegistryAbi,
    ...issuerRegistryAbi,
  ].filter((item): item is Extract<typeof item, { type: "error" }> => item.type === "error"),
];

export type CommitteeAddresses = {
  /** The committee's Safe (manifest `contracts.Committee`). */
  committee: Hex;
  /** The agenda contract (manifest `contracts.CommitteeProposals`). */
  committeeProposals: Hex;
};

export type ProposalCall = {
  /** Contract the committee will call. */
  to: Hex;
  /** Calldata (e.g. from viem `encodeFunctionData`). */
  data: Hex;
  /** Wei to send; 0 by default. */
  value?: bigint;
};

export type ProposalStatus =
  /** Waiting for approvals or execution at the Safe's current nonce. */
  | "pending"
  /** Queued behind other proposals (its nonce is later than the Safe's). */
  | "queued"
  /** Executed by the Safe. */
  | "executed"
  /** Its nonce was used by another proposal: it can never execute. */
  | "superseded";

export type Proposal = {
  id: Hex;
  committee: Hex;
  proposer: Hex;
  proposedAt: Date;
  to: Hex;
  value: bigint;
  nonce: bigint;
  data: Hex;
  description: string;
};

export type ProposalState = Proposal & {
  status: ProposalStatus;
  /** Members whose approval is recorded on chain (`approvedHashes`). */
  approvals: Hex[];
  threshold: number;
  members: Hex[];
  /** Transaction that executed it, when executed. */
  executedIn?: Hex;
};

/**
 * The Safe transaction hash of a proposal (EIP-712 `SafeTx` over domain {chainId, verifyingContract}),
 * computed locally; equal to `Safe.getTransactionHash` (a test checks it).
 *
 * @example
 * proposalIdOf({ chainId: 1337, committee, to: issuerRegistry, data, nonce: 0n });
 */
export function proposalIdOf({
  chainId,
  committee,
  to,
  data,
  value = 0n,
  nonce,
}: ProposalCall & { chainId: number; committee: Hex; nonce: bigint }): Hex {
  return hashTypedData({
    domain: { chainId, verifyingContract: committee },
    types: {
      SafeTx: [
        { name: "to", type: "address" },
        { name: "value", type: "uint256" },
        { name: "data", type: "bytes" },
        { name: "operation", type: "uint8" },
        { name: "safeTxGas", type: "uint256" },
        { name: "baseGas", type: "uint256" },
        { name: "gasPrice", type: "uint256" },
        { name: "gasToken", type: "address" },
        { name: "refundReceiver", type: "address" },
        { name: "nonce", type: "uint256" },
      ],
    },
    primaryType: "SafeTx",
    message: {
      to,
      value,
      data,
      operation: CALL,
      safeTxGas: 0n,
      baseGas: 0n,
      gasPrice: 0n,
      gasToken: zeroAddress,
      refundReceiver: zeroAddress,
      nonce,
    },
  });
}

/** Every custom error a committee's call can meet, for decoding a refusal whatever its target. */
const COMMITTEE_CALL_ERRORS = [
  ...accessManagerAbi,
  ...schemaRegistryAbi,
  ...fingerprintRegistryAbi,
  ...didRegistryAbi,
  ...issuerRegistryAbi,
  ...committeeProposalsAbi,
  ...consentRegistryAbi,
  ...creditOrderBookAbi,
  ...safeAbi,
].filter((item) => item.type === "error");

/**
 * Runs a proposal's call now as the committee would (an `eth_call` from the Safe), and says in one
 * sentence why it would be refused; undefined when it would succeed. Proposals execute in nonce
 * order, so one that cannot execute holds up every later one: propose only what can run (or what
 * an earlier proposal will make possible).
 */
export async function whyCommitteeCallFails(
  client: Client,
  { committee, to, data, value = 0n }: { committee: Hex } & ProposalCall,
): Promise<string | undefined> {
  try {
    await call(client, { account: committee, to, data, value });
    return undefined;
  } catch (error) {
    if (!(error instanceof ViemBaseError)) throw error;
    const raw = error.walk((e) => typeof (e as { data?: unknown }).data === "string") as {
      data?: Hex;
    } | null;
    const revertData = raw?.data;
    if (!revertData || revertData === "0x") {
      // Not a revert with data: unreachable chain, or a bare revert.
      if (error.walk((e) => (e as { name?: string }).name === "ExecutionRevertedError")) {
        return "The call reverts without a reason.";
      }
      throw toCrossproofError(error, "simulating the proposal");
    }
    try {
      const decoded = decodeErrorResult({ abi: COMMITTEE_CALL_ERRORS, data: revertData });
      const args = decoded.args;
      return (
        describeRevert(decoded.errorName, args) ??
        `${decoded.errorName}(${args.map((arg) => String(arg)).join(", ")}).`
      );
    } catch {
      return `The call reverts with data ${revertData}.`;
    }
  }
}

/** Members, threshold and current nonce of the committee Safe. */
export async function getCommittee(
  client: Client,
  { committee }: { committee: Hex },
): Promise<{ members: Hex[]; threshold: number; nonce: bigint }> {
  try {
    const [members, threshold, nonce] = await Promise.all([
      readContract(client, { address: committee, abi: safeAbi, functionName: "getOwners" }),
      readContract(client, { address: committee, abi: safeAbi, functionName: "getThreshold" }),
      readContract(client, { address: committee, abi: safeAbi, functionName: "nonce" }),
    ]);
    return { members: [...members], threshold: Number(threshold), nonce };
  } catch (error) {
    throw toCrossproofError(error, "reading the committee");
  }
}

export type SubmitProposalParameters = CommitteeAddresses &
  ProposalCall & {
    description: string;
    /** Safe nonce to hash with; the Safe's current nonce plus the proposals already queued by default. */
    nonce?: bigint;
  };
export type SubmitProposalReturnType = TransactReturnType & { proposalId: Hex; nonce: bigint };

/**
 * Submits a proposal to the committee's agenda (the caller must be a member). The default nonce
 * queues it after every pending proposal, so members can submit several changes at once.
 *
 * @example
 * const { proposalId } = await submitProposal(member, { committee, committeeProposals, to, data, description: "Recognise the Macao lab" });
 */
export async function submitProposal(
  client: SigningClient,
  { committee, committeeProposals, to, data, value = 0n, description, nonce }: SubmitProposalParameters,
): Promise<SubmitProposalReturnType> {
  const chosenNonce = nonce ?? (await nextFreeNonce(client, { committee, committeeProposals }));
  const result = await transact(client, {
    address: committeeProposals,
    abi: committeeProposalsAbi,
    functionName: "submit",
    args: [committee, to, value, data, chosenNonce, description],
  });
  const chainId = client.chain?.id ?? (await getChainId(client));
  return {
    ...result,
    nonce: chosenNonce,
    proposalId: proposalIdOf({ chainId, committee, to, data, value, nonce: chosenNonce }),
  };
}

/**
 * The lowest Safe nonce, from the Safe's current one, that no submitted proposal uses: a new
 * proposal queues behind the pending ones (and fills gaps, so proposals submitted at far-future
 * nonces cannot push it away). To replace a proposal that cannot execute, pass its nonce.
 * `safeNonce`, the Safe's current nonce when the caller has just read it.
 */
export async function nextFreeNonce(
  client: Client,
  addresses: CommitteeAddresses,
  safeNonce?: bigint,
): Promise<bigint> {
  const nonce = safeNonce ?? (await getCommittee(client, addresses)).nonce;
  const used = new Set((await listProposals(client, addresses)).map((proposal) => proposal.nonce));
  let next = nonce;
  while (used.has(next)) next++;
  return next;
}

/** Reads a proposal; throws InvalidInputError when the committee has no proposal with this id. */
export async function getProposal(
  client: Client,
  { committee, committeeProposals, proposalId }: CommitteeAddresses & { proposalId: Hex },
): Promise<Proposal> {
  try {
    const found = await readContract(client, {
      address: committeeProposals,
      abi: committeeProposalsAbi,
      functionName: "proposal",
      args: [committee, proposalId],
    });
    return {
      id: proposalId,
      committee: found.committee,
      proposer: found.proposer,
      proposedAt: new Date(Number(found.proposedAt) * 1000),
      to: found.to,
      value: found.value,
      nonce: found.nonce,
      data: found.data,
      description: found.description,
    };
  } catch (error) {
    const mapped = toCrossproofError(error, "reading the proposal");
    if (mapped instanceof ContractRevertError && mapped.errorName === "ProposalNotFound") {
      throw new InvalidInputError(
        `No proposal ${proposalId} was submitted to this committee. Check the id (\`crossproof gov list\`).`,
      );
    }
    throw mapped;
  }
}

/** Every proposal submitted for the committee, oldest first. */
export async function listProposals(
  client: Client,
  { committee, committeeProposals }: CommitteeAddresses,
): Promise<Proposal[]> {
  try {
    const ids = await readContract(client, {
      address: committeeProposals,
      abi: committeeProposalsAbi,
      functionName: "proposalIds",
      args: [committee, 0n, 2n ** 64n],
    });
    return await Promise.all(
      ids.map((proposalId) => getProposal(client, { committee, committeeProposals, proposalId })),
    );
  } catch (error) {
    throw toCrossproofError(error, "listing proposals");
  }
}

/**
 * A proposal with its approvals and status. `fromBlock` bounds the search for its execution event.
 */
export async function getProposalState(
  client: Client,
  {
    committee,
    committeeProposals,
    proposalId,
    fromBlock = 0n,
  }: CommitteeAddresses & { proposalId: Hex; fromBlock?: bigint },
): Promise<ProposalState> {
  const proposal = await getProposal(client, { committee, committeeProposals, proposalId });
  const { members, threshold, nonce } = await getCommittee(client, { committee });
  const approvals: Hex[] = [];
  try {
    const approved = await Promise.all(
      members.map((member) =>
        readContract(client, {
          address: committee,
          abi: safeAbi,
          functionName: "approvedHashes",
          args: [member, proposalId],
        }),
      ),
    );
    members.forEach((member, i) => {
      if (approved[i] !== 0n) approvals.push(member);
    });
  } catch (error) {
    throw toCrossproofError(error, "reading approvals");
  }
  let status: ProposalStatus = proposal.nonce > nonce ? "queued" : "pending";
  let executedIn: Hex | undefined;
  if (proposal.nonce < nonce) {
    const executions = await getContractEventsInRanges(client, {
      address: committee,
      abi: safeAbi,
      eventName: "ExecutionSuccess",
      args: { txHash: proposalId },
      fromBlock,
    }).catch((error: unknown) => {
      throw toCrossproofError(error, "reading executions");
    });
    const execution = executions[0];
    status = execution ? "executed" : "superseded";
    executedIn = execution?.transactionHash ?? undefined;
  }
  return { ...proposal, status, approvals, threshold, members, ...(executedIn ? { executedIn } : {}) };
}

/**
 * Every proposal submitted for the committee with its approvals and status, oldest first: the
 * committee is read once and its executions are one event query, so all proposals are judged
 * against the same moment. `fromBlock` bounds that query (the deployment's start block).
 *
 * @example
 * const proposals = await listProposalStates(client, { committee, committeeProposals, fromBlock });
 */
export async function listProposalStates(
  client: Client,
  { committee, committeeProposals, fromBlock = 0n }: CommitteeAddresses & { fromBlock?: bigint },
): Promise<ProposalState[]> {
  const [proposals, { members, threshold, nonce }] = await Promise.all([
    listProposals(client, { committee, committeeProposals }),
    getCommittee(client, { committee }),
  ]);
  if (proposals.length === 0) return [];
  let approved: bigint[][];
  try {
    approved = await Promise.all(
      proposals.map((proposal) =>
        Promise.all(
          members.map((member) =>
            readContract(client, {
              address: committee,
              abi: safeAbi,
              functionName: "approvedHashes",
              args: [member, proposal.id],
            }),
          ),
        ),
      ),
    );
  } catch (error) {
    throw toCrossproofError(error, "reading approvals");
  }
  const executions = proposals.some((proposal) => proposal.nonce < nonce)
    ? await getContractEventsInRanges(client, {
        address: committee,
        abi: safeAbi,
        eventName: "ExecutionSuccess",
        fromBlock,
      }).catch((error: unknown) => {
        throw toCrossproofError(error, "reading executions");
      })
    : [];
  const executedIn = new Map(
    executions.map((execution) => [execution.args.txHash?.toLowerCase(), execution.transactionHash]),
  );
  return proposals.map((proposal, index) => {
    const approvals = members.filter((_, at) => approved[index]?.[at] !== 0n);
    const execution = executedIn.get(proposal.id.toLowerCase()) ?? undefined;
    const status: ProposalStatus =
      proposal.nonce > nonce
        ? "queued"
        : proposal.nonce === nonce
          ? "pending"
          : execution
            ? "executed"
            : "superseded";
    return {
      ...proposal,
      status,
      approvals,
      threshold,
      members,
      ...(status === "executed" && execution ? { executedIn: execution } : {}),
    };
  });
}

/**
 * Approves a proposal as the calling member (`Safe.approveHash`). Approving twice is harmless.
 *
 * @example
 * await approveProposal(member, { committee, proposalId });
 */
export async function approveProposal(
  client: SigningClient,
  { committee, proposalId }: { committee: Hex; proposalId: Hex },
): Promise<TransactReturnType> {
  try {
    return await transact(client, {
      address: committee,
      abi: safeAbi,
      functionName: "approveHash",
      args: [proposalId],
    });
  } catch (error) {
    // The Safe refuses a non-owner with the revert string GS030 ("only owners can approve a hash"):
    // name it as the agenda refuses a non-member's proposal, so that both read the same.
    if (
      error instanceof ContractRevertError &&
      (error.errorName === "Error" || error.errorName === undefined) &&
      /\bGS030\b/.test(error.message)
    ) {
      throw new ContractRevertError(
        `approveHash was rejected by the contract: ${client.account.address} is not a member of committee ${committee}.`,
        { errorName: "NotCommitteeMember", errorArgs: [committee, client.account.address], cause: error },
      );
    }
    throw error;
  }
}

/**
 * Executes an approved proposal. The approvals recorded on chain are used; the caller's own
 * approval counts without an `approveHash` when the caller is a member. Anyone may execute once
 * enough members approved.
 *
 * @example
 * await executeProposal(member, { committee, committeeProposals, proposalId });
 */
export async function executeProposal(
  client: SigningClient,
  { committee, committeeProposals, proposalId }: CommitteeAddresses & { proposalId: Hex },
): Promise<TransactReturnType> {
  const state = await getProposalState(client, { committee, committeeProposals, proposalId });
  if (state.status === "executed")
    throw new InvalidInputError(`Proposal ${proposalId} was already executed.`);
  if (state.status === "superseded") {
    throw new InvalidInputError(
      `Proposal ${proposalId} can no longer execute: another proposal used its nonce ${state.nonce}.`,
    );
  }
  if (state.status === "queued") {
    const { nonce } = await getCommittee(client, { committee });
    throw new InvalidInputError(
      `Proposal ${proposalId} is queued at nonce ${state.nonce}; the committee must first execute a proposal at nonce ${nonce} (or replace one that cannot execute by proposing with nonce ${nonce}).`,
    );
  }
  const executor = client.account.address;
  const signers = new Set(state.approvals.map((member) => member.toLowerCase()));
  if (state.members.some((member) => member.toLowerCase() === executor.toLowerCase()))
    signers.add(executor.toLowerCase());
  if (signers.size < state.threshold) {
    throw new InvalidInputError(
      `Proposal ${proposalId} has ${signers.size} of the ${state.threshold} approvals it needs. Members approve with \`crossproof gov approve ${proposalId}\`.`,
    );
  }
  const call = {
    address: committee,
    abi: executionAbi,
    functionName: "execTransaction",
    args: [
      state.to,
      state.value,
      state.data,
      CALL,
      0n,
      0n,
      0n,
      zeroAddress,
      zeroAddress,
      approvedHashSignatures([...signers] as Hex[]),
    ],
  } as const;
  // The Safe forwards all but 1/64 of its gas to the call (EIP-150) and must keep some for itself
  // afterwards, so a bare estimate can leave the mined transaction a few hundred gas short.
  let gas: bigint | undefined;
  try {
    gas = await estimateContractGas(client, { ...call, account: client.account });
  } catch {
    gas = undefined; // transact's simulation names the error
  }
  return transact(client, { ...call, ...(gas === undefined ? {} : { gas: gas + gas / 4n }) });
}

/**
 * The Safe signature bytes for pre-approved hashes (or the executing member): per member, r = the
 * member's address, s = 0, v = 1, sorted by address ascending as the Safe requires.
 */
export function approvedHashSignatures(members: readonly Hex[]): Hex {
  const sorted = [...members].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  if (sorted.length === 0) return "0x";
  return encodePacked(
    sorted.flatMap(() => ["bytes32", "bytes32", "uint8"] as const),
    sorted.flatMap((member) => [pad(member, { size: 32 }), pad("0x00", { size: 32 }), 1] as const),
  );
}

/**
 * With an execution delay on the committee's roles (Ignition parameter `Crossproof.executionDelay`),
 * a change takes two proposals: this one schedules `call` on the AccessManager; once the delay has
 * passed, proposing `call` itself executes it (the AccessManager consumes the schedule).
 *
 * @example
 * await submitProposal(member, { ...agenda, ...scheduledCall(accessManager, issuerCalls.recognize(issuerRegistry, lab)), description: "Schedule: recognise the lab" });
 */
export function scheduledCall(accessManager: Hex, call: ProposalCall): ProposalCall {
  return {
    to: accessManager,
    data: encodeFunctionData({
      abi: accessManagerAbi,
      functionName: "schedule",
      args: [call.to, call.data, 0],
    }),
  };
}

/**
 * When the committee's scheduled `call` becomes executable (undefined if it is not scheduled), the
 * AccessManager role the call needs (`roleId`), the delay the committee's role carries for it, and
 * whether the committee may make it at once (`immediate`; false with delay 0: the committee holds no
 * role that allows the call).
 */
export async function getCommitteeSchedule(
  client: Client,
  { accessManager, committee, call }: { accessManager: Hex; committee: Hex; call: ProposalCall },
): Promise<{
  immediate: boolean;
  delaySeconds: number;
  roleId: bigint;
  executableAt: Date | undefined;
  /** When the AccessManager drops the schedule unexecuted (`executableAt` + its `expiration()`). */
  expiresAt: Date | undefined;
}> {
  try {
    const selector = call.data.slice(0, 10) as Hex;
    const [[immediate, delay], operationId, roleId, expiration] = await Promise.all([
      readContract(client, {
        address: accessManager,
        abi: accessManagerAbi,
        functionName: "canCall",
        args: [committee, call.to, selector],
      }),
      readContract(client, {
        address: accessManager,
        abi: accessManagerAbi,
        functionName: "hashOperation",
        args: [committee, call.to, call.data],
      }),
      readContract(client, {
        address: accessManager,
        abi: accessManagerAbi,
        functionName: "getTargetFunctionRole",
        args: [call.to, selector],
      }),
      readContract(client, { address: accessManager, abi: accessManagerAbi, functionName: "expiration" }),
    ]);
    const timepoint = await readContract(client, {
      address: accessManager,
      abi: accessManagerAbi,
      functionName: "getSchedule",
      args: [operationId],
    });
    return {
      immediate,
      delaySeconds: delay,
      roleId,
      executableAt: timepoint === 0 ? undefined : new Date(timepoint * 1000),
      expiresAt: timepoint === 0 ? undefined : new Date((timepoint + expiration) * 1000),
    };
  } catch (error) {
    throw toCrossproofError(error, "reading the AccessManager schedule");
  }
}

export type CommitteeDecisionParameters = CommitteeAddresses &
  ProposalCall & {
    description: string;
    /** Members' clients: the first submits, each approves, the last executes (at least the threshold). */
    members: readonly SigningClient[];
  };

/**
 * Runs one change through the committee end to end: submit, approve by each given member, execute.
 * For scripts and demos where the members' keys are at hand (e.g. `npm start`); real members run
 * the three steps on their own machines (`crossproof gov propose|approve|execute`).
 */
export async function committeeDecision({
  members,
  description,
  ...call
}: CommitteeDecisionParameters): Promise<{ proposalId: Hex; execution: TransactReturnType }> {
  const [proposer] = members;
  const executor = members.at(-1);
  if (!proposer || !executor) throw new InvalidInputError("A committee decision needs at least one member.");
  const { proposalId } = await submitProposal(proposer, { ...call, description });
  for (const member of members.slice(0, -1)) {
    await approveProposal(member, { committee: call.committee, proposalId });
  }
  const execution = await executeProposal(executor, {
    committee: call.committee,
    committeeProposals: call.committeeProposals,
    proposalId,
  });
  return { proposalId, execution };
}
