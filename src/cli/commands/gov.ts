import { writeFile } from "node:fs/promises";

import { encodeFunctionData, isAddress, zeroHash, type Hex } from "viem";

import { accessManagerAbi, safeAbi, schemaRegistryAbi } from "../../sdk/abis.ts";
import { isRegistryPaused, registryPauseCalls } from "../../sdk/fingerprints/actions.ts";
import { REGISTRY_PAUSED, REGISTRY_RUNNING } from "../../sdk/fingerprints/pause.ts";
import {
  approveProposal,
  executeProposal,
  getCommittee,
  getCommitteeSchedule,
  getProposalState,
  listProposalStates,
  nextFreeNonce,
  scheduledCall,
  submitProposal,
  whyCommitteeCallFails,
  type ProposalCall,
  type ProposalState,
} from "../../sdk/governance/committee.ts";
import { ChainUnreachableError } from "../../sdk/errors.ts";
import { describeProposalCall } from "../../sdk/governance/describe.ts";
import { expectBytes32, isBytes32 } from "../../sdk/hex.ts";
import { issuerCalls } from "../../sdk/issuers/issuers.ts";
import { roleName, roles } from "../../sdk/roles.ts";
import { isoSeconds } from "../../sdk/time.ts";
import { hasControlCharacters } from "../../sdk/text.ts";
import { isAbsoluteUri } from "../../sdk/uri.ts";
import { connect, signer, type ChainContext } from "../context.ts";
import { ExitCode, UsageError } from "../errors.ts";
import type { Command } from "../main.ts";
import { printable, printJson, printLine } from "../output.ts";
import { parseSchemaReference } from "./shared.ts";

const ACTIONS = `schema-register --name <n> --version <v> [--uri <u>] [--definition-hash <hex32>] [--revocable] [--reinstatable]
    issuer-recognize <issuer>          issuer-suspend <issuer> [--from <date>]
    issuer-reinstate <issuer>          issuer-remove <issuer> [--from <date>]
    schema-grant <issuer> <schema>     schema-revoke <issuer> <schema> [--from <date>]
    role-grant <role> <account> [--delay <seconds>]    role-revoke <role> <account>
    member-add <address> [--threshold <m>]             member-remove <address> [--threshold <m>]
    threshold <m>                      call --to <address> --data <hex>
    registry-pause                     registry-unpause`;

