/**
 * Issue (wallet): an accredited issuer anchors one document, or a folder of them as one Merkle
 * batch, and downloads each document's data package (one at a time, or all in a .zip); and revokes
 * a document it issued, with a reason. Documents are hashed in this browser and never leave it.
 * While the consortium committee has paused the registry, a notice says so and both actions are
 * disabled.
 */
import { useCallback, useEffect, useId, useRef, useState, type DragEvent } from "react";
import type { Hex } from "viem";

import type { TransactReturnType } from "../../../src/sdk/actions/transact.ts";
import { InvalidInputError, RegistryPausedError } from "../../../src/sdk/errors.ts";
import {
  anchorBatch,
  anchorFingerprint,
  checkAnchoring,
  revokeFingerprint,
  verifyFingerprint,
} from "../../../src/sdk/fingerprints/actions.ts";
import type { DataPackage } from "../../../src/sdk/fingerprints/package.ts";
import { revocationReasons, type RevocationReasonName } from "../../../src/sdk/fingerprints/reasons.ts";
import { getIssuer, type Issuer } from "../../../src/sdk/issuers/issuers.ts";
import { listAllSchemas, type Schema } from "../../../src/sdk/schemas/schemas.ts";
import { useApp } from "../app-context.ts";
import { errorMessage } from "../errors.ts";
import {
  documentName,
  download,
  findJournalAnchor,
  forgetJournal,
  journalId,
  hashDocuments,
  loadJournals,
  packagesFor,
  prepareJournal,
  saveJournal,
  type AnchorJournal,
  type ChosenDocument,
} from "../issuing.ts";
import {
  ActionStatus,
  SignerNotice,
  useAction,
  useSigner,
  watchSending,
  type Signer,
} from "../transactions.tsx";
import { packageText, PACKAGE_SUFFIX, readDataPackageFile } from "../package-file.ts";
import {
  REGISTRY_PAUSED_NOTICE_ID,
  RegistryPausedHint,
  RegistryPausedNotice,
  useRegistryPause,
  type RegistryPause,
} from "../registry-pause.tsx";
import { zip } from "../zip.ts";

const FINGERPRINT = /^0x[0-9a-fA-F]{64}$/;

type Issued = { journal: AnchorJournal; packages: DataPackage[] };

