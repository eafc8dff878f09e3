import { existsSync } from "node:fs";

import type { Hex } from "viem";

import { anchorBatch, anchorFingerprint, anchorFingerprints } from "../../sdk/fingerprints/actions.ts";
import { merkleProof, merkleRoot } from "../../sdk/fingerprints/merkle.ts";
import { createDataPackage, type DataPackage } from "../../sdk/fingerprints/package.ts";
import { computeFingerprint, randomSalt } from "../../sdk/fingerprints/spec.ts";
import { hexToBytes } from "../../sdk/hex.ts";
import { buildMerkleTreeFast } from "../../sdk/node/merkle-builder.ts";
import { connect, signer } from "../context.ts";
import { ExitCode, UsageError } from "../errors.ts";
import { expandInputs, hashFile, PACKAGE_SUFFIX, writeFileAtomic } from "../files.ts";
import type { Command } from "../main.ts";
import { printJson, printLine, progress } from "../output.ts";
import { parseExpiry, parseSchemaReference, requireSchema } from "./shared.ts";

/** Fingerprints per `anchorMany` transaction (~23,000 gas each keeps a chunk near 12M gas). */
const ANCHOR_MANY_CHUNK = 500;

type Prepared = { file: string; salt: Hex; fingerprint: Hex };

export const anchorCommand: Command = {
  summary: "Anchor documents' fingerprints and write a <file>.proof.json data package beside each.",
  usage:
    "anchor <file|dir...> --schema <id|name@version> [--expires <date>] [--batch] [--list <file>] [--uri <uri>] [--force]",
  options: {
    schema: { type: "string" },
    expires: { type: "string" },
    batch: { type: "boolean", default: false },
    list: { type: "string" },
    uri: { type: "string" },
    force: { type: "boolean", default: false },
  },
  async run(positionals, values, global) {
    const schemaId = parseSchemaReference(values.schema);
    const expiresAt = parseExpiry(values.expires);
    const batch = values.batch === true;
    if (values.uri !== undefined && !batch) throw new UsageError("--uri applies to --batch anchors only.");
    const files = await expandInputs(positionals, values.list as string | undefined);
    if (values.force !== true) {
      const existing = files.find((file) => existsSync(file + PACKAGE_SUFFIX));
      if (existing) {
        throw new UsageError(`${existing}${PACKAGE_SUFFIX} exists already; pass --force to replace it.`);
      }
    }

    const context = await connect(global);
    const wallet = signer(global, context);
    const { SchemaRegistry: schemaRegistry, FingerprintRegistry: fingerprintRegistry } =
      context.manifest.contracts;
    const schema = await requireSchema(context.publicClient, schemaRegistry as Hex, schemaId);

    const prepared = await prepare(files, !global.json);
    const base = {
      chainId: context.chainId,
      registry: fingerprintRegistry as Hex,
      schemaId,
      issuer: wallet.account.address,
      expiresAt,
    };
    const packages: { file: string; dataPackage: DataPackage }[] = [];

    if (batch) {
      const flat = new Uint8Array(prepared.length * 32);
      prepared.forEach((item, i) => { flat.set(hexToBytes(item.fingerprint), i * 32); });
      const tree = await buildMerkleTreeFast({ fingerprints: flat });
      const root = merkleRoot(tree);
      const { transactionHash, receipt } = await anchorBatch(wallet, {
        fingerprintRegistry: fingerprintRegistry as Hex,
        root,
        leafCount: prepared.length,
        schemaIndex: schema.index,
        expiresAt,
        uri: values.uri as string | undefined,
      });
      const bar = progress("Writing packages", prepared.length, !global.json);
      for (const [i, item] of prepared.entries()) {
        const dataPackage = createDataPackage({
          ...base,
          salt: item.salt,
          fingerprint: item.fingerprint,
          anchor: {
            kind: "batch",
            root,
            leafIndex: i,
            leafCount: prepared.length,
            proof: merkleProof(tree, i),
            transactionHash,
            blockNumber: Number(receipt.blockNumber),
          },
        });
        await writeFileAtomic(item.file + PACKAGE_SUFFIX, `${JSON.stringify(dataPackage, null, 2)}\n`);
        if (prepared.length <= 1000) packages.push({ file: item.file, dataPackage });
        bar.tick(i + 1);
      }
      bar.end();
      if (global.json)
        printJson({ root, leafCount: prepared.length, transactionHash, packages: summarize(packages) });
      else printLine(`Anchored a batch of ${prepared.length} under root ${root} in ${transactionHash}.`);
      return ExitCode.ok;
    }

    for (let start = 0; start < prepared.length; start += ANCHOR_MANY_CHUNK) {
      const chunk = prepared.slice(start, start + ANCHOR_MANY_CHUNK);
      const parameters = {
        fingerprintRegistry: fingerprintRegistry as Hex,
        schemaIndex: schema.index,
        expiresAt,
      };
      const { transactionHash, receipt } =
        chunk.length === 1
          ? await anchorFingerprint(wallet, { ...parameters, fingerprint: chunk[0]!.fingerprint })
          : await anchorFingerprints(wallet, {
              ...parameters,
              fingerprints: chunk.map((item) => item.fingerprint),
            });
      for (const item of chunk) {
        const dataPackage = createDataPackage({
          ...base,
          salt: item.salt,
          fingerprint: item.fingerprint,
          anchor: { kind: "single", transactionHash, blockNumber: Number(receipt.blockNumber) },
        });
        await writeFileAtomic(item.file + PACKAGE_SUFFIX, `${JSON.stringify(dataPackage, null, 2)}\n`);
        packages.push({ file: item.file, dataPackage });
        if (!global.json) printLine(`Anchored ${item.file} as ${item.fingerprint} (${transactionHash}).`);
      }
    }
    if (global.json) printJson({ packages: summarize(packages) });
    return ExitCode.ok;
  },
};

async function prepare(files: readonly string[], showProgress: boolean): Promise<Prepared[]> {
  const bar = progress("Fingerprinting", files.length, showProgress);
  const out: Prepared[] = [];
  for (const [i, file] of files.entries()) {
    const salt = randomSalt();
    out.push({ file, salt, fingerprint: computeFingerprint({ documentHash: await hashFile(file), salt }) });
    bar.tick(i + 1);
  }
  bar.end();
  return out;
}

function summarize(packages: readonly { file: string; dataPackage: DataPackage }[]) {
  return packages.map(({ file, dataPackage }) => ({
    file,
    package: file + PACKAGE_SUFFIX,
    fingerprint: dataPackage.fingerprint,
    transactionHash: dataPackage.anchor.transactionHash,
  }));
}
