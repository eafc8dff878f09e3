/**
 * Verify (no wallet): a document and its data package, or a bare fingerprint, checked against the
 * chain. The fingerprint is computed here, in the browser; the document never leaves it.
 */
import { useId, useRef, useState, type DragEvent } from "react";
import type { Hex } from "viem";

import { InvalidInputError } from "../../../src/sdk/errors.ts";
import {
  verifyFingerprint,
  type Verification,
  type VerificationStatus,
} from "../../../src/sdk/fingerprints/actions.ts";
import { revocationReasonName } from "../../../src/sdk/fingerprints/reasons.ts";
import { verifyDataPackage } from "../../../src/sdk/fingerprints/verify-package.ts";
import { getIssuer } from "../../../src/sdk/issuers/issuers.ts";
import { getSchema } from "../../../src/sdk/schemas/schemas.ts";
import { useApp } from "../app-context.ts";
import { errorMessage } from "../errors.ts";
import { formatTime, isZero } from "../format.ts";
import { hashFile } from "../issuing.ts";
import { readDataPackageFile } from "../package-file.ts";

type Status = VerificationStatus | "mismatch";

const LABELS: Record<Status, string> = {
  valid: "Valid",
  mismatch: "Mismatch",
  revoked: "Revoked",
  expired: "Expired",
  unaccredited: "Issuer not accredited",
  "not-anchored": "Not anchored",
  "bad-proof": "Bad proof",
};

/** For a bare fingerprint (a document check has the SDK's own sentence). */
const DETAILS: Record<VerificationStatus, string> = {
  valid: "An accredited issuer anchored this fingerprint; it is neither revoked nor expired.",
  "not-anchored":
    "No document was anchored alone with this fingerprint on this chain. A document anchored in a batch has no record of its own: check it with its data package.",
  "bad-proof": "The Merkle proof does not lead to the anchored batch root.",
  revoked: "The issuer revoked this document.",
  unaccredited: "The issuer's accreditation for this schema was withdrawn before this record was anchored.",
  expired: "The document's validity ended.",
};

/** The SDK's verification, with a document check's own status and what the page adds. */
type Result = Omit<Verification, "status"> & {
  status: Status;
  detail: string;
  /** The fingerprint computed here (or pasted). */
  fingerprint: Hex;
  /** The fingerprint the package names, whose record the other fields are (a document check). */
  packageFingerprint?: Hex;
  ms: number;
  subject: string;
};

type Names = { issuer?: string; schema?: string };

const FINGERPRINT = /^0x[0-9a-fA-F]{64}$/;

/** Documents from this size on show how far their hashing got. */
const HASHING_SHOWN_FROM = 64 * 1024 * 1024;

