/**
 * DIDs: resolve a did:ethr DID (or an address) of this chain with the SDK's resolver (the stock
 * ethr-did-resolver reading over the app's reader) and show its document in words (controller,
 * keys with their purposes, services, deactivation, version), with the raw JSON to copy or
 * download. The DID's owner, when connected, manages it below (DidManage).
 */
import { useEffect, useId, useRef, useState } from "react";
import type { Address, Hex } from "viem";

import { getDidState, type DidState } from "../../../../src/sdk/identity/actions.ts";
import { didOf } from "../../../../src/sdk/identity/did.ts";
import type { DIDResolutionResult, DidResolver } from "../../../../src/sdk/identity/resolver.ts";
import { useApp } from "../../app-context.ts";
import { errorMessage } from "../../errors.ts";
import { formatTime, isZero } from "../../format.ts";
import { useSigner } from "../../transactions.tsx";
import { DidManage } from "./DidManage.tsx";
import { didOfInput, sameAddress } from "./shared.ts";

type Resolved = { did: string; address: Address; result: DIDResolutionResult; state: DidState };

type VerificationMethod = {
  id: string;
  type: string;
  controller: string;
  publicKeyHex?: string;
  publicKeyBase58?: string;
  publicKeyBase64?: string;
  publicKeyMultibase?: string;
  blockchainAccountId?: string;
  publicKeyJwk?: unknown;
};

/** The document's verification relationships, and what each lets a key do. */
const PURPOSES = {
  authentication: "authentication",
  assertionMethod: "signing (assertion)",
  keyAgreement: "key agreement (encryption)",
  capabilityInvocation: "capability invocation",
  capabilityDelegation: "capability delegation",
} as const;

/** A request from another panel to resolve a DID (`at` makes a repeated request new). */
export type DidRequest = { did: string; at: number };

export function DidPanel({ request }: { request: DidRequest | undefined }) {
  const { config, reader } = useApp();
  const signer = useSigner();
  const id = useId();
  const field = (name: string) => `${id}-${name}`;
  const heading = useRef<HTMLHeadingElement>(null);
  const resolver = useRef<DidResolver | undefined>(undefined);
  const [input, setInput] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [resolved, setResolved] = useState<Resolved>();
  const didRegistry = config.contracts.DIDRegistry as Hex;
  const lookups = useRef(0);

  useEffect(
    () => () => {
      resolver.current?.destroy();
      resolver.current = undefined;
    },
    [],
  );

  async function resolve(value: string, { quiet = false }: { quiet?: boolean } = {}) {
    // Only the latest lookup may show its answer: a slow earlier one must not overwrite it.
    const generation = ++lookups.current;
    const current = () => generation === lookups.current;
    setBusy(true);
    setError(undefined);
    if (!quiet) setResolved(undefined);
    try {
      const { did, address } = didOfInput(value, config.chainId);
      if (!resolver.current) {
        // The resolver brings ethers and ethr-did-resolver: loaded when first needed.
        const { createDidResolver } = await import("../../../../src/sdk/identity/resolver.ts");
        resolver.current ??= createDidResolver({ chainId: config.chainId, client: reader, didRegistry });
      }
      const [result, state] = await Promise.all([
        resolver.current.resolve(did),
        getDidState(reader, { didRegistry, identity: address }),
      ]);
      if (current()) setResolved({ did, address, result, state });
    } catch (caught) {
      if (!current()) return;
      setError(errorMessage(caught));
      setResolved(undefined);
    } finally {
      if (current()) setBusy(false);
    }
  }

  useEffect(() => {
    if (!request) return;
    setInput(request.did);
    heading.current?.scrollIntoView({ block: "start" });
    void resolve(request.did);
    // Only a new request resolves (`resolve` itself changes with every render).
  }, [request]);

  const ownDid = signer.account ? didOf({ chainId: config.chainId, address: signer.account }) : undefined;

  return (
    <section className="card" aria-labelledby={field("heading")} id="dids">
      <h2 id={field("heading")} ref={heading} tabIndex={-1}>
        DIDs
      </h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void resolve(input);
        }}
      >
        <div className="field">
          <label htmlFor={field("did")}>DID or address</label>
          <input
            id={field("did")}
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder={`did:ethr:0x${config.chainId.toString(16)}:0x…`}
            aria-describedby={field("did-hint")}
            value={input}
            onChange={(event) => {
              setInput(event.target.value);
            }}
          />
          <span className="hint" id={field("did-hint")}>
            A did:ethr DID of this chain, or an account address (every address has a DID).
          </span>
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            Resolve
          </button>
          {ownDid && (
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => {
                setInput(ownDid);
                void resolve(ownDid);
              }}
            >
              My DID
            </button>
          )}
        </div>
      </form>

      <div role="status" aria-live="polite">
        {busy && <p>Resolving…</p>}
        {error && (
          <p className="error" data-testid="did-error">
            {error}
          </p>
        )}
        {resolved && !busy && (
          <p data-testid="did-resolved">
            Resolved <code>{resolved.did}</code>
            {resolved.state.deactivated ? ": deactivated." : "."}
          </p>
        )}
      </div>

      {resolved && <DidDocumentView resolved={resolved} />}

      {resolved && signer.account && !resolved.state.deactivated && (
        <>
          {sameAddress(resolved.state.owner, signer.account) ? (
            <DidManage
              identity={resolved.address}
              did={resolved.did}
              onChanged={() => resolve(resolved.did, { quiet: true })}
            />
          ) : (
            <p className="hint" data-testid="did-not-owner">
              Only this DID&apos;s owner (<code>{resolved.state.owner}</code>) can change it; your account is{" "}
              <code>{signer.account}</code>.
            </p>
          )}
        </>
      )}
    </section>
  );
}