export const govCommand: Command = {
  summary:
    "Committee governance: propose, approve and execute consortium changes; list and show proposals; status.",
  usage: `gov propose <action> … [--description <text>] [--out <file>] [--no-approve] [--schedule] [--nonce <n>] [--anyway] [--irreversible]
       crossproof gov approve <proposal-id|file>
       crossproof gov execute <proposal-id|file>
       crossproof gov list
       crossproof gov show <proposal-id|file>
       crossproof gov members
       crossproof gov status

  Actions:
    ${ACTIONS}

  A proposal is a call the committee's Safe will make. \`propose\` submits it to the public agenda
  and approves it as the proposer (skip with --no-approve); other members \`approve\` it by id (or
  with the --out file) from their own machines; once enough have approved, anyone \`execute\`s it.
  A proposal takes the committee's next free Safe nonce. One that can never execute (its call
  reverts) holds its nonce: replace it by proposing another change with --nonce <its nonce>.
  \`propose\` runs the call first as the committee would, and refuses one that would execute next
  and fail (--anyway proposes it nonetheless). Revoking the committee's admin role, or giving it an
  admin delay, cannot be undone: it needs --irreversible.
  With an execution delay on the committee's roles (deployment parameter executionDelay), propose
  a change first with --schedule (it schedules the call on the AccessManager), then again without
  it once the delay has passed, within a week (the AccessManager drops a schedule seven days after
  it became executable; then schedule it again).
  registry-pause stops every anchoring, revocation and reinstatement on the fingerprint registry
  (the emergency stop: the committee's pauser role has no execution delay, so neither it nor
  registry-unpause takes --schedule, like any change whose role has none); verification and accreditation go on. registry-unpause
  resumes them. \`gov status\` shows the committee and whether the registry is paused.
  Roles: ${Object.keys(roles).join(", ")} (or a number). --from: an ISO 8601 date, at most the chain's current time (the default).`,
  options: {
    description: { type: "string" },
    out: { type: "string" },
    "no-approve": { type: "boolean", default: false },
    anyway: { type: "boolean", default: false },
    irreversible: { type: "boolean", default: false },
    schedule: { type: "boolean", default: false },
    nonce: { type: "string" },
    name: { type: "string" },
    version: { type: "string" },
    uri: { type: "string" },
    "definition-hash": { type: "string" },
    revocable: { type: "boolean", default: false },
    reinstatable: { type: "boolean", default: false },
    from: { type: "string" },
    delay: { type: "string" },
    threshold: { type: "string" },
    to: { type: "string" },
    data: { type: "string" },
  },
  async run(positionals, values, global) {
    const [action, ...rest] = positionals;
    const actions = ["propose", "approve", "execute", "list", "show", "members", "status"];
    if (!action || !actions.includes(action)) {
      throw new UsageError(`Use: crossproof gov ${actions.join("|")} (see --help).`);
    }
    if (action === "propose") {
      // Validate the whole proposal before connecting: bad input never costs a transaction.
      const [kind, ...args] = rest;
      const build = proposalBuilder(kind, args, values);
      if (values.nonce !== undefined && (typeof values.nonce !== "string" || !/^\d+$/.test(values.nonce))) {
        throw new UsageError("--nonce must be a whole number (a Safe nonce; see `crossproof gov list`).");
      }
      const nonce = typeof values.nonce === "string" ? BigInt(values.nonce) : undefined;
      const context = await connect(global);
      const built = await build(context);
      const committee = committeeOf(context);
      const accessManager = context.manifest.contracts.AccessManager as Hex;
      const schedule = values.schedule === true;
      const toCommittee = built.call.to.toLowerCase() === committee.committee.toLowerCase();
      if (schedule && !toCommittee) {
        // AccessManager.schedule refuses a call the committee may make without delay, or not at
        // all: such a proposal would hold its Safe nonce and never execute.
        const { immediate, delaySeconds, roleId } = await getCommitteeSchedule(context.publicClient, {
          accessManager,
          committee: committee.committee,
          call: built.call,
        });
        const role = roleName(roleId);
        if (!immediate && delaySeconds === 0)
          throw new UsageError(
            `gov propose ${kind}: the committee does not hold the ${role} role, so neither the call nor a schedule of it can execute. Grant it first: gov propose role-grant ${role} ${committee.committee}.`,
          );
        if (delaySeconds === 0)
          throw new UsageError(
            `gov propose ${kind} takes no --schedule: the committee's ${role} role acts without an execution delay, so the AccessManager refuses to schedule it. Propose it without --schedule; it executes as soon as enough members approve.`,
          );
      }
      const call = schedule ? scheduledCall(accessManager, built.call) : built.call;
      const description = schedule ? `Schedule: ${built.description}` : built.description;
      // Proposals execute in nonce order: one that cannot execute holds up every later one (the
      // emergency pause included) until a proposal at its nonce replaces it. A proposal that would
      // execute next (the Safe's nonce, taken by default, with nothing before it) and would fail now
      // is refused; one queued behind others, or given its nonce on purpose (to compete with or
      // replace another), only gets a note.
      const { nonce: safeNonce } = await getCommittee(context.publicClient, {
        committee: committee.committee,
      });
      const free = await nextFreeNonce(context.publicClient, committee, safeNonce);
      const chosenNonce = nonce ?? free;
      const executesNext = nonce === undefined && chosenNonce === safeNonce;
      if (nonce !== undefined && nonce > free) {
        printNote(
          `Note: no proposal uses nonces ${free}–${nonce - 1n}: this one waits until each of them is used by an executed proposal.`,
        );
      } else if (chosenNonce > safeNonce) {
        printNote(
          `Note: it is queued at nonce ${chosenNonce}: the proposals at nonces ${safeNonce}–${chosenNonce - 1n} execute (or are replaced) first (see \`crossproof gov list\`).`,
        );
      }
      // Why it could not execute now, if it could not: the builder's own remark (a pause while
      // paused), a role's delay not yet served, or the committee's call failing when simulated.
      let blocker: string | undefined = built.note?.replace(/^Note: /, "");
      let waitsForSchedule = false;
      if (blocker === undefined && !schedule && !toCommittee) {
        const { delaySeconds, executableAt, expiresAt } = await getCommitteeSchedule(context.publicClient, {
          accessManager,
          committee: committee.committee,
          call: built.call,
        });
        if (delaySeconds > 0 && executableAt === undefined) {
          blocker = `the committee's role has a ${delaySeconds}-second execution delay and this change is not scheduled: it will revert until a --schedule proposal for it has executed and the delay has passed.`;
        } else if (executableAt) {
          const { timestamp } = await context.publicClient.getBlock();
          waitsForSchedule = executableAt.getTime() > Number(timestamp) * 1000;
          if (waitsForSchedule) {
            printNote(
              `Note: this change is scheduled; it can execute from ${executableAt.toISOString()} until ${expiresAt!.toISOString()} (then the AccessManager drops the schedule), and proposals after it wait until it has.`,
            );
          }
        }
      }
      if (blocker === undefined && !waitsForSchedule && values.anyway !== true) {
        try {
          const failure = await whyCommitteeCallFails(context.publicClient, {
            committee: committee.committee,
            ...call,
          });
          if (failure !== undefined)
            blocker = `executed now, the committee's call would be refused: ${failure}`;
        } catch (error) {
          // Only an unreachable chain stops the proposal here; other trouble simulating it is for
          // the members to judge.
          if (error instanceof ChainUnreachableError) throw error;
          printNote(
            `Note: the committee's call could not be simulated (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); check what it does before approving it.`,
          );
        }
      }
      if (blocker !== undefined) {
        if (executesNext && values.anyway !== true) {
          throw new UsageError(
            `gov propose ${kind}: ${blocker} It would execute next, and a proposal that cannot execute holds up every later one, the emergency pause included; nothing was proposed. Propose first what makes it possible, or pass --anyway.`,
          );
        }
        printNote(
          built.note ??
            `Note: ${blocker} If it cannot execute, replace it with another proposal at nonce ${chosenNonce} (--nonce ${chosenNonce}).`,
        );
      }
      if (built.advice) printNote(built.advice);
      const client = signer(global, context);
      const submitted = await submitProposal(client, {
        ...committee,
        ...call,
        description: typeof values.description === "string" ? values.description : description,
        nonce: chosenNonce,
      });
      if (values["no-approve"] !== true) {
        await approveProposal(client, { committee: committee.committee, proposalId: submitted.proposalId });
      }
      const state = await getProposalState(context.publicClient, {
        ...committee,
        proposalId: submitted.proposalId,
      });
      if (typeof values.out === "string") {
        await writeFile(values.out, `${JSON.stringify(proposalFile(context, state), null, 2)}\n`);
      }
      if (global.json) printJson({ ...serialise(state), transactionHash: submitted.transactionHash });
      else {
        printLine(`Proposed ${submitted.proposalId} (nonce ${submitted.nonce}): ${state.description}`);
        printLine(`  approvals ${state.approvals.length} of ${state.threshold}; members approve with:`);
        printLine(`  crossproof gov approve ${submitted.proposalId}`);
      }
      return ExitCode.ok;
    }

    const context = await connect(global);
    const committee = committeeOf(context);
    const fromBlock = BigInt(context.manifest.startBlock);

    if (action === "members") {
      printCommittee(committee.committee, await getCommittee(context.publicClient, committee), global.json);
      return ExitCode.ok;
    }

    if (action === "status") {
      const fingerprintRegistry = context.manifest.contracts.FingerprintRegistry as Hex;
      const [info, paused] = await Promise.all([
        getCommittee(context.publicClient, committee),
        isRegistryPaused(context.publicClient, { fingerprintRegistry }),
      ]);
      printCommittee(committee.committee, info, global.json, { address: fingerprintRegistry, paused });
      return ExitCode.ok;
    }

    if (action === "list") {
      // One read of the committee and one of its executions for all proposals.
      const states = await listProposalStates(context.publicClient, { ...committee, fromBlock });
      if (global.json) printJson(states.map(serialise));
      else if (states.length === 0) printLine("No proposals.");
      else
        for (const state of states)
          printLine(
            `${state.id}  #${state.nonce}  ${state.status.padEnd(10)} ${state.approvals.length}/${state.threshold}  ${state.description}`,
          );
      return ExitCode.ok;
    }

    const proposalId = await parseProposalId(rest[0]);
    if (action === "show") {
      const state = await getProposalState(context.publicClient, { ...committee, proposalId, fromBlock });
      if (global.json) printJson(serialise(state));
      else printState(state);
      return ExitCode.ok;
    }

    const client = signer(global, context);
    if (action === "approve") {
      const state = await getProposalState(context.publicClient, { ...committee, proposalId, fromBlock });
      if (state.status === "executed" || state.status === "superseded") {
        throw new UsageError(`Proposal ${proposalId} is ${state.status}; there is nothing to approve.`);
      }
      const member = client.account.address.toLowerCase();
      if (state.approvals.some((approver) => approver.toLowerCase() === member)) {
        throw new UsageError(
          `${client.account.address} has approved proposal ${proposalId} already: ${state.approvals.length} of ${state.threshold} approvals. Nothing was sent.`,
        );
      }
      const { transactionHash } = await approveProposal(client, {
        committee: committee.committee,
        proposalId,
      });
      const after = await getProposalState(context.publicClient, { ...committee, proposalId, fromBlock });
      if (global.json) printJson({ ...serialise(after), transactionHash });
      else printLine(`Approved ${proposalId}: ${after.approvals.length} of ${after.threshold} approvals.`);
      return ExitCode.ok;
    }

    // execute
    const { transactionHash } = await executeProposal(client, { ...committee, proposalId });
    const after = await getProposalState(context.publicClient, { ...committee, proposalId, fromBlock });
    if (global.json) printJson({ ...serialise(after), transactionHash });
    else printLine(`Executed ${proposalId} in ${transactionHash}: ${after.description}`);
    return ExitCode.ok;
  },
};

