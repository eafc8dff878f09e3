/**
 * The owner's changes to a DID, each one wallet transaction on the DIDRegistry: a service endpoint,
 * a public key, a delegate (each valid for a number of days), and a new owner.
 */
import { useId, useState, type ReactNode } from "react";
import type { Address, Hex } from "viem";

import { addDidDelegate, changeDidOwner, setDidAttribute } from "../../../../src/sdk/identity/actions.ts";
import {
  keyAlgorithms,
  keyEncodings,
  publicKeyAttribute,
  serviceAttribute,
  type DelegateType,
  type KeyAlgorithm,
  type KeyEncoding,
  type KeyPurpose,
} from "../../../../src/sdk/identity/attributes.ts";
import { InvalidInputError } from "../../../../src/sdk/errors.ts";
import { useApp } from "../../app-context.ts";
import { ActionStatus, useAction, useSigner, type ActionOutcome } from "../../transactions.tsx";
import { Select, Text } from "./fields.tsx";
import { parseAddress } from "../../inputs.ts";
import { days, sameAddress, validityOfInput } from "./shared.ts";

const PURPOSE_LABELS: Record<KeyPurpose, string> = {
  veriKey: "Signing (assertion)",
  sigAuth: "Signing and authentication",
  enc: "Key agreement (encryption)",
};

const DELEGATE_LABELS: Record<DelegateType, string> = {
  veriKey: "veriKey: may sign for the DID",
  sigAuth: "sigAuth: may also authenticate as the DID",
};