export function IssuePage() {
  const { config, reader } = useApp();
  const signer = useSigner();
  const pause = useRegistryPause();
  const [issuer, setIssuer] = useState<Issuer>();
  const [schemas, setSchemas] = useState<Schema[]>([]);
  const [loadError, setLoadError] = useState<string>();

  useEffect(() => {
    let current = true;
    listAllSchemas(reader, { schemaRegistry: config.contracts.SchemaRegistry as Hex })
      .then((found) => {
        if (current) setSchemas(found);
      })
      .catch((error: unknown) => {
        if (current) setLoadError(`The document kinds could not be read: ${errorMessage(error)}`);
      });
    return () => {
      current = false;
    };
  }, [config, reader]);

  useEffect(() => {
    setIssuer(undefined);
    if (!signer.account) return;
    let current = true;
    getIssuer(reader, { issuerRegistry: config.contracts.IssuerRegistry as Hex, account: signer.account })
      .then((found) => {
        if (current) setIssuer(found);
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [config, reader, signer.account]);

  return (
    <>
      <h1 tabIndex={-1}>Issue documents</h1>
      <p className="lead">
        Anchor the fingerprints of documents your institution issues, and give each document its data package.
        The documents are hashed in this browser and never leave it; only salted fingerprints go on{" "}
        {config.chainName}.
      </p>
      <RegistryPausedNotice pause={pause} />
      <IssuerSummary signer={signer} issuer={issuer} schemas={schemas} />
      {loadError && (
        <p className="error" role="alert">
          {loadError}
        </p>
      )}
      <AnchorCard signer={signer} issuer={issuer} schemas={schemas} pause={pause} />
      <RevokeCard signer={signer} pause={pause} />
    </>
  );
}

function IssuerSummary({ signer, issuer, schemas }: { signer: Signer; issuer?: Issuer; schemas: Schema[] }) {
  if (!signer.account || !issuer) return null;
  if (issuer.status === "none")
    return (
      <p className="notice" data-testid="issuer-summary">
        Your account <code>{signer.account}</code> is not a registered issuer: apply for recognition on the
        Identity page, then ask the committee to grant you document kinds.
      </p>
    );
  const granted = schemas.filter((schema) => issuer.schemaIds.includes(schema.id));
  return (
    <p className="hint" data-testid="issuer-summary">
      Issuing as <strong>{issuer.name}</strong> ({issuer.jurisdiction}, {issuer.status}); accredited for{" "}
      {granted.length > 0
        ? granted.map((schema) => `${schema.name}@${schema.version}`).join(", ")
        : "no document kind yet"}
      .
    </p>
  );
}

function AnchorCard({
  signer,
  issuer,
  schemas,
  pause,
}: {
  signer: Signer;
  issuer?: Issuer;
  schemas: Schema[];
  pause: RegistryPause;
}) {
  const { config, reader } = useApp();
  const ids = { files: useId(), folder: useId(), schema: useId(), expiry: useId(), progress: useId() };
  const action = useAction(signer);
  const [documents, setDocuments] = useState<ChosenDocument[]>([]);
  const [schemaId, setSchemaId] = useState<string>("");
  const [expiry, setExpiry] = useState("");
  const [hashing, setHashing] = useState<{ done: number; total: number }>();
  const [issued, setIssued] = useState<Issued>();
  /** This issuer's journals whose packages were not confirmed saved (a closed tab, a declined wallet…). */
  const [journals, setJournals] = useState<AnchorJournal[]>([]);
  /** The journal whose "Forget it" waits for confirmation. */
  const [forgetting, setForgetting] = useState<Hex>();
  const [dragging, setDragging] = useState(false);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const registry = config.contracts.FingerprintRegistry as Hex;

  const reloadJournals = useCallback(() => {
    setJournals(signer.account ? loadJournals(config.chainId, signer.account) : []);
  }, [config.chainId, signer.account]);
  useEffect(reloadJournals, [reloadJournals]);
  // The account changed: what was shown belongs to the previous one.
  useEffect(() => {
    setIssued(undefined);
  }, [signer.account]);
  const shownId = issued ? journalId(issued.journal) : undefined;
  const pending = journals.filter((journal) => journalId(journal) !== shownId);

  const granted = issuer?.schemaIds ?? [];
  const ordered = [...schemas].sort(
    (a, b) => Number(granted.includes(b.id)) - Number(granted.includes(a.id)) || a.index - b.index,
  );
  const chosenSchema = schemas.find((schema) => schema.id === schemaId) ?? ordered[0];

  /**
   * The documents are those of the last choice: the other input (or both, after a drop) is emptied,
   * so that the page never shows a selection that is not the one anchored.
   */
  function choose(files: Iterable<File>, from?: HTMLInputElement | null) {
    for (const input of [filesInput.current, folderInput.current])
      if (input && input !== from) input.value = "";
    const chosen = Array.from(files, (file) => ({ name: documentName(file), file })).filter(
      ({ name }) => !name.endsWith(PACKAGE_SUFFIX),
    );
    setDocuments(chosen);
    setIssued(undefined);
    action.reset();
  }

  function expiresAt(): number {
    if (expiry === "") return 0;
    const seconds = Math.floor(Date.parse(`${expiry}T00:00:00Z`) / 1000);
    if (!Number.isFinite(seconds)) throw new InvalidInputError("The expiry date is not a date.");
    if (seconds <= Date.now() / 1000)
      throw new InvalidInputError("The expiry date must be in the future, or left empty for none.");
    return seconds;
  }

  async function anchor() {
    await action.run(
      documents.length === 1
        ? "Anchoring 1 document"
        : `Anchoring ${documents.length} documents as one batch`,
      async (signingClient, progress) => {
        if (documents.length === 0) throw new InvalidInputError("Choose one or more documents first.");
        // Asked afresh (the committee may have paused it since the page read it): nothing is hashed
        // or journalled for an anchoring the registry would refuse.
        if (await pause.reload()) throw new RegistryPausedError("Nothing was hashed, journalled or sent.");
        if (!chosenSchema) throw new InvalidInputError("No document kind is registered on this chain yet.");
        const expires = expiresAt();
        const issuerAccount = signingClient.account.address;
        progress("Asking the registry…");
        // The same for a chain that cannot be reached or a kind the issuer is not accredited for.
        await checkAnchoring(reader, {
          fingerprintRegistry: registry,
          issuer: issuerAccount,
          schemaIndex: chosenSchema.index,
          expiresAt: expires,
          batch: documents.length > 1,
        });
        progress("Hashing in this browser…");
        const hashes = await hashDocuments(documents, (done, total) => {
          setHashing({ done, total });
        });
        const journal = prepareJournal(
          {
            chainId: config.chainId,
            registry,
            issuer: issuerAccount,
            schemaId: chosenSchema.id,
            expiresAt: expires,
          },
          documents.map((document) => document.name),
          hashes,
        );
        // The salts are kept before anything is sent: a closed tab must not lose them.
        saveJournal(journal);
        progress("Confirm in your wallet, then wait for the chain.");
        const { client, walletAskedToSend } = watchSending(signingClient);
        let sent: TransactReturnType;
        try {
          sent =
            journal.root === undefined
              ? await anchorFingerprint(client, {
                  fingerprintRegistry: registry,
                  fingerprint: journal.items[0]!.fingerprint,
                  schemaIndex: chosenSchema.index,
                  expiresAt: expires,
                })
              : await anchorBatch(client, {
                  fingerprintRegistry: registry,
                  root: journal.root,
                  leafCount: journal.items.length,
                  schemaIndex: chosenSchema.index,
                  expiresAt: expires,
                });
        } catch (error) {
          // Refused before the wallet was asked to send (the contract's simulation, an unreachable
          // chain): nothing can land, so the journal would only offer a recovery that finds nothing.
          // Once the wallet was asked, even a declined request keeps it.
          if (!walletAskedToSend()) {
            forgetJournal(journal);
            reloadJournals();
          }
          throw error;
        }
        const packages = packagesFor(journal, {
          transactionHash: sent.transactionHash,
          blockNumber: Number(sent.receipt.blockNumber),
        });
        setIssued({ journal, packages });
        reloadJournals();
        return {
          message:
            journal.root === undefined
              ? `Anchored ${journal.items[0]!.name} in block ${sent.receipt.blockNumber}.`
              : `Anchored ${journal.items.length} documents as one batch (root ${journal.root}) in block ${sent.receipt.blockNumber}.`,
          transactionHash: sent.transactionHash,
        };
      },
    );
    setHashing(undefined);
  }

  async function recover(journal: AnchorJournal) {
    await action.run("Recovering the packages of an earlier anchoring", async () => {
      const location = await findJournalAnchor(reader, journal, BigInt(config.startBlock));
      if (!location) {
        // Not found may mean "not mined yet": the salts are kept until the person forgets them.
        return {
          message: `No anchor of these ${journal.items.length} document(s) is on the chain yet. If the transaction may still be pending, recover again later; forget the anchoring only if you are sure it was never sent.`,
        };
      }
      setIssued({ journal, packages: packagesFor(journal, location) });
      return {
        message: `The earlier anchoring landed in block ${location.blockNumber}: its packages are below.`,
        transactionHash: location.transactionHash,
      };
    });
  }

  function saveAll(result: Issued) {
    const entries = result.journal.items.map((item, i) => ({
      name: `${item.name}${PACKAGE_SUFFIX}`,
      content: packageText(result.packages[i]!),
    }));
    download(`packages-${journalId(result.journal).slice(2, 10)}.zip`, zip(entries), "application/zip");
  }

  /** The person says the packages are saved: the salts live in them now, the journal can go. */
  function packagesSaved(result: Issued) {
    forgetJournal(result.journal);
    setIssued(undefined);
    reloadJournals();
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files);
  }

  const totalBytes = documents.reduce((sum, document) => sum + document.file.size, 0);

  return (
    <section className="card" aria-labelledby="anchor-heading">
      <h2 id="anchor-heading">Anchor documents</h2>
      {pending.map((journal) => {
        const id = journalId(journal);
        return (
          <div key={id} className="notice" role="alert" data-testid="pending-journal">
            <p>
              An anchoring of {journal.items.length} document(s) started{" "}
              {journal.startedAt.replace("T", " ").slice(0, 19)} UTC was not finished in this browser: its
              packages were not saved.
            </p>
            {forgetting === id ? (
              <p>
                Forget the salts of these {journal.items.length} document(s) for good? If they were anchored,
                their packages can never be made again.{" "}
                <button
                  type="button"
                  className="secondary"
                  onClick={() => {
                    forgetJournal(journal);
                    setForgetting(undefined);
                    reloadJournals();
                  }}
                >
                  Forget for good
                </button>{" "}
                <button
                  type="button"
                  onClick={() => {
                    setForgetting(undefined);
                  }}
                >
                  Keep it
                </button>
              </p>
            ) : (
              <p>
                <button type="button" disabled={action.busy} onClick={() => void recover(journal)}>
                  Recover its packages
                </button>{" "}
                <button
                  type="button"
                  className="secondary"
                  onClick={() => {
                    setForgetting(id);
                  }}
                >
                  Forget it
                </button>
              </p>
            )}
          </div>
        );
      })}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void anchor();
        }}
      >
        <div
          className={dragging ? "drop dragging" : "drop"}
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => {
            setDragging(false);
          }}
          onDrop={onDrop}
        >
          <p>
            Drop documents here, or choose files or a folder below. Several documents become one Merkle batch.
          </p>
        </div>
        <div className="grid">
          <div className="field">
            <label htmlFor={ids.files}>Documents</label>
            <input
              id={ids.files}
              ref={filesInput}
              type="file"
              multiple
              onChange={(event) => {
                choose(event.target.files ?? [], event.target);
              }}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.folder}>Or a folder</label>
            <input
              id={ids.folder}
              ref={folderInput}
              type="file"
              // A folder picker: every file inside it, with its path (non-standard but universal).
              {...{ webkitdirectory: "", directory: "" }}
              onChange={(event) => {
                choose(event.target.files ?? [], event.target);
              }}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.schema}>Document kind</label>
            <select
              id={ids.schema}
              value={chosenSchema?.id ?? ""}
              onChange={(event) => {
                setSchemaId(event.target.value);
              }}
            >
              {ordered.map((schema) => (
                <option key={schema.id} value={schema.id}>
                  {schema.name}@{schema.version}
                  {granted.includes(schema.id) ? " (accredited)" : ""}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.expiry}>Expires on (optional)</label>
            <input
              id={ids.expiry}
              type="date"
              value={expiry}
              onChange={(event) => {
                setExpiry(event.target.value);
              }}
            />
          </div>
        </div>
        <p className="hint" data-testid="chosen-documents">
          {documents.length === 0
            ? "No documents chosen."
            : `${documents.length} document${documents.length === 1 ? "" : "s"} chosen (${totalBytes.toLocaleString("en")} bytes)${documents.length > 1 ? ", anchored as one batch" : ""}.`}
        </p>
        {hashing && (
          <div className="field">
            <label htmlFor={ids.progress}>Hashing</label>
            <progress id={ids.progress} max={hashing.total || 1} value={hashing.done} />
          </div>
        )}
        {signer.problem ? (
          <SignerNotice signer={signer} />
        ) : (
          <button
            type="submit"
            disabled={action.busy || documents.length === 0 || pause.paused === true}
            aria-describedby={pause.paused === true ? REGISTRY_PAUSED_NOTICE_ID : undefined}
          >
            {documents.length > 1 ? `Anchor ${documents.length} documents` : "Anchor document"}
          </button>
        )}
        <RegistryPausedHint pause={pause} what="Anchoring" />
      </form>
      <ActionStatus state={action.state} testId="anchor-status" />
      {issued && <Packages issued={issued} onSaveAll={saveAll} onSaved={packagesSaved} />}
    </section>
  );
}