/**
 * A proposal's call and description; `note`, a remark for the proposer when the call would revert
 * now on purpose (queued behind another change); `advice`, a remark about what it will do.
 */
type Built = { call: ProposalCall; description: string; note?: string; advice?: string };

/** A warning when a committee of `members` would need every one of them to act (M = N). */
function everyMemberNeeded(threshold: bigint, members: number): string | undefined {
  if (threshold !== BigInt(members) || members === 0) return undefined;
  return `Note: with a threshold of ${threshold} of ${members} members, every member is needed: one lost or stolen key stops the committee for good (nothing could change its members again). Keep at least one member more than the threshold (docs/threat-model.md).`;
}

/** Parses a proposal's action and arguments; the returned function needs the chain only for addresses. */
function proposalBuilder(
  kind: string | undefined,
  args: string[],
  values: Record<string, string | boolean | undefined>,
): (context: ChainContext) => Built | Promise<Built> {
  const address = (value: string | undefined, what: string): Hex => {
    if (!value || !isAddress(value))
      throw new UsageError(`gov propose ${kind}: ${what} must be a 0x address.`);
    return value;
  };
  /**
   * `--from`, checked for syntax now; resolved against the chain's clock (the contract compares
   * with block.timestamp), defaulting to the chain's latest block time.
   */
  const from = (): ((context: ChainContext) => Promise<Date>) => {
    const givenSeconds = typeof values.from === "string" ? isoSeconds(values.from) : undefined;
    if (typeof values.from === "string" && givenSeconds === undefined) {
      throw new UsageError(
        `--from ${values.from} is not a date; use ISO 8601, e.g. 2026-11-27 or 2026-11-27T08:00:00Z (UTC unless it gives an offset).`,
      );
    }
    const given = givenSeconds === undefined ? undefined : givenSeconds * 1000;
    return async (context) => {
      const { timestamp } = await context.publicClient.getBlock();
      const chainNow = Number(timestamp) * 1000;
      if (given === undefined) return new Date(chainNow);
      if (given > chainNow) {
        throw new UsageError(
          `--from ${String(values.from)} is after the chain's current time (${new Date(chainNow).toISOString()}); it must be then or earlier.`,
        );
      }
      return new Date(given);
    };
  };
  const count = (value: string | boolean | undefined, flag: string): bigint => {
    if (typeof value !== "string" || !/^\d+$/.test(value))
      throw new UsageError(`${flag} must be a whole number.`);
    return BigInt(value);
  };
  const role = (value: string | undefined): bigint => {
    if (value && /^\d+$/.test(value)) return BigInt(value);
    const known =
      value !== undefined && Object.hasOwn(roles, value) ? roles[value as keyof typeof roles] : undefined;
    if (known === undefined) {
      throw new UsageError(
        `"${value ?? ""}" is not a role; use one of ${Object.keys(roles).join(", ")} or a role id.`,
      );
    }
    return known;
  };
  const issuerRegistry = (context: ChainContext) => context.manifest.contracts.IssuerRegistry as Hex;
  const safe = (context: ChainContext) => context.manifest.contracts.Committee as Hex;
  const accessManager = (context: ChainContext) => context.manifest.contracts.AccessManager as Hex;

  switch (kind) {
    case "schema-register": {
      if (typeof values.name !== "string" || typeof values.version !== "string") {
        throw new UsageError("gov propose schema-register needs --name and --version.");
      }
      const definition = {
        name: values.name,
        version: values.version,
        definitionURI: typeof values.uri === "string" ? values.uri : "",
        definitionHash:
          typeof values["definition-hash"] === "string"
            ? expectBytes32(values["definition-hash"], "--definition-hash")
            : zeroHash,
        revocable: values.revocable === true,
        reinstatable: values.reinstatable === true,
      };
      for (const [flag, text] of [
        ["--name", definition.name],
        ["--version", definition.version],
      ] as const) {
        if (text.trim() === "" || hasControlCharacters(text))
          throw new UsageError(
            `${flag} ${printable(text) || '""'} must be plain text without control characters (line breaks, tabs, escapes, direction marks): every member reads it.`,
          );
      }
      if (definition.definitionURI && !isAbsoluteUri(definition.definitionURI)) {
        throw new UsageError(
          `--uri ${printable(definition.definitionURI)} is not an absolute URI; give where the JSON schema is published, e.g. https://schemas.example/health-test-report.json.`,
        );
      }
      if (!definition.definitionURI && definition.definitionHash === zeroHash) {
        throw new UsageError(
          "A schema needs --uri or --definition-hash (or both) pointing at its JSON schema.",
        );
      }
      return (context) => ({
        call: {
          to: context.manifest.contracts.SchemaRegistry as Hex,
          data: encodeFunctionData({ abi: schemaRegistryAbi, functionName: "register", args: [definition] }),
        },
        description: `Register schema ${definition.name}@${definition.version}`,
      });
    }
    case "issuer-recognize": {
      const issuer = address(args[0], "<issuer>");
      return (context) => ({
        call: issuerCalls.recognize(issuerRegistry(context), issuer),
        description: `Recognise issuer ${issuer}`,
      });
    }
    case "issuer-suspend": {
      const issuer = address(args[0], "<issuer>");
      const effectiveFromOf = from();
      return async (context) => {
        const effectiveFrom = await effectiveFromOf(context);
        return {
          call: issuerCalls.suspend(issuerRegistry(context), issuer, effectiveFrom),
          description: `Suspend issuer ${issuer} from ${effectiveFrom.toISOString()}`,
        };
      };
    }
    case "issuer-reinstate": {
      const issuer = address(args[0], "<issuer>");
      return (context) => ({
        call: issuerCalls.reinstate(issuerRegistry(context), issuer),
        description: `Reinstate issuer ${issuer}`,
      });
    }
    case "issuer-remove": {
      const issuer = address(args[0], "<issuer>");
      const effectiveFromOf = from();
      return async (context) => {
        const effectiveFrom = await effectiveFromOf(context);
        return {
          call: issuerCalls.remove(issuerRegistry(context), issuer, effectiveFrom),
          description: `Remove issuer ${issuer} from ${effectiveFrom.toISOString()}`,
        };
      };
    }
    case "schema-grant":
    case "schema-revoke": {
      const issuer = address(args[0], "<issuer>");
      const schemaId = parseSchemaReference(args[1], "<schema>");
      const effectiveFromOf = from();
      return async (context) => {
        if (kind === "schema-grant") {
          return {
            call: issuerCalls.grantSchema(issuerRegistry(context), issuer, schemaId),
            description: `Grant schema ${args[1] ?? schemaId} to ${issuer}`,
          };
        }
        const effectiveFrom = await effectiveFromOf(context);
        return {
          call: issuerCalls.revokeSchema(issuerRegistry(context), issuer, schemaId, effectiveFrom),
          description: `Revoke schema ${args[1] ?? schemaId} from ${issuer} from ${effectiveFrom.toISOString()}`,
        };
      };
    }
    case "role-grant":
    case "role-revoke": {
      const roleId = role(args[0]);
      const account = address(args[1], "<account>");
      const delay = values.delay === undefined ? 0n : count(values.delay, "--delay");
      return (context) => {
        // The committee is the consortium's administrator (role 0, ADMIN_ROLE): nothing can undo a
        // change that takes that away, since undoing it needs the administrator.
        const toCommittee = account.toLowerCase() === safe(context).toLowerCase();
        if (roleId === 0n && toCommittee && values.irreversible !== true) {
          if (kind === "role-revoke") {
            throw new UsageError(
              `gov propose role-revoke admin ${account}: the committee would no longer administer the consortium, and only an administrator can give that back; unless another account holds role 0, no role, schema or issuer change could ever be made again. Nothing was proposed; pass --irreversible if that is intended.`,
            );
          }
          if (delay > 0n) {
            throw new UsageError(
              `gov propose role-grant admin ${account} --delay ${delay}: the delay applies at once to every administrative change the committee makes, including one that shortens it again. Nothing was proposed; pass --irreversible if that is intended.`,
            );
          }
        }
        return {
          call: {
            to: accessManager(context),
            data:
              kind === "role-grant"
                ? encodeFunctionData({
                    abi: accessManagerAbi,
                    functionName: "grantRole",
                    args: [roleId, account, Number(delay)],
                  })
                : encodeFunctionData({
                    abi: accessManagerAbi,
                    functionName: "revokeRole",
                    args: [roleId, account],
                  }),
          },
          description: `${kind === "role-grant" ? "Grant" : "Revoke"} role ${args[0]} ${kind === "role-grant" ? "to" : "from"} ${account}`,
        };
      };
    }
    case "member-add":
    case "member-remove": {
      const member = address(args[0], "<address>");
      const thresholdFlag = values.threshold;
      return async (context) => {
        const info = await getCommittee(context.publicClient, { committee: safe(context) });
        const threshold =
          thresholdFlag === undefined ? BigInt(info.threshold) : count(thresholdFlag, "--threshold");
        if (kind === "member-add") {
          return {
            call: {
              to: safe(context),
              data: encodeFunctionData({
                abi: safeAbi,
                functionName: "addOwnerWithThreshold",
                args: [member, threshold],
              }),
            },
            description: `Add committee member ${member} (threshold ${threshold})`,
            advice: everyMemberNeeded(threshold, info.members.length + 1),
          };
        }
        // Safe owners form a linked list: removing needs the previous owner (the sentinel 0x…01 for the first).
        const index = info.members.findIndex((m) => m.toLowerCase() === member.toLowerCase());
        if (index < 0) throw new UsageError(`${member} is not a committee member.`);
        const previous =
          index === 0 ? "0x0000000000000000000000000000000000000001" : info.members[index - 1]!;
        return {
          call: {
            to: safe(context),
            data: encodeFunctionData({
              abi: safeAbi,
              functionName: "removeOwner",
              args: [previous, member, threshold],
            }),
          },
          description: `Remove committee member ${member} (threshold ${threshold})`,
          advice: everyMemberNeeded(threshold, info.members.length - 1),
        };
      };
    }
    case "threshold": {
      const threshold = count(args[0], "<m>");
      return async (context) => {
        const { members } = await getCommittee(context.publicClient, { committee: safe(context) });
        return {
          call: {
            to: safe(context),
            data: encodeFunctionData({ abi: safeAbi, functionName: "changeThreshold", args: [threshold] }),
          },
          description: `Change the committee threshold to ${threshold}`,
          advice: everyMemberNeeded(threshold, members.length),
        };
      };
    }
    case "registry-pause":
    case "registry-unpause": {
      if (args.length > 0) throw new UsageError(`gov propose ${kind} takes no argument.`);
      const pause = kind === "registry-pause";
      return async (context) => {
        const fingerprintRegistry = context.manifest.contracts.FingerprintRegistry as Hex;
        const call = registryPauseCalls[pause ? "pause" : "unpause"](fingerprintRegistry);
        const description = describeProposalCall(call, { contracts: context.manifest.contracts });
        // A note, not an error: a member may queue a pause behind an unpause (or the reverse).
        if ((await isRegistryPaused(context.publicClient, { fingerprintRegistry })) !== pause) {
          return { call, description };
        }
        const note = pause
          ? "Note: the fingerprint registry is paused already: this proposal will revert (EnforcedPause) unless an unpause executes first."
          : "Note: the fingerprint registry is not paused: this proposal will revert (ExpectedPause) unless a pause executes first.";
        return { call, description, note };
      };
    }
    case "call": {
      const to = address(typeof values.to === "string" ? values.to : undefined, "--to");
      if (typeof values.data !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(values.data)) {
        throw new UsageError("gov propose call needs --data <0x hex calldata>.");
      }
      const data = values.data as Hex;
      if (typeof values.description !== "string") {
        throw new UsageError("gov propose call needs --description: say what the call does.");
      }
      return () => ({ call: { to, data }, description: `Call ${to}` });
    }
    default:
      throw new UsageError(
        `Unknown or missing proposal action${kind ? ` "${kind}"` : ""}. Actions:\n    ${ACTIONS}`,
      );
  }
}