export function VerifyPage() {
  const { config, reader } = useApp();
  const ids = { document: useId(), proof: useId(), fingerprint: useId(), drop: useId() };
  const [documentFile, setDocumentFile] = useState<File>();
  const [packageFile, setPackageFile] = useState<File>();
  const [fingerprint, setFingerprint] = useState("");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result>();
  const [names, setNames] = useState<Names>({});
  const [error, setError] = useState<string>();
  const [dragging, setDragging] = useState(false);
  /** How much of a large document was hashed, in percent, while it is hashed. */
  const [hashing, setHashing] = useState<number>();
  /** Counts checks and input changes: a check whose inputs changed meanwhile shows nothing. */
  const attempt = useRef(0);

  /** Another input makes the verdict shown a verdict on something else: it goes. */
  function inputChanged() {
    attempt.current += 1;
    setResult(undefined);
    setNames({});
    setError(undefined);
  }

  async function verify(check: () => Promise<Result>) {
    const current = ++attempt.current;
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    setNames({});
    try {
      const outcome = await check();
      if (current !== attempt.current) return;
      setResult(outcome);
      const found = await lookUpNames(outcome);
      if (current === attempt.current) setNames(found);
    } catch (caught) {
      if (current === attempt.current) setError(errorMessage(caught));
    } finally {
      setBusy(false);
      setHashing(undefined);
    }
  }

  async function lookUpNames(outcome: Result): Promise<Names> {
    const found: Names = {};
    await Promise.all([
      isZero(outcome.issuer)
        ? undefined
        : getIssuer(reader, {
            issuerRegistry: config.contracts.IssuerRegistry as Hex,
            account: outcome.issuer,
          })
            .then((issuer) => {
              if (issuer.status !== "none")
                found.issuer = `${issuer.name}${issuer.jurisdiction ? ` (${issuer.jurisdiction})` : ""}`;
            })
            .catch(() => undefined),
      isZero(outcome.schemaId)
        ? undefined
        : getSchema(reader, {
            schemaRegistry: config.contracts.SchemaRegistry as Hex,
            schemaId: outcome.schemaId,
          })
            .then((schema) => {
              found.schema = `${schema.name}@${schema.version}`;
            })
            .catch(() => undefined),
    ]);
    return found;
  }

  async function checkDocument(): Promise<Result> {
    if (!documentFile || !packageFile)
      throw new InvalidInputError("Choose the document and its data package (the .proof.json file) first.");
    const started = performance.now();
    const dataPackage = await readDataPackageFile(packageFile);
    // Streamed, as on Issue: a document of any size (arrayBuffer() fails at about 2 GB).
    const total = documentFile.size;
    let done = 0;
    let shown = -1;
    const documentHash = await hashFile(documentFile, (bytes) => {
      done += bytes;
      const percent = Math.floor((done / total) * 100);
      // One update per percent, not per chunk.
      if (total >= HASHING_SHOWN_FROM && percent !== shown) {
        shown = percent;
        setHashing(percent);
      }
    });
    const report = await verifyDataPackage(reader, {
      documentHash,
      dataPackage,
      trustedRegistry: config.contracts.FingerprintRegistry as Hex,
    });
    return {
      ...report,
      packageFingerprint: dataPackage.fingerprint,
      ms: performance.now() - started,
      subject: documentFile.name,
    };
  }

  async function checkFingerprint(): Promise<Result> {
    const value = fingerprint.trim();
    if (!FINGERPRINT.test(value))
      throw new InvalidInputError("A fingerprint is 0x followed by 64 hexadecimal digits.");
    const started = performance.now();
    const report = await verifyFingerprint(reader, {
      fingerprintRegistry: config.contracts.FingerprintRegistry as Hex,
      fingerprint: value.toLowerCase() as Hex,
    });
    return {
      ...report,
      detail: DETAILS[report.status],
      fingerprint: value.toLowerCase() as Hex,
      ms: performance.now() - started,
      subject: "the fingerprint",
    };
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    const files = Array.from(event.dataTransfer.files);
    if (files.length > 0) inputChanged();
    for (const file of files) {
      if (file.name.endsWith(".proof.json")) setPackageFile(file);
      else setDocumentFile(file);
    }
  }

  return (
    <>
      <h1 tabIndex={-1}>Verify a document</h1>
      <p className="lead">
        Check a document against {config.chainName} without a wallet. Its fingerprint is computed in this
        browser: the document never leaves your computer.
      </p>

      <form
        className="card"
        aria-labelledby="document-heading"
        onSubmit={(event) => {
          event.preventDefault();
          void verify(checkDocument);
        }}
      >
        <h2 id="document-heading">Document and data package</h2>
        <div
          id={ids.drop}
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
          <p>Drop the document and its .proof.json here, or choose them below.</p>
        </div>
        <div className="field">
          <label htmlFor={ids.document}>Document</label>
          <input
            id={ids.document}
            type="file"
            onChange={(event) => {
              setDocumentFile(event.target.files?.[0]);
              inputChanged();
            }}
          />
          {documentFile && <span className="hint">Chosen: {documentFile.name}</span>}
        </div>
        <div className="field">
          <label htmlFor={ids.proof}>Data package (.proof.json)</label>
          <input
            id={ids.proof}
            type="file"
            accept=".json,application/json"
            onChange={(event) => {
              setPackageFile(event.target.files?.[0]);
              inputChanged();
            }}
          />
          {packageFile && <span className="hint">Chosen: {packageFile.name}</span>}
        </div>
        <button type="submit" disabled={busy}>
          Verify document
        </button>
      </form>

      <form
        className="card"
        aria-labelledby="fingerprint-heading"
        onSubmit={(event) => {
          event.preventDefault();
          void verify(checkFingerprint);
        }}
      >
        <h2 id="fingerprint-heading">Or a fingerprint</h2>
        <div className="field">
          <label htmlFor={ids.fingerprint}>Fingerprint</label>
          <input
            id={ids.fingerprint}
            type="text"
            inputMode="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="0x…"
            value={fingerprint}
            onChange={(event) => {
              setFingerprint(event.target.value);
              inputChanged();
            }}
          />
        </div>
        <button type="submit" disabled={busy}>
          Verify fingerprint
        </button>
      </form>

      <section aria-label="Result" className="result-area">
        <div role="status" aria-live="polite">
          {busy && (
            <p>
              Verifying…
              {hashing !== undefined && ` Hashing the document in this browser: ${hashing} %.`}
            </p>
          )}
          {error && (
            <p className="error" data-testid="verify-error">
              {error}
            </p>
          )}
          {result && (
            <p
              className={`verdict verdict-${result.status}`}
              data-testid="verdict"
              data-status={result.status}
            >
              {LABELS[result.status]}: {result.detail}
            </p>
          )}
        </div>
        {result && <Details result={result} names={names} />}
      </section>
    </>
  );
}