function Packages({
  issued,
  onSaveAll,
  onSaved,
}: {
  issued: Issued;
  onSaveAll: (issued: Issued) => void;
  onSaved: (issued: Issued) => void;
}) {
  const { journal, packages } = issued;
  return (
    <div data-testid="packages">
      <h3>Data packages</h3>
      <p className="hint">
        Give each document its package: whoever holds both can verify the document on the Verify page. The
        package holds the document&apos;s salt, so keep it with the document. This browser keeps the salts
        too, until you say the packages are saved.
      </p>
      <button
        type="button"
        onClick={() => {
          onSaveAll(issued);
        }}
      >
        Download all packages (.zip)
      </button>{" "}
      <button
        type="button"
        className="secondary"
        onClick={() => {
          onSaved(issued);
        }}
      >
        I have saved the packages
      </button>
      <ul className="package-list">
        {journal.items.slice(0, 200).map((item, i) => {
          // A download's name cannot hold a folder: its path is kept with "_" (a/report.txt →
          // a_report.txt.proof.json), so that two documents of one name in two folders stay apart.
          const fileName = item.name.replaceAll("/", "_");
          return (
            <li key={item.name}>
              <button
                type="button"
                className="link"
                onClick={() => {
                  download(`${fileName}${PACKAGE_SUFFIX}`, packageText(packages[i]!), "application/json");
                }}
              >
                {item.name}
                {PACKAGE_SUFFIX}
              </button>
            </li>
          );
        })}
      </ul>
      {journal.items.length > 200 && (
        <p className="hint">…and {journal.items.length - 200} more in the .zip.</p>
      )}
    </div>
  );
}

