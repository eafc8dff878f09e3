/** Reading documents and packages, writing packages atomically. Node-only. */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

import { InvalidInputError } from "../sdk/errors.ts";
import { parseDataPackage, type DataPackage } from "../sdk/fingerprints/package.ts";
import type { Hex } from "../sdk/hex.ts";

export const PACKAGE_SUFFIX = ".proof.json";

/** Why a file could not be read, in words (the system's code when it is not one of these). */
const READ_FAILURES: Record<string, string> = {
  ENOENT: "no such file",
  ENOTDIR: "no such file",
  EISDIR: "it is a folder; give a file",
  EACCES: "permission denied",
  EPERM: "permission denied",
};

function whyUnreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code === undefined ? undefined : READ_FAILURES[code]) ?? code ?? "read error";
}

/** Fails at once, before anything is read, unless `path` is a file (not a folder) that exists. */
export async function requireFile(path: string): Promise<void> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch (error) {
    throw new InvalidInputError(`Cannot read ${path}: ${whyUnreadable(error)}.`, { cause: error });
  }
  if (isFolder) throw new InvalidInputError(`Cannot read ${path}: ${READ_FAILURES.EISDIR!}.`);
}

/** SHA-256 of a file, streamed (files of any size). */
export async function hashFile(path: string): Promise<Hex> {
  const hasher = createHash("sha256");
  try {
    for await (const chunk of createReadStream(path)) hasher.update(chunk as Buffer);
  } catch (error) {
    throw new InvalidInputError(`Cannot read ${path}: ${whyUnreadable(error)}.`, { cause: error });
  }
  return `0x${hasher.digest("hex")}`;
}

/** Reads and validates a data package file. */
export async function readPackage(path: string): Promise<DataPackage> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new InvalidInputError(
      `Cannot read data package ${path}: ${whyUnreadable(error)}. Pass --package <file> if it lives elsewhere.`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${path} is not JSON: ${(error as Error).message}.`, { cause: error });
  }
  return parseDataPackage(json, path);
}

/** The temporary sibling `writeFileAtomic` leaves if it dies before its rename. */
const PACKAGE_LEFTOVER = /\.proof\.json\.\d+\.tmp$/;

/** Writes a file via a temporary sibling and a rename, so no reader ever sees half a file. */
export async function writeFileAtomic(path: string, content: string, mode?: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, mode === undefined ? undefined : { mode });
  await rename(temporary, path);
}

/**
 * Writes `document`'s data package beside it, readable by whoever may read the document and no one
 * else (the package holds the salt that keeps the fingerprint from being guessed; docs/privacy.md).
 */
export async function writePackageFile(document: string, dataPackage: DataPackage): Promise<string> {
  const path = document + PACKAGE_SUFFIX;
  // A document moved away since it was hashed (a --resume): its owner's eyes only.
  const mode = await stat(document).then(
    (info) => info.mode & 0o666,
    () => 0o600,
  );
  await writeFileAtomic(path, `${JSON.stringify(dataPackage, null, 2)}\n`, mode);
  return path;
}

/**
 * The documents named on the command line: files as given, directories walked recursively
 * (skipping dot-files and existing packages), plus the lines of a --list file.
 */
export async function expandInputs(paths: readonly string[], listFile?: string): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new InvalidInputError(`${path} does not exist.`);
    }
    if (info.isDirectory()) await walk(resolve(path), out);
    else out.push(resolve(path));
  }
  if (listFile) {
    let text: string;
    try {
      text = await readFile(listFile, "utf8");
    } catch {
      throw new InvalidInputError(`Cannot read the list file ${listFile}.`);
    }
    const base = dirname(resolve(listFile));
    for (const line of text.split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed && !trimmed.startsWith("#")) out.push(resolve(base, trimmed));
    }
  }
  const unique = [...new Set(out)];
  if (unique.length === 0)
    throw new InvalidInputError("No documents given: name files, a directory or --list <file>.");
  return unique;
}

async function walk(directory: string, out: string[]): Promise<void> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    // Hidden files, packages, and the temporary files of a package write that was interrupted.
    if (
      entry.name.startsWith(".") ||
      entry.name.endsWith(PACKAGE_SUFFIX) ||
      PACKAGE_LEFTOVER.test(entry.name)
    )
      continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) await walk(path, out);
    else if (entry.isFile()) out.push(path);
  }
}