/**
 * `gov members` and `gov status`: the committee (threshold, members, Safe nonce) and, for
 * `status`, whether the fingerprint registry is paused.
 */
function printCommittee(
  committee: Hex,
  info: Awaited<ReturnType<typeof getCommittee>>,
  json: boolean,
  registry?: { address: Hex; paused: boolean },
): void {
  if (json) {
    printJson({
      committee,
      ...info,
      nonce: info.nonce.toString(),
      ...(registry === undefined ? {} : { fingerprintRegistry: registry }),
    });
    return;
  }
  printLine(`Committee ${committee}: ${info.threshold}-of-${info.members.length}, nonce ${info.nonce}`);
  for (const member of info.members) printLine(`  ${member}`);
  if (registry === undefined) return;
  printLine(`Fingerprint registry ${registry.address}`);
  printLine(`  ${registry.paused ? REGISTRY_PAUSED : REGISTRY_RUNNING}`);
  if (registry.paused)
    printLine("  The committee unpauses it with `crossproof gov propose registry-unpause`.");
}

/** A remark for the person at the terminal, kept off stdout so --json output stays parseable. */
function printNote(line: string): void {
  console.error(printable(line));
}

function committeeOf(context: ChainContext) {
  return {
    committee: context.manifest.contracts.Committee as Hex,
    committeeProposals: context.manifest.contracts.CommitteeProposals as Hex,
  };
}

