/**
 * The committee's proposals: each decoded into what it does, with its approvals against the
 * threshold and its status, and whether the fingerprint registry is running or paused. A member
 * proposes an applicant's recognition, a document kind for an issuer, or pausing (unpausing) the
 * fingerprint registry, approves (Safe.approveHash) and executes once enough members approved;
 * each is a wallet transaction. The contracts refuse non-members, and the page shows their refusal
 * in words.
 */
import { useId, useState } from "react";
import type { Hex } from "viem";

import { InvalidInputError } from "../../../../src/sdk/errors.ts";
import { registryPauseCalls } from "../../../../src/sdk/fingerprints/actions.ts";
import { REGISTRY_PAUSED, REGISTRY_RUNNING } from "../../../../src/sdk/fingerprints/pause.ts";
import {
  approveProposal,
  executeProposal,
  submitProposal,
  type ProposalCall,
  type ProposalState,
} from "../../../../src/sdk/governance/committee.ts";
import { shortAddress } from "../../../../src/sdk/governance/describe.ts";
import { issuerCalls } from "../../../../src/sdk/issuers/issuers.ts";
import { useApp } from "../../app-context.ts";
import { formatTime } from "../../format.ts";
import { ActionStatus, SignerNotice, useAction, useSigner } from "../../transactions.tsx";
import type { Consortium, ConsortiumData } from "./consortium.ts";
import { Select } from "./fields.tsx";
import { sameAddress } from "./shared.ts";

/** Recognise an applicant, grant a document kind, or pause / unpause the fingerprint registry. */
type Kind = "recognize" | "grant" | "registry";

/** What to do when the chosen kind has nothing to propose. */
const NOTHING_TO_PROPOSE: Record<Kind, string> = {
  recognize: "No applicant is waiting for recognition.",
  grant: "Choose an issuer and a document kind it does not hold yet.",
  registry: "Whether the fingerprint registry is paused could not be read; reload the page.",
};

