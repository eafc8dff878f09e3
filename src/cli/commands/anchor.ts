import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";

import type { Hex } from "viem";
import { getBlock } from "viem/actions";

import { RegistryPausedError } from "../../sdk/errors.ts";
import {
  anchorBatch,
  anchorFingerprint,
  anchorFingerprints,
  checkAnchoring,
} from "../../sdk/fingerprints/actions.ts";
import { findAnchorTransactions, type AnchorLocation } from "../../sdk/fingerprints/events.ts";
import { merkleProof, merkleRoot } from "../../sdk/fingerprints/merkle.ts";
import { createDataPackage, type DataPackage } from "../../sdk/fingerprints/package.ts";
import type { Schema } from "../../sdk/schemas/schemas.ts";
import { computeFingerprint, randomSalt } from "../../sdk/fingerprints/spec.ts";
import { hexToBytes } from "../../sdk/hex.ts";
import { buildMerkleTreeFast } from "../../sdk/node/merkle-builder.ts";
import { isAbsoluteUri } from "../../sdk/uri.ts";
import { connect, signer, type ChainContext } from "../context.ts";
import { ExitCode, UsageError } from "../errors.ts";
import { expandInputs, hashFile, PACKAGE_SUFFIX, writePackageFile } from "../files.ts";
import {
  journalPathFor,
  readJournal,
  writeJournal,
  type JournalHeader,
  type JournalItem,
} from "../journal.ts";
import type { Command } from "../main.ts";
import { printable, printJson, printLine, progress } from "../output.ts";
import { parseExpiry, parseSchemaReference, requireRegistryRunning, requireSchema } from "./shared.ts";

/** Most fingerprints per `anchorMany` transaction (about 12.9M gas). */
const ANCHOR_MANY_CHUNK = 500;
/** Gas per fingerprint of `anchorMany` (measured 25,730 with ten; bench/results), rounded up. */
const ANCHOR_MANY_ITEM_GAS = 26_000;

/**
 * Fingerprints per `anchorMany` transaction on a chain whose blocks hold `blockGasLimit` gas: at most
 * ANCHOR_MANY_CHUNK, and few enough that the transaction with the SDK's gas margin (a fifth over
 * the estimate) fits a block; at least one.
 */
export function anchorManyChunk(blockGasLimit: bigint): number {
  const fits = Math.floor(Number(blockGasLimit) / (1.2 * ANCHOR_MANY_ITEM_GAS));
  return Math.max(1, Math.min(ANCHOR_MANY_CHUNK, fits));
}
/** Files read or written at once. */
const IO_CONCURRENCY = 16;
/** Packages listed in --json output. */
const JSON_LIST_LIMIT = 1000;

type Written = { file: string; dataPackage: DataPackage };

