/**
 * Anchoring documents from the browser, the way `crossproof anchor` does it: each document is
 * hashed here (it never leaves the browser), given a fresh 256-bit salt and fingerprinted; one
 * document is anchored alone, several as one Merkle batch. The salts are written to a journal in
 * localStorage before the transaction is sent, so that a closed tab or a crash after sending never
 * loses them: the page offers to rebuild the packages from the journal and the chain's events. A
 * journal is only deleted when the person says the packages are saved, or asks to forget it.
 */
import type { Client } from "viem";

import { findAnchorTransactions, type AnchorLocation } from "../../src/sdk/fingerprints/events.ts";
import { buildMerkleTree, merkleProof, merkleRoot } from "../../src/sdk/fingerprints/merkle.ts";
import { createDataPackage, type DataPackage } from "../../src/sdk/fingerprints/package.ts";
import { computeFingerprint, createDocumentHasher, randomSalt } from "../../src/sdk/fingerprints/spec.ts";
import type { Hex } from "../../src/sdk/hex.ts";

/** A document chosen for anchoring; `name` keeps the folder path of a folder upload. */
export type ChosenDocument = { name: string; file: File };

/** What the journal keeps per document: never its content, only what rebuilds its package. */
export type JournalItem = { name: string; salt: Hex; fingerprint: Hex };

export type AnchorJournal = {
  version: 1;
  chainId: number;
  registry: Hex;
  issuer: Hex;
  schemaId: Hex;
  expiresAt: number;
  /** A batch's root; undefined for one document anchored alone. */
  root?: Hex;
  items: JournalItem[];
  startedAt: string;
};

/** The name of a file as chosen: its path inside a chosen folder, or its own name. */
export function documentName(file: File): string {
  return file.webkitRelativePath || file.name;
}

/**
 * SHA-256 of each document, streamed (files of any size), calling `progress` with the bytes done
 * and the total as it goes.
 */
export async function hashDocuments(
  documents: readonly ChosenDocument[],
  progress: (done: number, total: number) => void,
): Promise<Hex[]> {
  const total = documents.reduce((sum, document) => sum + document.file.size, 0);
  let done = 0;
  const hashes: Hex[] = [];
  for (const document of documents) {
    hashes.push(
      await hashFile(document.file, (bytes) => {
        done += bytes;
        progress(done, total);
      }),
    );
  }
  progress(total, total);
  return hashes;
}

/** SHA-256 of one file (the SDK's document hash), streamed; `onBytes` hears of each chunk read. */
export async function hashFile(file: File, onBytes?: (bytes: number) => void): Promise<Hex> {
  const hasher = createDocumentHasher();
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hasher.update(value);
    onBytes?.(value.length);
  }
  return hasher.digest();
}

/** Salts and fingerprints the documents; several become one batch (its root in the journal). */
export function prepareJournal(
  base: Omit<AnchorJournal, "version" | "items" | "root" | "startedAt">,
  names: readonly string[],
  documentHashes: readonly Hex[],
): AnchorJournal {
  const items = names.map((name, i) => {
    const salt = randomSalt();
    return { name, salt, fingerprint: computeFingerprint({ documentHash: documentHashes[i]!, salt }) };
  });
  const root =
    items.length > 1 ? merkleRoot(buildMerkleTree(items.map((item) => item.fingerprint))) : undefined;
  return {
    version: 1,
    ...base,
    ...(root ? { root } : {}),
    items,
    startedAt: new Date().toISOString(),
  };
}

/** Each document's package, once the journal's transaction landed at `location`. */
export function packagesFor(journal: AnchorJournal, location: AnchorLocation): DataPackage[] {
  const common = {
    chainId: journal.chainId,
    registry: journal.registry,
    schemaId: journal.schemaId,
    issuer: journal.issuer,
    expiresAt: journal.expiresAt,
  };
  if (journal.root === undefined) {
    const item = journal.items[0]!;
    return [
      createDataPackage({
        ...common,
        salt: item.salt,
        fingerprint: item.fingerprint,
        anchor: { kind: "single", ...location },
      }),
    ];
  }
  const tree = buildMerkleTree(journal.items.map((item) => item.fingerprint));
  return journal.items.map((item, leafIndex) =>
    createDataPackage({
      ...common,
      salt: item.salt,
      fingerprint: item.fingerprint,
      anchor: {
        kind: "batch",
        root: journal.root!,
        leafIndex,
        leafCount: journal.items.length,
        proof: merkleProof(tree, leafIndex),
        ...location,
      },
    }),
  );
}

/** Where the journal's anchor landed, read from the registry's events; undefined if it did not. */
export async function findJournalAnchor(
  reader: Client,
  journal: AnchorJournal,
  fromBlock: bigint,
): Promise<AnchorLocation | undefined> {
  const found = await findAnchorTransactions(reader, {
    fingerprintRegistry: journal.registry,
    issuer: journal.issuer,
    fromBlock,
  });
  return journal.root === undefined
    ? found.fingerprints.get(journal.items[0]!.fingerprint)
    : found.batches.get(journal.root);
}

// ---------------------------------------------------------------- the journals in localStorage

/** One journal per anchoring, never overwritten by the next one. */
const journalPrefix = (chainId: number, issuer: string) =>
  `crossproof.anchor-journal.${chainId}.${issuer.toLowerCase()}.`;

/** The anchoring's own id: its batch root, or the fingerprint of its one document. */
export function journalId(journal: AnchorJournal): Hex {
  return journal.root ?? journal.items[0]!.fingerprint;
}

const journalKey = (journal: AnchorJournal) =>
  `${journalPrefix(journal.chainId, journal.issuer)}${journalId(journal)}`;

/** Writes the journal; throws a sentence when the browser refuses (storage full or disabled). */
export function saveJournal(journal: AnchorJournal): void {
  try {
    localStorage.setItem(journalKey(journal), JSON.stringify(journal));
  } catch (error) {
    throw new Error(
      `The browser would not store the salts before sending (${error instanceof Error ? error.name : "storage error"}); free some site storage or anchor fewer documents at once.`,
      { cause: error },
    );
  }
}

/** Every journal of this issuer on this chain that was not forgotten, oldest first. */
export function loadJournals(chainId: number, issuer: string): AnchorJournal[] {
  const prefix = journalPrefix(chainId, issuer);
  const journals: AnchorJournal[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key?.startsWith(prefix) !== true) continue;
    try {
      const journal = JSON.parse(localStorage.getItem(key) ?? "null") as Partial<AnchorJournal> | null;
      if (journal?.version === 1 && Array.isArray(journal.items) && journal.items.length > 0)
        journals.push(journal as AnchorJournal);
    } catch {
      // Not a journal this version wrote: left alone.
    }
  }
  return journals.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

export function forgetJournal(journal: AnchorJournal): void {
  localStorage.removeItem(journalKey(journal));
}

/** Offers `content` as a download named `name`. */
export function download(name: string, content: string | Uint8Array<ArrayBuffer>, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}