export function ProposalsPanel({ consortium }: { consortium: Consortium }) {
  const { config } = useApp();
  const signer = useSigner();
  const action = useAction(signer);
  const id = useId();
  const field = (name: string) => `${id}-${name}`;
  const [kind, setKind] = useState<Kind>("recognize");
  const [issuer, setIssuer] = useState("");
  const [schema, setSchema] = useState("");
  const [alsoApprove, setAlsoApprove] = useState(true);

  const data = consortium.data;
  const committee = data?.committee;
  const member = committee?.members.some((address) => sameAddress(address, signer.account)) ?? false;
  const agenda = {
    committee: config.contracts.Committee as Hex,
    committeeProposals: config.contracts.CommitteeProposals as Hex,
  };
  const issuerRegistry = config.contracts.IssuerRegistry as Hex;
  const fingerprintRegistry = config.contracts.FingerprintRegistry as Hex;
  const paused = data?.registryPaused;
  /** The registry change that applies now: unpause a paused registry, pause a running one. */
  const registryChange =
    paused === undefined
      ? undefined
      : {
          label: `${paused ? "Unpause" : "Pause"} the fingerprint registry`,
          call: registryPauseCalls[paused ? "unpause" : "pause"](fingerprintRegistry),
        };

  // Recognition is for applicants; a document kind for an applicant (executes after its
  // recognition) or a recognised issuer, among the kinds it does not hold yet.
  const candidates = (data?.issuers ?? []).filter((entry) =>
    kind === "recognize"
      ? entry.status === "applied"
      : entry.status === "applied" || entry.status === "recognized",
  );
  const chosenIssuer = candidates.find((entry) => entry.account === issuer) ?? candidates[0];
  const grantable = (data?.schemas ?? []).filter(
    (entry) => !chosenIssuer?.schemaIds.some((held) => held.toLowerCase() === entry.id.toLowerCase()),
  );
  const chosenSchema = grantable.find((entry) => entry.id === schema) ?? grantable[0];
  /** The call the form proposes now, if the chosen kind has one. */
  function chosenCall(): ProposalCall | undefined {
    if (kind === "registry") return registryChange?.call;
    if (chosenIssuer === undefined) return undefined;
    if (kind === "recognize") return issuerCalls.recognize(issuerRegistry, chosenIssuer.account);
    return chosenSchema && issuerCalls.grantSchema(issuerRegistry, chosenIssuer.account, chosenSchema.id);
  }
  const call = chosenCall();
  const preview = call && data ? data.describe(call) : undefined;

  async function propose() {
    await action.run("Proposing", async (client, progress) => {
      if (!call || !preview) throw new InvalidInputError(NOTHING_TO_PROPOSE[kind]);
      const submitted = await submitProposal(client, { ...agenda, ...call, description: preview });
      let approved = false;
      if (alsoApprove) {
        progress("Proposal submitted; now approve it in your wallet.");
        await approveProposal(client, { committee: agenda.committee, proposalId: submitted.proposalId });
        approved = true;
      }
      await consortium.reload();
      return {
        message: `Proposed #${submitted.nonce}: ${preview}${approved ? ", with your approval" : ""}.`,
        transactionHash: submitted.transactionHash,
      };
    });
  }

  async function approve(proposal: ProposalState) {
    await action.run(`Approving proposal #${proposal.nonce}`, async (client) => {
      const { transactionHash } = await approveProposal(client, {
        committee: agenda.committee,
        proposalId: proposal.id,
      });
      await consortium.reload();
      return { message: `Approved proposal #${proposal.nonce}.`, transactionHash };
    });
  }

  async function execute(proposal: ProposalState, description: string) {
    await action.run(`Executing proposal #${proposal.nonce}`, async (client) => {
      const { transactionHash } = await executeProposal(client, { ...agenda, proposalId: proposal.id });
      // Read again, with whether the registry is paused: the proposal may have paused or unpaused it.
      await consortium.reload();
      return { message: `Executed proposal #${proposal.nonce}: ${description}.`, transactionHash };
    });
  }

  const proposals = [...(data?.proposals ?? [])].reverse();

  return (
    <section className="card" aria-labelledby={field("heading")} id="proposals">
      <h2 id={field("heading")}>Committee proposals</h2>
      {committee && (
        <p data-testid="committee">
          The committee is a {committee.threshold}-of-{committee.members.length} Safe (
          <code>{committee.address}</code>): a change executes once {committee.threshold} members approved it.
          Members: {committee.members.map((address) => shortAddress(address)).join(", ")}.{" "}
          {signer.account &&
            (member ? (
              <strong>Your account is a member.</strong>
            ) : (
              <>Your account is not a member; the contracts refuse its proposals and approvals.</>
            ))}
        </p>
      )}
      {data && <RegistryState paused={paused} />}

      <form
        className="subcard"
        aria-labelledby={field("propose-heading")}
        onSubmit={(event) => {
          event.preventDefault();
          void propose();
        }}
      >
        <h3 id={field("propose-heading")}>Propose a change</h3>
        <div className="grid">
          <Select
            id={field("kind")}
            label="Change"
            value={kind}
            options={[
              ["recognize", "Recognise an applicant"],
              ["grant", "Grant a document kind"],
              // Whichever applies now; read again after every execution.
              ...(registryChange ? [["registry", registryChange.label] as const] : []),
            ]}
            onChange={(value) => {
              setKind(value as Kind);
            }}
          />
          {kind !== "registry" && (
            <Select
              id={field("issuer")}
              label={kind === "recognize" ? "Applicant" : "Issuer"}
              value={chosenIssuer?.account ?? ""}
              disabled={candidates.length === 0}
              options={
                candidates.length === 0
                  ? [["", kind === "recognize" ? "No applicant is waiting" : "No issuer"]]
                  : candidates.map((entry) => [
                      entry.account,
                      `${entry.name} (${shortAddress(entry.account)})`,
                    ])
              }
              onChange={setIssuer}
            />
          )}
          {kind === "grant" && (
            <Select
              id={field("schema")}
              label="Document kind"
              value={chosenSchema?.id ?? ""}
              disabled={grantable.length === 0}
              options={
                grantable.length === 0
                  ? [["", "It holds every kind"]]
                  : grantable.map((entry) => [entry.id, `${entry.name}@${entry.version}`])
              }
              onChange={setSchema}
            />
          )}
        </div>
        <div className="check">
          <input
            id={field("approve")}
            type="checkbox"
            checked={alsoApprove}
            onChange={(event) => {
              setAlsoApprove(event.target.checked);
            }}
          />
          <label htmlFor={field("approve")}>Approve it as well (a second transaction in your wallet)</label>
        </div>
        {preview && (
          <p className="hint" data-testid="proposal-preview">
            This proposes: {preview}.
          </p>
        )}
        {signer.problem ? (
          <SignerNotice signer={signer} />
        ) : (
          <button type="submit" disabled={action.busy || !call}>
            Propose
          </button>
        )}
      </form>

      <ActionStatus state={action.state} testId="proposal-action" />
      <div role="status" aria-live="polite">
        {data && (
          <p data-testid="proposal-count">
            {proposals.length === 0
              ? "No proposals yet."
              : `${proposals.length} proposal${proposals.length === 1 ? "" : "s"}; ${proposals.filter((entry) => entry.status === "pending" || entry.status === "queued").length} open.`}
          </p>
        )}
      </div>
      {data && proposals.length > 0 && (
        <ProposalTable
          proposals={proposals}
          data={data}
          account={signer.account}
          member={member}
          canAct={!signer.problem && !action.busy}
          onApprove={(proposal) => void approve(proposal)}
          onExecute={(proposal, description) => void execute(proposal, description)}
        />
      )}
    </section>
  );
}

