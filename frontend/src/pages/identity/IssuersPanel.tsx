/**
 * The issuer registry: every institution that applied, with its type, jurisdiction, status, DID and
 * the document kinds it may anchor, filtered by type and status; the connected account's own
 * status, and its application for recognition (one wallet transaction).
 */
import { useId, useState } from "react";
import type { Hex } from "viem";

import { InvalidInputError } from "../../../../src/sdk/errors.ts";
import { didOf } from "../../../../src/sdk/identity/did.ts";
import {
  applyForRecognition,
  issuerStatuses,
  issuerTypes,
  type IssuerStatus,
  type IssuerType,
} from "../../../../src/sdk/issuers/issuers.ts";
import { useApp } from "../../app-context.ts";
import { formatTime } from "../../format.ts";
import { ActionStatus, SignerNotice, useAction, useSigner } from "../../transactions.tsx";
import type { Consortium } from "./consortium.ts";
import { Select, Text } from "./fields.tsx";
import { didOfInput, sameAddress } from "./shared.ts";

const TYPES = issuerTypes.slice(1);
const STATUSES = issuerStatuses.slice(1);

/** "border-agency" → "border agency". */
export function typeName(type: IssuerType): string {
  return type.replace(/-/g, " ");
}

const STATUS_WORDS: Record<IssuerStatus, string> = {
  none: "never applied",
  applied: "applied",
  recognized: "recognized",
  suspended: "suspended",
  removed: "removed",
};

const JURISDICTION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

