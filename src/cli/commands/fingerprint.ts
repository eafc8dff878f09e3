import { computeFingerprint, randomSalt } from "../../sdk/fingerprints/spec.ts";
import { expectBytes32 } from "../../sdk/hex.ts";
import { ExitCode, UsageError } from "../errors.ts";
import { hashFile } from "../files.ts";
import type { Command } from "../main.ts";
import { printJson, printLine } from "../output.ts";

export const fingerprintCommand: Command = {
  summary: "Compute a document's SHA-256 and salted fingerprint (nothing is sent anywhere).",
  usage: "fingerprint <file> [--salt <hex32>]",
  options: { salt: { type: "string" } },
  async run(positionals, values, global) {
    const [file, ...extra] = positionals;
    if (!file || extra.length > 0)
      throw new UsageError("Give exactly one file: crossproof fingerprint <file>.");
    const salt = values.salt === undefined ? randomSalt() : expectBytes32(values.salt, "--salt");
    const documentHash = await hashFile(file);
    const fingerprint = computeFingerprint({ documentHash, salt });
    if (global.json) printJson({ file, documentHash, salt, fingerprint });
    else {
      printLine(`document  ${file}`);
      printLine(`sha256    ${documentHash}`);
      printLine(
        `salt      ${salt}${values.salt === undefined ? "  (random; keep it with the document)" : ""}`,
      );
      printLine(`fingerprint ${fingerprint}`);
    }
    return ExitCode.ok;
  },
};