/** A proposal id given directly, or read from a proposal file written by `gov propose --out`. */
async function parseProposalId(value: string | undefined): Promise<Hex> {
  if (!value)
    throw new UsageError("Give a proposal id (0x…, 32 bytes) or a proposal file; see `crossproof gov list`.");
  if (isBytes32(value)) return value.toLowerCase() as Hex;
  const { readFile } = await import("node:fs/promises");
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(value, "utf8"));
  } catch {
    throw new UsageError(`${value} is neither a proposal id (0x…, 32 bytes) nor a readable proposal file.`);
  }
  const id = (parsed as { proposalId?: unknown }).proposalId;
  if (
    (parsed as { type?: unknown }).type !== "crossproof.proposal" ||
    typeof id !== "string" ||
    !isBytes32(id)
  ) {
    throw new UsageError(`${value} is not a proposal file (written by \`crossproof gov propose --out\`).`);
  }
  return id.toLowerCase() as Hex;
}

function proposalFile(context: ChainContext, state: ProposalState) {
  return {
    type: "crossproof.proposal",
    version: 1,
    chainId: context.chainId,
    committee: state.committee,
    proposalId: state.id,
    nonce: state.nonce.toString(),
    to: state.to,
    value: state.value.toString(),
    data: state.data,
    description: state.description,
  };
}

function serialise(state: ProposalState) {
  return {
    ...state,
    proposalId: state.id,
    value: state.value.toString(),
    nonce: state.nonce.toString(),
    proposedAt: state.proposedAt.toISOString(),
  };
}

function printState(state: ProposalState): void {
  printLine(`Proposal ${state.id}`);
  printLine(`  ${state.description}`);
  printLine(`  status      ${state.status}${state.executedIn ? ` (in ${state.executedIn})` : ""}`);
  // The Safe counts the executing member as an approval without an approveHash of its own.
  const byExecutor =
    state.status === "executed" && state.approvals.length < state.threshold
      ? ", and the member who executed it"
      : "";
  printLine(
    `  approvals   ${state.approvals.length} of ${state.threshold}: ${state.approvals.join(", ") || "none"}${byExecutor}`,
  );
  printLine(`  proposed    ${state.proposedAt.toISOString()} by ${state.proposer}, nonce ${state.nonce}`);
  printLine(`  call        ${state.to} value ${state.value} data ${state.data}`);
}