function ProposalTable({
  proposals,
  data,
  account,
  member,
  canAct,
  onApprove,
  onExecute,
}: {
  proposals: ProposalState[];
  data: ConsortiumData;
  account: string | undefined;
  member: boolean;
  canAct: boolean;
  onApprove: (proposal: ProposalState) => void;
  onExecute: (proposal: ProposalState, description: string) => void;
}) {
  const nonce = data.committee.nonce;
  return (
    <div className="table-wrap" role="region" aria-label="Proposals" tabIndex={0}>
      <table data-testid="proposals">
        <caption>Proposals, newest first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">What it does</th>
            <th scope="col">Proposed</th>
            <th scope="col">Approvals</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {proposals.map((proposal) => {
            const description = data.describe(proposal);
            const approvedByYou = proposal.approvals.some((address) => sameAddress(address, account));
            // The executing member's own approval counts without an approveHash.
            const signatures = proposal.approvals.length + (member && !approvedByYou ? 1 : 0);
            const open = proposal.status === "pending" || proposal.status === "queued";
            const ready = proposal.status === "pending" && signatures >= proposal.threshold;
            return (
              <tr key={proposal.id} data-proposal-id={proposal.id} data-status={proposal.status}>
                <td data-label="#">{proposal.nonce.toString()}</td>
                {/* One element per cell: on a phone each cell is a two-column grid. */}
                <td data-label="What it does">
                  <span>
                    <span data-testid="proposal-description">{description}</span>
                    {proposal.description.trim() !== "" && proposal.description !== description && (
                      <span className="hint"> · proposer&apos;s note: {proposal.description}</span>
                    )}
                  </span>
                </td>
                <td data-label="Proposed">
                  <span>
                    {formatTime(proposal.proposedAt.getTime() / 1000)} by{" "}
                    <code>{shortAddress(proposal.proposer)}</code>
                  </span>
                </td>
                <td data-label="Approvals" data-testid="proposal-approvals">
                  <span>
                    {proposal.status === "executed"
                      ? // The Safe checked the threshold when it executed; the executing member's own
                        // approval is part of that check without being recorded.
                        "threshold met when executed"
                      : `${proposal.approvals.length} of ${proposal.threshold}`}
                    {proposal.approvals.length > 0 && (
                      <span className="hint">
                        {" "}
                        (recorded: {proposal.approvals.map((address) => shortAddress(address)).join(", ")})
                      </span>
                    )}
                  </span>
                </td>
                <td data-label="Status" data-testid="proposal-status">
                  {statusWords(proposal, nonce, ready)}
                </td>
                <td data-label="Actions">
                  {open && account ? (
                    <div className="actions">
                      {!approvedByYou && (
                        <button
                          type="button"
                          className="secondary"
                          disabled={!canAct}
                          aria-label={`Approve proposal #${proposal.nonce}`}
                          onClick={() => {
                            onApprove(proposal);
                          }}
                        >
                          Approve
                        </button>
                      )}
                      {ready && (
                        <button
                          type="button"
                          disabled={!canAct}
                          aria-label={`Execute proposal #${proposal.nonce}`}
                          onClick={() => {
                            onExecute(proposal, description);
                          }}
                        >
                          Execute
                        </button>
                      )}
                      {approvedByYou && !ready && <span className="hint">You approved it.</span>}
                    </div>
                  ) : (
                    <span className="hint">{open ? "Connect a wallet to act." : "—"}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The fingerprint registry's state, as the committee's pause left it. */
function RegistryState({ paused }: { paused: boolean | undefined }) {
  return (
    <p data-testid="registry-state" data-paused={paused === undefined ? undefined : String(paused)}>
      {paused === undefined
        ? "Whether the fingerprint registry is paused could not be read."
        : paused
          ? REGISTRY_PAUSED
          : `${REGISTRY_RUNNING} The committee can pause it in an emergency.`}
    </p>
  );
}

function statusWords(proposal: ProposalState, nonce: bigint, ready: boolean): string {
  switch (proposal.status) {
    case "pending":
      return ready ? "ready to execute" : "waiting for approvals";
    case "queued":
      return `queued: proposal #${nonce.toString()} executes first`;
    case "executed":
      return "executed";
    case "superseded":
      return "superseded: another proposal used its number";
  }
}
