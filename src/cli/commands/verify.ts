import { performance } from "node:perf_hooks";

import { zeroAddress, type Hex } from "viem";

import { revocationReasonName } from "../../sdk/fingerprints/reasons.ts";
import { verifyDataPackage } from "../../sdk/fingerprints/verify-package.ts";
import { connect } from "../context.ts";
import { ExitCode, UsageError } from "../errors.ts";
import { hashFile, PACKAGE_SUFFIX, readPackage, requireFile } from "../files.ts";
import type { Command } from "../main.ts";
import { formatTime, printJson, printLine } from "../output.ts";

export const verifyCommand: Command = {
  summary:
    "Verify a document against its data package and the chain. Exit 0 valid, 1 not valid, 2 bad input, 3 chain unreachable.",
  usage: "verify <file> [--package <file.proof.json>]",
  options: { package: { type: "string" } },
  async run(positionals, values, global) {
    const [file, ...extra] = positionals;
    if (!file || extra.length > 0)
      throw new UsageError("Give exactly one document: crossproof verify <file>.");
    const packagePath = (values.package as string | undefined) ?? file + PACKAGE_SUFFIX;
    // The document's problem is the one to name first: a missing one before anything is read, an
    // unreadable one before a missing package.
    await requireFile(file);
    const [hashed, read] = await Promise.allSettled([hashFile(file), readPackage(packagePath)]);
    if (hashed.status === "rejected") throw hashed.reason;
    if (read.status === "rejected") throw read.reason;
    const [documentHash, dataPackage] = [hashed.value, read.value];
    const context = await connect(global);
    const started = performance.now();
    const report = await verifyDataPackage(context.publicClient, {
      documentHash,
      dataPackage,
      trustedRegistry: context.manifest.contracts.FingerprintRegistry as Hex,
    });
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    if (global.json) {
      printJson({ file, package: packagePath, ...report, latencyMs });
    } else {
      printLine(`${report.status.toUpperCase()}  ${file}`);
      printLine(`  ${report.detail}`);
      // Not-anchored and bad-proof results carry no record; a mismatch shows the record the
      // package points at, which is not the document's.
      if (report.issuer !== zeroAddress) {
        if (report.status === "mismatch") printLine("  the package's record on chain (not this document's):");
        printLine(`  issuer       ${report.issuer}`);
        printLine(`  schema       ${report.schemaId}`);
        printLine(`  anchored at  ${formatTime(report.anchoredAt)}`);
        printLine(`  expires      ${formatTime(report.expiresAt)}`);
        if (report.revokedAt !== 0) {
          printLine(
            `  revoked at   ${formatTime(report.revokedAt)} (${revocationReasonName(report.revocationReason)})`,
          );
        }
      }
      printLine(`  checked in ${latencyMs} ms`);
    }
    return report.status === "valid" ? ExitCode.ok : ExitCode.failed;
  },
};
