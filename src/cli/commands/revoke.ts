import { existsSync } from "node:fs";

import { getAddress, type Hex } from "viem";

import { reinstateFingerprint, revokeFingerprint } from "../../sdk/fingerprints/actions.ts";
import {
  revocationReasonName,
  revocationReasons,
  type RevocationReasonName,
} from "../../sdk/fingerprints/reasons.ts";
import { expectBytes32, isBytes32 } from "../../sdk/hex.ts";
import { connect, signer, type ChainContext } from "../context.ts";
import { ExitCode, UsageError } from "../errors.ts";
import { PACKAGE_SUFFIX, readPackage } from "../files.ts";
import type { Command } from "../main.ts";
import { printJson, printLine } from "../output.ts";

const REASON_NAMES = Object.keys(revocationReasons).join(", ");

export const revokeCommand: Command = {
  summary: "Revoke an anchored document (by file + package, or by fingerprint). Only its issuer may.",
  usage: `revoke <file|fingerprint> --reason <${REASON_NAMES}|code> [--superseded-by <fingerprint>] [--package <p>]

  A document of a batch is revoked through its package (it holds the batch root and the proof).`,
  options: {
    reason: { type: "string" },
    "superseded-by": { type: "string" },
    package: { type: "string" },
  },
  async run(positionals, values, global) {
    const target = singleTarget(positionals, "revoke");
    const reason = parseReason(values.reason);
    const supersededBy =
      values["superseded-by"] === undefined
        ? undefined
        : expectBytes32(values["superseded-by"], "--superseded-by");

    const context = await connect(global);
    const wallet = signer(global, context);
    const record = await resolveRecord(target, values.package, context);
    const { transactionHash } = await revokeFingerprint(wallet, { ...record, reason, supersededBy });
    const reasonName = revocationReasonName(reason);
    if (global.json) {
      printJson({
        fingerprint: record.fingerprint,
        reason,
        reasonName,
        batchRoot: record.batch?.root ?? null,
        transactionHash,
      });
    } else {
      printLine(`Revoked ${record.fingerprint} (${reasonName}) in ${transactionHash}.`);
    }
    return ExitCode.ok;
  },
};

export const reinstateCommand: Command = {
  summary: "Reinstate a revoked document, if its schema is reinstatable. Only its issuer may.",
  usage: `reinstate <file|fingerprint> [--package <p>]

  Lifts the document's revocation (the Revoked event stays in the audit trail). Only for schemas
  registered --reinstatable; a document of a batch is reinstated through its package.`,
  options: {
    package: { type: "string" },
  },
  async run(positionals, values, global) {
    const target = singleTarget(positionals, "reinstate");
    const context = await connect(global);
    const wallet = signer(global, context);
    const record = await resolveRecord(target, values.package, context);
    const { transactionHash } = await reinstateFingerprint(wallet, record);
    if (global.json) {
      printJson({ fingerprint: record.fingerprint, batchRoot: record.batch?.root ?? null, transactionHash });
    } else {
      printLine(`Reinstated ${record.fingerprint} in ${transactionHash}.`);
    }
    return ExitCode.ok;
  },
};

function singleTarget(positionals: string[], action: string): string {
  const [target, ...extra] = positionals;
  if (!target || extra.length > 0) throw new UsageError(`Give one document or fingerprint to ${action}.`);
  return target;
}

type RecordReference = {
  fingerprintRegistry: Hex;
  fingerprint: Hex;
  batch?: { root: Hex; proof: Hex[] };
};

/**
 * The record a document or fingerprint names on this deployment: a bare fingerprint is a single
 * anchor; a document is read through its package, which must be for this chain and this
 * deployment's registry (a package from another deployment would send the transaction elsewhere).
 */
async function resolveRecord(
  target: string,
  packagePath: string | boolean | undefined,
  context: ChainContext,
): Promise<RecordReference> {
  const fingerprintRegistry = getAddress(context.manifest.contracts.FingerprintRegistry);
  if (isBytes32(target) && packagePath === undefined) {
    return { fingerprintRegistry, fingerprint: target.toLowerCase() as Hex };
  }
  if (/^0x[0-9a-fA-F]*$/.test(target) && packagePath === undefined && !existsSync(target + PACKAGE_SUFFIX)) {
    throw new UsageError(
      `${target} is not a fingerprint (0x and 64 hex digits), nor a document with a package: give the document's file or its full fingerprint.`,
    );
  }
  const path = typeof packagePath === "string" ? packagePath : target + PACKAGE_SUFFIX;
  const dataPackage = await readPackage(path);
  if (dataPackage.chainId !== context.chainId) {
    throw new UsageError(
      `The package ${path} is for chain ${dataPackage.chainId}, not chain ${context.chainId}.`,
    );
  }
  if (getAddress(dataPackage.registry) !== fingerprintRegistry) {
    throw new UsageError(
      `The package ${path} names the fingerprint registry ${dataPackage.registry}, but this deployment's is ${fingerprintRegistry}: the package belongs to another deployment (pass that deployment's manifest with --manifest).`,
    );
  }
  return {
    fingerprintRegistry,
    fingerprint: dataPackage.fingerprint,
    ...(dataPackage.anchor.kind === "batch"
      ? { batch: { root: dataPackage.anchor.root as Hex, proof: dataPackage.anchor.proof as Hex[] } }
      : {}),
  };
}

function parseReason(value: string | boolean | undefined): number {
  if (typeof value !== "string")
    throw new UsageError(`--reason is required: one of ${REASON_NAMES}, or a code 1-65535.`);
  if (Object.hasOwn(revocationReasons, value)) return revocationReasons[value as RevocationReasonName];
  const code = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(code) || code < 1 || code > 65_535) {
    throw new UsageError(`--reason ${value} is not a reason: use one of ${REASON_NAMES}, or a code 1-65535.`);
  }
  return code;
}
