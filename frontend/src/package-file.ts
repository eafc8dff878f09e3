/** Data package files in the browser: their name, their text, and reading one a person chose. */
import { InvalidInputError } from "../../src/sdk/errors.ts";
import { parseDataPackage, type DataPackage } from "../../src/sdk/fingerprints/package.ts";

/** The package that travels beside a document, named as the CLI names it. */
export const PACKAGE_SUFFIX = ".proof.json";

/** A package as the file the CLI writes (pretty JSON, final newline). */
export function packageText(dataPackage: DataPackage): string {
  return `${JSON.stringify(dataPackage, null, 2)}\n`;
}

/** Reads and validates a chosen package file; the message names the file and what is wrong. */
export async function readDataPackageFile(file: File): Promise<DataPackage> {
  let json: unknown;
  try {
    json = JSON.parse(await file.text());
  } catch {
    throw new InvalidInputError(`${file.name} is not a JSON file; choose the document's .proof.json.`);
  }
  return parseDataPackage(json, file.name);
}
