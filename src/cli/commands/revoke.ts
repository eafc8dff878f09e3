import type { Hex } from "viem";

import { revokeFingerprint } from "../../sdk/fingerprints/actions.ts";
import { revocationReasons, type RevocationReasonName } from "../../sdk/fingerprints/reasons.ts";
import { expectBytes32, isBytes32 } from "../../sdk/hex.ts";
import { connect, signer } from "../context.ts";
import { ExitCode, UsageError } from "../errors.ts";
import { PACKAGE_SUFFIX, readPackage } from "../files.ts";
import type { Command } from "../main.ts";
import { printJson, printLine } from "../output.ts";

const REASON_NAMES = Object.keys(revocationReasons).join(", ");

export const revokeCommand: Command = {
  summary: "Revoke an anchored document (by file + package, or by fingerprint). Only its issuer may.",
  usage: `revoke <file|fingerprint> --reason <${REASON_NAMES}|code> [--superseded-by <fingerprint>] [--package <p>]`,
  options: {
    reason: { type: "string" },
    "superseded-by": { type: "string" },
    package: { type: "string" },
  },
  async run(positionals, values, global) {
    const [target, ...extra] = positionals;
    if (!target || extra.length > 0) throw new UsageError("Give one document or fingerprint to revoke.");
    const reason = parseReason(values.reason);
    const supersededBy =
      values["superseded-by"] === undefined
        ? undefined
        : expectBytes32(values["superseded-by"], "--superseded-by");

    const context = await connect(global);
    const wallet = signer(global, context);
    let fingerprint: Hex;
    let batch: { root: Hex; proof: Hex[] } | undefined;
    let fingerprintRegistry = context.manifest.contracts.FingerprintRegistry as Hex;
    if (isBytes32(target) && values.package === undefined) {
      fingerprint = target.toLowerCase() as Hex;
    } else {
      const dataPackage = await readPackage(
        (values.package as string | undefined) ?? target + PACKAGE_SUFFIX,
      );
      if (dataPackage.chainId !== context.chainId) {
        throw new UsageError(
          `The package is for chain ${dataPackage.chainId}, not chain ${context.chainId}.`,
        );
      }
      fingerprint = dataPackage.fingerprint;
      fingerprintRegistry = dataPackage.registry;
      if (dataPackage.anchor.kind === "batch") {
        batch = { root: dataPackage.anchor.root as Hex, proof: dataPackage.anchor.proof as Hex[] };
      }
    }
    const { transactionHash } = await revokeFingerprint(wallet, {
      fingerprintRegistry,
      fingerprint,
      reason,
      supersededBy,
      batch,
    });
    if (global.json) printJson({ fingerprint, reason, batchRoot: batch?.root ?? null, transactionHash });
    else printLine(`Revoked ${fingerprint} (reason ${reason}) in ${transactionHash}.`);
    return ExitCode.ok;
  },
};

function parseReason(value: string | boolean | undefined): number {
  if (typeof value !== "string")
    throw new UsageError(`--reason is required: one of ${REASON_NAMES}, or a code 1-65535.`);
  if (value in revocationReasons) return revocationReasons[value as RevocationReasonName];
  const code = Number(value);
  if (!Number.isInteger(code) || code < 1 || code > 65_535) {
    throw new UsageError(`--reason ${value} is not a reason: use one of ${REASON_NAMES}, or a code 1-65535.`);
  }
  return code;
}