function Details({ result, names }: { result: Result; names: Names }) {
  // On a mismatch, the record read is the one the package points at, not this document's: every
  // field of it says so.
  const mismatch = result.status === "mismatch" && result.packageFingerprint !== undefined;
  const ofRecord = (label: string) => (mismatch ? `Record: ${label.toLowerCase()}` : label);
  return (
    <dl className="details" data-testid="verify-details">
      <dt>Checked</dt>
      <dd>{result.subject}</dd>
      <dt>{mismatch ? "Computed fingerprint" : "Fingerprint"}</dt>
      <dd data-testid="computed-fingerprint">
        <code>{result.fingerprint}</code>
      </dd>
      {mismatch && (
        <>
          <dt>The package&apos;s record</dt>
          <dd data-testid="package-record">
            <code>{result.packageFingerprint}</code> (the record below is this one, not the checked
            document&apos;s)
          </dd>
        </>
      )}
      {!isZero(result.issuer) && (
        <>
          <dt>{ofRecord("Issuer")}</dt>
          <dd data-testid="issuer">
            {names.issuer ? `${names.issuer} · ` : ""}
            <code>{result.issuer}</code>
          </dd>
        </>
      )}
      {!isZero(result.schemaId) && (
        <>
          <dt>{ofRecord("Document kind")}</dt>
          <dd data-testid="schema">{names.schema ?? <code>{result.schemaId}</code>}</dd>
        </>
      )}
      {result.anchoredAt > 0 && (
        <>
          <dt>{ofRecord("Anchored")}</dt>
          <dd>{formatTime(result.anchoredAt)}</dd>
          <dt>{ofRecord("Expires")}</dt>
          <dd>{formatTime(result.expiresAt, "never")}</dd>
        </>
      )}
      {result.revokedAt > 0 && (
        <>
          <dt>{ofRecord("Revoked")}</dt>
          <dd data-testid="revoked">
            {formatTime(result.revokedAt)} ({revocationReasonName(result.revocationReason)})
            {!isZero(result.supersededBy) && (
              <>
                , superseded by <code>{result.supersededBy}</code>
              </>
            )}
          </dd>
        </>
      )}
      <dt>Verification time</dt>
      <dd data-testid="verify-ms">{result.ms.toFixed(1)} ms</dd>
    </dl>
  );
}