export const anchorCommand: Command = {
  summary: "Anchor documents' fingerprints and write a <file>.proof.json data package beside each.",
  usage: `anchor <file|dir...> --schema <id|name@version> [--expires <date>] [--batch] [--list <file>] [--uri <uri>] [--force]
       crossproof anchor --resume <journal>   (finish an anchor that was interrupted)`,
  options: {
    schema: { type: "string" },
    expires: { type: "string" },
    batch: { type: "boolean", default: false },
    list: { type: "string" },
    uri: { type: "string" },
    force: { type: "boolean", default: false },
    resume: { type: "string" },
  },
  async run(positionals, values, global) {
    const resumePath = values.resume as string | undefined;
    let header: JournalHeader;
    let items: JournalItem[];
    let journalPath: string;
    let schema: Schema;
    const context = await connect(global);
    const wallet = signer(global, context);
    const contracts = context.manifest.contracts;

    if (resumePath) {
      if (positionals.length > 0)
        throw new UsageError("--resume takes no documents: they are in the journal.");
      ({ header, items } = await readJournal(resumePath));
      journalPath = resumePath;
      if (header.chainId !== context.chainId || header.registry !== contracts.FingerprintRegistry) {
        throw new UsageError(
          `The journal is for chain ${header.chainId}, registry ${header.registry}: point --rpc there.`,
        );
      }
      if (header.issuer.toLowerCase() !== wallet.account.address.toLowerCase()) {
        throw new UsageError(`The journal was written by issuer ${header.issuer}; resume with that key.`);
      }
      schema = await requireSchema(context.publicClient, contracts.SchemaRegistry as Hex, header.schemaId);
      // A paused registry is checked once it is known what still has to be sent (see Job.beforeSending).
    } else {
      const schemaId = parseSchemaReference(values.schema);
      const expiresAt = parseExpiry(values.expires);
      const batch = values.batch === true;
      if (values.uri !== undefined && !batch) throw new UsageError("--uri applies to --batch anchors only.");
      if (typeof values.uri === "string" && !isAbsoluteUri(values.uri))
        throw new UsageError(
          `--uri ${printable(values.uri)} is not an absolute URI; give where the batch's manifest is published (e.g. https://issuer.example/batches/2026-11.json), never anything about the documents.`,
        );
      const files = await expandInputs(positionals, values.list as string | undefined);
      if (values.force !== true) {
        const existing = files.find((file) => existsSync(file + PACKAGE_SUFFIX));
        if (existing)
          throw new UsageError(`${existing}${PACKAGE_SUFFIX} exists already; pass --force to replace it.`);
      }
      header = {
        type: "crossproof.anchor-journal",
        version: 1,
        chainId: context.chainId,
        registry: contracts.FingerprintRegistry as Hex,
        issuer: wallet.account.address,
        schemaId,
        expiresAt,
        batch,
        ...(typeof values.uri === "string" ? { uri: values.uri } : {}),
        createdAt: new Date().toISOString(),
      };
      // Before hashing anything: an unknown schema should fail in a second, not after a million files.
      schema = await requireSchema(
        context.publicClient,
        contracts.SchemaRegistry as Hex,
        schemaId,
        String(values.schema),
      );
      // Nor should a paused registry: nothing is hashed, no journal is left behind.
      await requireRegistryRunning(context.publicClient, header.registry);
      // Nor an issuer the registry would refuse (not accredited for the schema, an expiry it cannot
      // record): the same call, simulated with a throwaway fingerprint, says so in the contract's words.
      await checkAnchoring(context.publicClient, {
        fingerprintRegistry: header.registry,
        issuer: wallet.account.address,
        schemaIndex: schema.index,
        expiresAt: header.expiresAt,
        batch: header.batch,
      });
      items = await fingerprintFiles(files, !global.json);
      journalPath = journalPathFor();
      await writeJournal(journalPath, header, items);
    }

    const anchored = resumePath
      ? await findAnchorTransactions(context.publicClient, {
          fingerprintRegistry: header.registry,
          issuer: header.issuer,
          fromBlock: BigInt(context.manifest.startBlock),
        })
      : { fingerprints: new Map<Hex, AnchorLocation>(), batches: new Map<Hex, AnchorLocation>() };
    const job: Job = {
      context,
      header,
      items,
      schemaIndex: schema.index,
      showProgress: !global.json,
      // A paused registry refuses only what still has to be sent: packages for transactions that
      // landed are written while it is paused. The journal stays for a --resume once it unpauses.
      // A new anchor is checked again here, for a pause that came while its documents were hashed.
      beforeSending: () =>
        requireRegistryRunning(context.publicClient, header.registry, { journal: journalPath }),
    };
    let written: Written[];
    try {
      written = header.batch
        ? await anchorAsBatch(job, wallet, anchored.batches)
        : await anchorAsSingles(job, wallet, anchored.fingerprints);
    } catch (error) {
      // The salts must not be lost, nor left behind unannounced (a pause says so itself).
      if (!(error instanceof RegistryPausedError) && existsSync(journalPath)) {
        process.stderr.write(
          `The documents' salts are kept in ${journalPath}: once the problem below is solved, \`crossproof anchor --resume ${journalPath}\` anchors what did not land and writes every package; delete the journal if you give up.\n`,
        );
      }
      throw error;
    }
    await rm(journalPath, { force: true });

    if (global.json) {
      printJson({
        ...(header.batch && written[0]?.dataPackage.anchor.kind === "batch"
          ? { root: written[0].dataPackage.anchor.root, leafCount: items.length }
          : {}),
        count: items.length,
        // Only the first JSON_LIST_LIMIT packages are listed; every one is written beside its file.
        ...(written.length < items.length ? { packagesNotListed: items.length - written.length } : {}),
        packages: written.map(({ file, dataPackage }) => ({
          file,
          package: file + PACKAGE_SUFFIX,
          fingerprint: dataPackage.fingerprint,
          transactionHash: dataPackage.anchor.transactionHash,
        })),
      });
    } else if (header.batch) {
      const first = written[0]?.dataPackage.anchor;
      printLine(
        `Anchored a batch of ${items.length} under root ${first?.kind === "batch" ? first.root : "?"}.`,
      );
    }
    return ExitCode.ok;
  },
};

type Job = {
  context: ChainContext;
  header: JournalHeader;
  items: JournalItem[];
  schemaIndex: number;
  showProgress: boolean;
  /** Called once, before the first transaction and before any package is written, if one must be sent. */
  beforeSending: () => Promise<void>;
};

type Wallet = ReturnType<typeof signer>;