function DidDocumentView({ resolved }: { resolved: Resolved }) {
  const { result, state } = resolved;
  const document = result.didDocument;
  const metadata = result.didDocumentMetadata;
  const methods = (document?.verificationMethod ?? []) as VerificationMethod[];
  const services = document?.service ?? [];
  const json = JSON.stringify(document, null, 2);
  const [copied, setCopied] = useState<string>();
  const updated = metadata.updated ? Date.parse(metadata.updated) / 1000 : 0;

  const purposesOf = (methodId: string): string[] =>
    (Object.keys(PURPOSES) as (keyof typeof PURPOSES)[])
      .filter((relationship) =>
        (document?.[relationship] ?? []).some((entry) =>
          typeof entry === "string" ? entry === methodId : entry.id === methodId,
        ),
      )
      .map((relationship) => PURPOSES[relationship]);

  return (
    <div data-testid="did-document">
      <dl className="details">
        <dt>DID</dt>
        <dd>
          <code data-testid="did-id">{document?.id ?? resolved.did}</code>
        </dd>
        <dt>Owner (controller)</dt>
        <dd data-testid="did-owner">
          {isZero(state.owner) ? "none (deactivated)" : <code>{state.owner}</code>}
        </dd>
        <dt>Deactivated</dt>
        <dd data-testid="did-deactivated">
          {metadata.deactivated || state.deactivated ? "yes: it can never change again" : "no"}
        </dd>
        <dt>Version</dt>
        <dd data-testid="did-version">
          {metadata.versionId
            ? `block ${metadata.versionId}, updated ${formatTime(updated)}`
            : "never changed (the default document every address has)"}
        </dd>
        <dt>Signed-request nonce</dt>
        <dd>{state.nonce.toString()}</dd>
      </dl>

      <div className="table-wrap" role="region" aria-label="Keys" tabIndex={0}>
        <table data-testid="did-keys">
          <caption>Keys and accounts ({methods.length})</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Type</th>
              <th scope="col">Key or account</th>
              <th scope="col">Purpose</th>
            </tr>
          </thead>
          <tbody>
            {methods.map((method) => (
              <tr key={method.id}>
                <td data-label="Id">
                  <code>{fragment(method.id)}</code>
                </td>
                <td data-label="Type">{method.type}</td>
                <td data-label="Key or account">
                  <code>{keyOf(method)}</code>
                </td>
                <td data-label="Purpose">{purposesOf(method.id).join(", ") || "listed only"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="table-wrap" role="region" aria-label="Services" tabIndex={0}>
        <table data-testid="did-services">
          <caption>Services ({services.length})</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Type</th>
              <th scope="col">Endpoint</th>
            </tr>
          </thead>
          <tbody>
            {services.length === 0 ? (
              <tr>
                <td data-label="Services" colSpan={3}>
                  This DID lists no services.
                </td>
              </tr>
            ) : (
              services.map((service) => (
                <tr key={service.id}>
                  <td data-label="Id">
                    <code>{fragment(service.id)}</code>
                  </td>
                  <td data-label="Type">{service.type}</td>
                  <td data-label="Endpoint">
                    <code>
                      {typeof service.serviceEndpoint === "string"
                        ? service.serviceEndpoint
                        : JSON.stringify(service.serviceEndpoint)}
                    </code>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>

      <details className="raw">
        <summary>Raw DID document (JSON)</summary>
        <div className="actions">
          <button
            type="button"
            className="secondary"
            onClick={() => {
              navigator.clipboard.writeText(json).then(
                () => {
                  setCopied("Copied the DID document to the clipboard.");
                },
                () => {
                  setCopied("The browser did not allow copying; select the text below instead.");
                },
              );
            }}
          >
            Copy JSON
          </button>
          <a
            className="button secondary"
            href={`data:application/did+json;charset=utf-8,${encodeURIComponent(json)}`}
            download={`${resolved.address.toLowerCase()}.did.json`}
          >
            Download JSON
          </a>
          <span role="status" className="hint">
            {copied}
          </span>
        </div>
        <pre data-testid="did-json">{json}</pre>
      </details>
    </div>
  );
}

/** `did:ethr:…#delegate-1` → `#delegate-1`. */
function fragment(value: string): string {
  const at = value.indexOf("#");
  return at === -1 ? value : value.slice(at);
}

function keyOf(method: VerificationMethod): string {
  return (
    method.publicKeyHex ??
    method.publicKeyBase58 ??
    method.publicKeyBase64 ??
    method.publicKeyMultibase ??
    method.blockchainAccountId ??
    (method.publicKeyJwk === undefined ? "—" : JSON.stringify(method.publicKeyJwk))
  );
}
