/**
 * Data packages (the DDTP idea): the owner carries the document and, beside it, a small JSON file
 * that says where and how it was anchored. A receiver recomputes the fingerprint from the document
 * bytes and the package's salt, then makes one chain read. The package holds no document content.
 */
import { z } from "zod";

import { InvalidInputError } from "../errors.ts";
import type { Hex } from "../hex.ts";

const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of 0x-prefixed hex");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address");

const singleAnchor = z.object({
  kind: z.literal("single"),
  transactionHash: bytes32,
  blockNumber: z.number().int().nonnegative(),
});

const batchAnchor = z.object({
  kind: z.literal("batch"),
  root: bytes32,
  leafIndex: z.number().int().nonnegative(),
  leafCount: z.number().int().positive(),
  proof: z.array(bytes32).max(64),
  transactionHash: bytes32,
  blockNumber: z.number().int().nonnegative(),
});

export const dataPackageSchema = z.object({
  type: z.literal("crossproof.data-package"),
  version: z.literal(1),
  chainId: z.number().int().positive(),
  registry: address,
  schemaId: bytes32,
  issuer: address,
  salt: bytes32,
  fingerprint: bytes32,
  expiresAt: z.number().int().nonnegative(),
  anchor: z.discriminatedUnion("kind", [singleAnchor, batchAnchor]),
  createdAt: z.string(),
});

export type DataPackage = z.infer<typeof dataPackageSchema> & {
  registry: Hex;
  schemaId: Hex;
  issuer: Hex;
  salt: Hex;
  fingerprint: Hex;
};

/** Current package format version. */
export const DATA_PACKAGE_VERSION = 1;

export type CreateDataPackageParameters = Omit<DataPackage, "type" | "version" | "createdAt"> & {
  createdAt?: Date;
};

/** Builds a package (validated, so a bug cannot write a package nobody can verify). */
export function createDataPackage(parameters: CreateDataPackageParameters): DataPackage {
  const { createdAt = new Date(), ...rest } = parameters;
  return parseDataPackage(
    {
      type: "crossproof.data-package",
      version: DATA_PACKAGE_VERSION,
      ...rest,
      createdAt: createdAt.toISOString(),
    },
    "the new data package",
  );
}

/**
 * Validates a package read from JSON. `source` names it in errors, which say which field is wrong.
 *
 * @example
 * const pkg = parseDataPackage(JSON.parse(text), "report.pdf.proof.json");
 */
export function parseDataPackage(value: unknown, source: string): DataPackage {
  if (
    typeof value === "object" &&
    value !== null &&
    "version" in value &&
    value.version !== DATA_PACKAGE_VERSION
  ) {
    throw new InvalidInputError(
      `${source}: data package version ${String(value.version)} is not supported (this tool reads version ${DATA_PACKAGE_VERSION}).`,
    );
  }
  const result = dataPackageSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length > 0 ? `field "${issue.path.join(".")}"` : "the file";
    throw new InvalidInputError(`${source} is not a valid data package: ${where} ${issue.message}.`);
  }
  const data = result.data;
  return {
    ...data,
    registry: data.registry as Hex,
    schemaId: data.schemaId.toLowerCase() as Hex,
    issuer: data.issuer as Hex,
    salt: data.salt.toLowerCase() as Hex,
    fingerprint: data.fingerprint.toLowerCase() as Hex,
  };
}