async function anchorAsBatch(
  job: Job,
  wallet: Wallet,
  anchoredBatches: Map<Hex, AnchorLocation>,
): Promise<Written[]> {
  const { header, items } = job;
  const flat = new Uint8Array(items.length * 32);
  items.forEach((item, i) => {
    flat.set(hexToBytes(item.fingerprint), i * 32);
  });
  const tree = await buildMerkleTreeFast({ fingerprints: flat });
  const root = merkleRoot(tree);
  let location = anchoredBatches.get(root);
  if (!location) {
    await job.beforeSending();
    const { transactionHash, receipt } = await anchorBatch(wallet, {
      fingerprintRegistry: header.registry,
      root,
      leafCount: items.length,
      schemaIndex: job.schemaIndex,
      expiresAt: header.expiresAt,
      uri: header.uri,
    });
    location = { transactionHash, blockNumber: Number(receipt.blockNumber) };
  }
  const landed = location;
  const bar = progress("Writing packages", items.length, job.showProgress);
  const written: Written[] = [];
  let done = 0;
  await forEachConcurrently(items.length, IO_CONCURRENCY, async (i) => {
    const anchor = {
      kind: "batch" as const,
      root,
      leafIndex: i,
      leafCount: items.length,
      proof: merkleProof(tree, i),
      ...landed,
    };
    keepSample(written, await writePackage(job, items[i]!, anchor));
    bar.tick(++done);
  });
  bar.end();
  return written;
}

async function anchorAsSingles(
  job: Job,
  wallet: Wallet,
  anchoredFingerprints: Map<Hex, AnchorLocation>,
): Promise<Written[]> {
  const { header } = job;
  const written: Written[] = [];
  // On --resume, documents whose transaction landed only need their packages.
  const pending = job.items.filter((item) => !anchoredFingerprints.has(item.fingerprint));
  if (pending.length > 0) await job.beforeSending();
  for (const item of job.items) {
    const location = anchoredFingerprints.get(item.fingerprint);
    if (!location) continue;
    keepSample(written, await writePackage(job, item, { kind: "single", ...location }));
    // On --resume: its transaction landed before the interruption; only the package was missing.
    if (job.showProgress)
      printLine(
        `Wrote the package of ${item.file}, anchored earlier as ${item.fingerprint} (${location.transactionHash}).`,
      );
  }
  const chunkSize = pending.length > 1 ? anchorManyChunk((await getBlock(wallet)).gasLimit) : 1;
  for (let start = 0; start < pending.length; start += chunkSize) {
    const chunk = pending.slice(start, start + chunkSize);
    const parameters = {
      fingerprintRegistry: header.registry,
      schemaIndex: job.schemaIndex,
      expiresAt: header.expiresAt,
    };
    const { transactionHash, receipt } =
      chunk.length === 1
        ? await anchorFingerprint(wallet, { ...parameters, fingerprint: chunk[0]!.fingerprint })
        : await anchorFingerprints(wallet, {
            ...parameters,
            fingerprints: chunk.map((item) => item.fingerprint),
          });
    for (const item of chunk) {
      const location = { transactionHash, blockNumber: Number(receipt.blockNumber) };
      keepSample(written, await writePackage(job, item, { kind: "single", ...location }));
      if (job.showProgress) printLine(`Anchored ${item.file} as ${item.fingerprint} (${transactionHash}).`);
    }
  }
  return written;
}

async function writePackage(job: Job, item: JournalItem, anchor: DataPackage["anchor"]): Promise<Written> {
  const { header } = job;
  const dataPackage = createDataPackage({
    chainId: header.chainId,
    registry: header.registry,
    schemaId: header.schemaId,
    issuer: header.issuer,
    expiresAt: header.expiresAt,
    salt: item.salt,
    fingerprint: item.fingerprint,
    anchor,
  });
  await writePackageFile(item.file, dataPackage);
  return { file: item.file, dataPackage };
}

/** Keeps the first packages for --json output; a million in memory would not help anyone. */
function keepSample(sample: Written[], entry: Written): void {
  if (sample.length < JSON_LIST_LIMIT) sample.push(entry);
}

/** Hashes every file (a few at a time) and gives each a fresh salt and its fingerprint. */
async function fingerprintFiles(files: readonly string[], showProgress: boolean): Promise<JournalItem[]> {
  const bar = progress("Fingerprinting", files.length, showProgress);
  const out = new Array<JournalItem>(files.length);
  let done = 0;
  await forEachConcurrently(files.length, IO_CONCURRENCY, async (index) => {
    const file = files[index]!;
    const salt = randomSalt();
    out[index] = {
      file,
      salt,
      fingerprint: computeFingerprint({ documentHash: await hashFile(file), salt }),
    };
    bar.tick(++done);
  });
  bar.end();
  return out;
}

/** Runs `task(0..count-1)` with at most `concurrency` in flight; the first failure stops new tasks. */
async function forEachConcurrently(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}