export function DidManage({
  identity,
  did,
  onChanged,
}: {
  identity: Address;
  did: string;
  onChanged: () => Promise<void>;
}) {
  const { config } = useApp();
  const signer = useSigner();
  const action = useAction(signer);
  const id = useId();
  const field = (name: string) => `${id}-${name}`;
  const didRegistry = config.contracts.DIDRegistry as Hex;

  const [service, setService] = useState({ type: "LinkedDomains", endpoint: "", days: "365" });
  const [key, setKey] = useState({
    algorithm: "Secp256k1" as KeyAlgorithm,
    purpose: "veriKey" as KeyPurpose,
    encoding: "hex" as KeyEncoding,
    publicKey: "",
    days: "365",
  });
  const [delegate, setDelegate] = useState({ type: "veriKey" as DelegateType, address: "", days: "30" });
  const [owner, setOwner] = useState({ address: "", confirmed: false });

  async function run(label: string, work: Parameters<typeof action.run>[1]) {
    const outcome = await action.run(label, work);
    if (outcome) await onChanged();
    return outcome;
  }

  const purposes: readonly KeyPurpose[] = key.algorithm === "X25519" ? ["enc"] : ["veriKey", "sigAuth"];

  return (
    <section className="manage" aria-labelledby={field("heading")} data-testid="did-manage">
      <h3 id={field("heading")}>Change this DID</h3>
      <p className="hint">
        Your account owns <code>{did}</code>. Each change is one transaction from your wallet; keys, services
        and delegates stop counting once their validity ends. Publish keys and endpoints only: no personal
        data goes on the chain.
      </p>
      <ActionStatus state={action.state} testId="did-action" />

      <div className="manage-grid">
        <Form
          title="Add a service"
          headingId={field("service-heading")}
          submit="Add service"
          busy={action.busy}
          onSubmit={() =>
            run("Adding a service", async (client) => {
              const attribute = serviceAttribute({
                type: service.type.trim(),
                endpoint: service.endpoint.trim(),
              });
              const validity = validityOfInput(service.days);
              const { transactionHash } = await setDidAttribute(client, {
                didRegistry,
                identity,
                ...attribute,
                validity,
              });
              setService((current) => ({ ...current, endpoint: "" }));
              return {
                message: `Added the ${service.type.trim()} service ${service.endpoint.trim()} to the DID, valid for ${days(service.days)}.`,
                transactionHash,
              };
            })
          }
        >
          <Text
            id={field("service-type")}
            label="Service type"
            hint="Letters, digits or _, e.g. LinkedDomains, DIDCommMessaging."
            value={service.type}
            onChange={(type) => {
              setService({ ...service, type });
            }}
          />
          <Text
            id={field("service-endpoint")}
            label="Endpoint (URL)"
            placeholder="https://institution.example/inbox"
            value={service.endpoint}
            onChange={(endpoint) => {
              setService({ ...service, endpoint });
            }}
          />
          <Text
            id={field("service-days")}
            label="Valid for (days)"
            inputMode="numeric"
            value={service.days}
            onChange={(value) => {
              setService({ ...service, days: value });
            }}
          />
        </Form>

        <Form
          title="Add a public key"
          headingId={field("key-heading")}
          submit="Add public key"
          busy={action.busy}
          onSubmit={() =>
            run("Adding a public key", async (client) => {
              const attribute = publicKeyAttribute({
                algorithm: key.algorithm,
                purpose: key.purpose,
                encoding: key.encoding,
                publicKey: key.publicKey.trim() as Hex,
              });
              const validity = validityOfInput(key.days);
              const { transactionHash } = await setDidAttribute(client, {
                didRegistry,
                identity,
                ...attribute,
                validity,
              });
              setKey((current) => ({ ...current, publicKey: "" }));
              return {
                message: `Added a ${key.algorithm} key for ${PURPOSE_LABELS[key.purpose].toLowerCase()} to the DID, valid for ${days(key.days)}.`,
                transactionHash,
              };
            })
          }
        >
          <Select
            id={field("key-algorithm")}
            label="Key type"
            value={key.algorithm}
            options={keyAlgorithms.map((value) => [value, value])}
            onChange={(value) => {
              const algorithm = value as KeyAlgorithm;
              setKey({ ...key, algorithm, purpose: algorithm === "X25519" ? "enc" : "veriKey" });
            }}
          />
          <Select
            id={field("key-purpose")}
            label="Purpose"
            value={key.purpose}
            options={purposes.map((value) => [value, PURPOSE_LABELS[value]])}
            onChange={(value) => {
              setKey({ ...key, purpose: value as KeyPurpose });
            }}
          />
          <Select
            id={field("key-encoding")}
            label="Shown in the document as"
            value={key.encoding}
            options={keyEncodings.map((value) => [value, value])}
            onChange={(value) => {
              setKey({ ...key, encoding: value as KeyEncoding });
            }}
          />
          <Text
            id={field("key-value")}
            label="Public key (hex)"
            placeholder="0x02…"
            hint="Secp256k1: 33 or 65 bytes; Ed25519 and X25519: 32 bytes."
            value={key.publicKey}
            onChange={(publicKey) => {
              setKey({ ...key, publicKey });
            }}
          />
          <Text
            id={field("key-days")}
            label="Valid for (days)"
            inputMode="numeric"
            value={key.days}
            onChange={(value) => {
              setKey({ ...key, days: value });
            }}
          />
        </Form>

        <Form
          title="Add a delegate"
          headingId={field("delegate-heading")}
          submit="Add delegate"
          busy={action.busy}
          onSubmit={() =>
            run("Adding a delegate", async (client) => {
              const address = parseAddress(delegate.address, "The delegate");
              const validity = validityOfInput(delegate.days);
              const { transactionHash } = await addDidDelegate(client, {
                didRegistry,
                identity,
                delegateType: delegate.type,
                delegate: address,
                validity,
              });
              setDelegate((current) => ({ ...current, address: "" }));
              return {
                message: `Added ${address} as a ${delegate.type} delegate of the DID, valid for ${days(delegate.days)}.`,
                transactionHash,
              };
            })
          }
        >
          <Select
            id={field("delegate-type")}
            label="Delegate type"
            value={delegate.type}
            options={(Object.keys(DELEGATE_LABELS) as DelegateType[]).map((value) => [
              value,
              DELEGATE_LABELS[value],
            ])}
            onChange={(value) => {
              setDelegate({ ...delegate, type: value as DelegateType });
            }}
          />
          <Text
            id={field("delegate-address")}
            label="Delegate address"
            placeholder="0x…"
            value={delegate.address}
            onChange={(address) => {
              setDelegate({ ...delegate, address });
            }}
          />
          <Text
            id={field("delegate-days")}
            label="Valid for (days)"
            inputMode="numeric"
            value={delegate.days}
            onChange={(value) => {
              setDelegate({ ...delegate, days: value });
            }}
          />
        </Form>

        <Form
          title="Change the owner"
          headingId={field("owner-heading")}
          submit="Change owner"
          busy={action.busy}
          onSubmit={() =>
            run("Changing the owner", async (client): Promise<ActionOutcome> => {
              const newOwner = parseAddress(owner.address, "The new owner");
              if (/^0x0{40}$/.test(newOwner))
                throw new InvalidInputError(
                  "The zero address would deactivate the DID for good; this page does not do that (use crossproof did deactivate).",
                );
              if (sameAddress(newOwner, client.account.address))
                throw new InvalidInputError("That address already owns this DID.");
              if (!owner.confirmed)
                throw new InvalidInputError(
                  "Tick the box to confirm that only the new owner can change this DID afterwards.",
                );
              const { transactionHash } = await changeDidOwner(client, { didRegistry, identity, newOwner });
              setOwner({ address: "", confirmed: false });
              return { message: `${newOwner} now owns the DID.`, transactionHash };
            })
          }
        >
          <Text
            id={field("owner-address")}
            label="New owner address"
            placeholder="0x…"
            value={owner.address}
            onChange={(address) => {
              setOwner({ ...owner, address });
            }}
          />
          <div className="check">
            <input
              id={field("owner-confirm")}
              type="checkbox"
              checked={owner.confirmed}
              onChange={(event) => {
                setOwner({ ...owner, confirmed: event.target.checked });
              }}
            />
            <label htmlFor={field("owner-confirm")}>
              I understand that from then on only the new owner can change this DID.
            </label>
          </div>
        </Form>
      </div>
    </section>
  );
}

function Form({
  title,
  headingId,
  submit,
  busy,
  onSubmit,
  children,
}: {
  title: string;
  headingId: string;
  submit: string;
  busy: boolean;
  onSubmit: () => Promise<unknown>;
  children: ReactNode;
}) {
  return (
    <form
      className="subcard"
      aria-labelledby={headingId}
      onSubmit={(event) => {
        event.preventDefault();
        void onSubmit();
      }}
    >
      <h4 id={headingId}>{title}</h4>
      {children}
      <button type="submit" disabled={busy}>
        {submit}
      </button>
    </form>
  );
}