export function IssuersPanel({
  consortium,
  onResolveDid,
}: {
  consortium: Consortium;
  onResolveDid: (did: string) => void;
}) {
  const { config } = useApp();
  const signer = useSigner();
  const action = useAction(signer);
  const id = useId();
  const field = (name: string) => `${id}-${name}`;
  const [type, setType] = useState("");
  const [status, setStatus] = useState("");
  const [application, setApplication] = useState({ type: "", name: "", jurisdiction: "", did: "" });

  const issuers = consortium.data?.issuers ?? [];
  const shown = issuers.filter(
    (issuer) => (type === "" || issuer.type === type) && (status === "" || issuer.status === status),
  );
  const mine = signer.account
    ? issuers.find((issuer) => sameAddress(issuer.account, signer.account))
    : undefined;
  const schemaName = (schemaId: Hex) => consortium.data?.schemaName(schemaId) ?? schemaId;

  async function apply() {
    const outcome = await action.run("Applying for recognition", async (client) => {
      const chosen = application.type as IssuerType;
      if (!TYPES.includes(chosen)) throw new InvalidInputError("Choose the kind of institution.");
      const name = application.name.trim();
      if (name === "" || new TextEncoder().encode(name).length > 128)
        throw new InvalidInputError("Enter the institution's name (at most 128 bytes).");
      const jurisdiction = application.jurisdiction.trim().toUpperCase();
      if (!JURISDICTION.test(jurisdiction))
        throw new InvalidInputError("The jurisdiction must be an ISO 3166 code such as HK, MO or CN-GD.");
      const did =
        application.did.trim() === ""
          ? client.account.address
          : didOfInput(application.did, config.chainId, "the institution's DID").address;
      const { transactionHash } = await applyForRecognition(client, {
        issuerRegistry: config.contracts.IssuerRegistry as Hex,
        did,
        type: chosen,
        name,
        jurisdiction,
      });
      await consortium.reload();
      return {
        message: `${name} applied as ${typeName(chosen)} (${jurisdiction}); a committee member now proposes its recognition.`,
        transactionHash,
      };
    });
    if (outcome) setApplication({ type: "", name: "", jurisdiction: "", did: "" });
  }

  return (
    <section className="card" aria-labelledby={field("heading")} id="issuers">
      <h2 id={field("heading")}>Issuers</h2>
      <p className="hint">
        Institutions apply with their DID; the committee recognises them and grants the document kinds each
        may anchor.
      </p>
      <div className="grid">
        <Select
          id={field("type")}
          label="Type"
          value={type}
          options={[["", "Any type"], ...TYPES.map((value) => [value, typeName(value)] as const)]}
          onChange={setType}
        />
        <Select
          id={field("status")}
          label="Status"
          value={status}
          options={[["", "Any status"], ...STATUSES.map((value) => [value, STATUS_WORDS[value]] as const)]}
          onChange={setStatus}
        />
      </div>
      <div role="status" aria-live="polite">
        {consortium.loading && <p>Loading the registry…</p>}
        {consortium.error && (
          <p className="error" data-testid="issuers-error">
            {consortium.error}
          </p>
        )}
        {consortium.data && (
          <p data-testid="issuer-count">
            {shown.length === issuers.length
              ? `${issuers.length} issuer${issuers.length === 1 ? "" : "s"}.`
              : `${shown.length} of ${issuers.length} issuers match.`}
          </p>
        )}
      </div>
      {shown.length > 0 && (
        <div className="table-wrap" role="region" aria-label="Issuers" tabIndex={0}>
          <table data-testid="issuers">
            <caption>Issuers, in order of application</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Jurisdiction</th>
                <th scope="col">Status</th>
                <th scope="col">DID</th>
                <th scope="col">Document kinds</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((issuer) => {
                const did = didOf({ chainId: config.chainId, address: issuer.did });
                return (
                  <tr key={issuer.account} data-account={issuer.account.toLowerCase()}>
                    <td data-label="Name">{issuer.name}</td>
                    <td data-label="Type">{typeName(issuer.type)}</td>
                    <td data-label="Jurisdiction">{issuer.jurisdiction}</td>
                    <td data-label="Status" data-testid="issuer-status">
                      {/* One element per cell: on a phone each cell is a two-column grid. */}
                      <span>
                        <span className={`status status-${issuer.status}`}>
                          {STATUS_WORDS[issuer.status]}
                        </span>
                        <span className="hint">
                          {" "}
                          since {formatTime(issuer.statusChangedAt.getTime() / 1000)}
                        </span>
                      </span>
                    </td>
                    <td data-label="DID">
                      <button
                        type="button"
                        className="link"
                        aria-label={`Resolve ${did}`}
                        onClick={() => {
                          onResolveDid(did);
                        }}
                      >
                        <code>{did}</code>
                      </button>
                    </td>
                    <td data-label="Document kinds">
                      {issuer.schemaIds.length === 0 ? "none" : issuer.schemaIds.map(schemaName).join(", ")}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      <h3>Your institution</h3>
      {signer.account && consortium.data && (
        <p data-testid="my-issuer-status">
          {mine ? (
            <>
              Your account is <strong>{STATUS_WORDS[mine.status]}</strong> as {mine.name} (
              {typeName(mine.type)}, {mine.jurisdiction})
              {mine.status === "applied" ? "; the committee decides on its recognition." : "."}
            </>
          ) : (
            <>Your account has not applied to be an issuer.</>
          )}
        </p>
      )}
      <ActionStatus state={action.state} testId="apply-action" />
      {!mine && (
        <form
          className="subcard"
          aria-labelledby={field("apply-heading")}
          onSubmit={(event) => {
            event.preventDefault();
            void apply();
          }}
        >
          <h4 id={field("apply-heading")}>Apply for recognition</h4>
          <p className="hint">
            The applying account is the one that will anchor documents; it must own the DID (or be a veriKey
            delegate of it).
          </p>
          <div className="grid">
            <Select
              id={field("apply-type")}
              label="Kind of institution"
              value={application.type}
              options={[["", "Choose…"], ...TYPES.map((value) => [value, typeName(value)] as const)]}
              onChange={(value) => {
                setApplication({ ...application, type: value });
              }}
            />
            <Text
              id={field("apply-name")}
              label="Name"
              value={application.name}
              onChange={(name) => {
                setApplication({ ...application, name });
              }}
            />
            <Text
              id={field("apply-jurisdiction")}
              label="Jurisdiction (ISO 3166)"
              placeholder="HK, MO, CN-GD"
              value={application.jurisdiction}
              onChange={(jurisdiction) => {
                setApplication({ ...application, jurisdiction });
              }}
            />
            <Text
              id={field("apply-did")}
              label="DID (optional)"
              hint="Default: your account's own DID."
              placeholder="did:ethr:… or 0x…"
              value={application.did}
              onChange={(did) => {
                setApplication({ ...application, did });
              }}
            />
          </div>
          {signer.problem ? (
            <SignerNotice signer={signer} />
          ) : (
            <button type="submit" disabled={action.busy}>
              Apply for recognition
            </button>
          )}
        </form>
      )}
    </section>
  );
}