function RevokeCard({ signer, pause }: { signer: Signer; pause: RegistryPause }) {
  const { config, reader } = useApp();
  const ids = { proof: useId(), fingerprint: useId(), reason: useId(), replacement: useId() };
  const action = useAction(signer);
  const [packageFile, setPackageFile] = useState<File>();
  const [fingerprint, setFingerprint] = useState("");
  const [reason, setReason] = useState<RevocationReasonName>("issued-in-error");
  const [replacement, setReplacement] = useState("");
  const registry = config.contracts.FingerprintRegistry as Hex;

  async function target(): Promise<{
    fingerprint: Hex;
    batch?: { root: Hex; proof: readonly Hex[] };
    name: string;
  }> {
    if (packageFile) {
      const dataPackage = await readDataPackageFile(packageFile);
      // As Verify refuses it: the package's record lives in another registry, not this one.
      if (dataPackage.registry.toLowerCase() !== registry.toLowerCase())
        throw new InvalidInputError(
          `${packageFile.name} names registry ${dataPackage.registry}, which is not this chain's Crossproof registry (${registry}); its document cannot be revoked here.`,
        );
      if (dataPackage.chainId !== config.chainId)
        throw new InvalidInputError(
          `${packageFile.name} is for chain ${dataPackage.chainId}, not ${config.chainName} (${config.chainId}).`,
        );
      return {
        fingerprint: dataPackage.fingerprint,
        name: packageFile.name.replace(/\.proof\.json$/, ""),
        ...(dataPackage.anchor.kind === "batch"
          ? { batch: { root: dataPackage.anchor.root as Hex, proof: dataPackage.anchor.proof as Hex[] } }
          : {}),
      };
    }
    const value = fingerprint.trim();
    if (!FINGERPRINT.test(value))
      throw new InvalidInputError(
        "Choose the document's data package, or paste the fingerprint of a document anchored alone (0x and 64 hexadecimal digits).",
      );
    const pasted = value.toLowerCase() as Hex;
    // A leaf of a batch has no record of its own, only its root: the contract would just say "not
    // anchored", which reads as if the document never was.
    const { status } = await verifyFingerprint(reader, {
      fingerprintRegistry: registry,
      fingerprint: pasted,
    });
    if (status === "not-anchored")
      throw new InvalidInputError(
        `No document was anchored alone with fingerprint ${pasted} on this chain. A document anchored in a batch has no record of its own: revoke it through its data package (.proof.json).`,
      );
    return { fingerprint: pasted, name: value };
  }

  async function revoke() {
    await action.run("Revoking", async (client) => {
      // Asked afresh: the committee may have paused the registry since the page read it.
      if (await pause.reload()) throw new RegistryPausedError("Nothing was sent.");
      const chosen = await target();
      const supersededBy = replacement.trim();
      if (supersededBy !== "" && !FINGERPRINT.test(supersededBy))
        throw new InvalidInputError(
          "The replacement is a fingerprint: 0x and 64 hexadecimal digits, or empty.",
        );
      const sent = await revokeFingerprint(client, {
        fingerprintRegistry: registry,
        fingerprint: chosen.fingerprint,
        reason: revocationReasons[reason],
        ...(supersededBy !== "" ? { supersededBy: supersededBy.toLowerCase() as Hex } : {}),
        ...(chosen.batch ? { batch: chosen.batch } : {}),
      });
      return {
        message: `Revoked ${chosen.name} (${reason}) in block ${sent.receipt.blockNumber}.`,
        transactionHash: sent.transactionHash,
      };
    });
  }

  return (
    <section className="card" aria-labelledby="revoke-heading">
      <h2 id="revoke-heading">Revoke a document</h2>
      <p className="hint">
        Only the issuer that anchored a document can revoke it. Verifiers then see it as revoked, with the
        reason and what replaced it.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void revoke();
        }}
      >
        <div className="grid">
          <div className="field">
            <label htmlFor={ids.proof}>Its data package (.proof.json)</label>
            <input
              id={ids.proof}
              type="file"
              accept=".json,application/json"
              onChange={(event) => {
                setPackageFile(event.target.files?.[0]);
              }}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.fingerprint}>Or its fingerprint (a document anchored alone)</label>
            <input
              id={ids.fingerprint}
              type="text"
              autoComplete="off"
              spellCheck={false}
              placeholder="0x…"
              value={fingerprint}
              onChange={(event) => {
                setFingerprint(event.target.value);
              }}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.reason}>Reason</label>
            <select
              id={ids.reason}
              value={reason}
              onChange={(event) => {
                setReason(event.target.value as RevocationReasonName);
              }}
            >
              {Object.keys(revocationReasons).map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.replacement}>Superseded by (optional fingerprint)</label>
            <input
              id={ids.replacement}
              type="text"
              autoComplete="off"
              spellCheck={false}
              placeholder="0x…"
              value={replacement}
              onChange={(event) => {
                setReplacement(event.target.value);
              }}
            />
          </div>
        </div>
        {signer.problem ? (
          <SignerNotice signer={signer} />
        ) : (
          <button
            type="submit"
            disabled={action.busy || pause.paused === true}
            aria-describedby={pause.paused === true ? REGISTRY_PAUSED_NOTICE_ID : undefined}
          >
            Revoke
          </button>
        )}
        <RegistryPausedHint pause={pause} what="Revocation" />
      </form>
      <ActionStatus state={action.state} testId="revoke-status" />
    </section>
  );
}
