/**
 * The anchor journal: before any transaction is sent, `anchor` writes every document's salt and
 * fingerprint to `.crossproof/anchor-<time>.ndjson`. Salts exist nowhere else until the data
 * packages are written, so if the process dies after anchoring, `crossproof anchor --resume
 * <journal>` finds the anchoring transactions on chain and writes the packages. The journal is
 * removed once every package is written. It holds salts: keep it as private as the packages.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { once } from "node:events";

import { InvalidInputError } from "../sdk/errors.ts";
import type { Hex } from "../sdk/hex.ts";

export type JournalHeader = {
  type: "crossproof.anchor-journal";
  version: 1;
  chainId: number;
  registry: Hex;
  issuer: Hex;
  schemaId: Hex;
  expiresAt: number;
  batch: boolean;
  uri?: string;
  createdAt: string;
};

export type JournalItem = { file: string; salt: Hex; fingerprint: Hex };

export function journalPathFor(now = new Date()): string {
  return join(process.cwd(), ".crossproof", `anchor-${now.toISOString().replace(/[:.]/g, "-")}.ndjson`);
}

/** Writes the journal (header line, then one line per document) atomically. */
export async function writeJournal(
  path: string,
  header: JournalHeader,
  items: readonly JournalItem[],
): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.tmp`;
  const out = createWriteStream(temporary, { mode: 0o600 });
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, "drain");
  };
  await write(JSON.stringify(header));
  for (const item of items) await write(JSON.stringify(item));
  out.end();
  await once(out, "finish");
  await rename(temporary, path);
}

/** Reads a journal back; errors name the line that is wrong. */
export async function readJournal(path: string): Promise<{ header: JournalHeader; items: JournalItem[] }> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let header: JournalHeader | undefined;
  const items: JournalItem[] = [];
  let number = 0;
  try {
    for await (const line of lines) {
      number++;
      if (!line.trim()) continue;
      const value = JSON.parse(line) as Record<string, unknown>;
      if (!header) {
        if (value.type !== "crossproof.anchor-journal" || value.version !== 1) {
          throw new InvalidInputError(`${path} is not a Crossproof anchor journal (line 1).`);
        }
        header = value as unknown as JournalHeader;
      } else if (typeof value.file === "string" && isHex32(value.salt) && isHex32(value.fingerprint)) {
        items.push({ file: value.file, salt: value.salt, fingerprint: value.fingerprint });
      } else {
        throw new InvalidInputError(`${path} line ${number} is not a journal entry.`);
      }
    }
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      code ? `Cannot read journal ${path}: ${code}.` : `${path} line ${number} is not JSON.`,
      { cause: error },
    );
  }
  if (!header || items.length === 0) throw new InvalidInputError(`${path} holds no journal entries.`);
  return { header, items };
}

function isHex32(value: unknown): value is Hex {
  return typeof value === "string" && /^0x[0-9a-f]{64}$/.test(value);
}
