/** Schemas (document kinds): id derivation and the SchemaRegistry actions. */
import { encodeAbiParameters, keccak256, type Client, type Hex } from "viem";
import { readContract } from "viem/actions";

import { schemaRegistryAbi } from "../abis.ts";
import {
  transact,
  toCrossproofError,
  type SigningClient,
  type TransactReturnType,
} from "../actions/transact.ts";

/**
 * The schema id: keccak256(abi.encode(name, version)), mirroring contracts/libraries/SchemaIds.sol.
 *
 * @example
 * schemaIdOf({ name: "health.test-report", version: "1.0" });
 */
export function schemaIdOf({ name, version }: { name: string; version: string }): Hex {
  return keccak256(encodeAbiParameters([{ type: "string" }, { type: "string" }], [name, version]));
}

export type SchemaDefinition = {
  name: string;
  version: string;
  definitionURI: string;
  definitionHash: Hex;
  revocable: boolean;
  reinstatable: boolean;
};

export type Schema = SchemaDefinition & {
  id: Hex;
  index: number;
  registeredAt: Date;
  registrar: Hex;
};

export type RegisterSchemaParameters = { schemaRegistry: Hex; definition: SchemaDefinition };
export type RegisterSchemaReturnType = TransactReturnType & { schemaId: Hex };

/** Registers a schema (the caller needs the schema-admin role). */
export async function registerSchema(
  client: SigningClient,
  { schemaRegistry, definition }: RegisterSchemaParameters,
): Promise<RegisterSchemaReturnType> {
  const result = await transact(client, {
    address: schemaRegistry,
    abi: schemaRegistryAbi,
    functionName: "register",
    args: [definition],
  });
  return { ...result, schemaId: schemaIdOf(definition) };
}

/** Reads one schema; throws a ContractRevertError `SchemaNotFound` when unknown. */
export async function getSchema(
  client: Client,
  { schemaRegistry, schemaId }: { schemaRegistry: Hex; schemaId: Hex },
): Promise<Schema> {
  try {
    const schema = await readContract(client, {
      address: schemaRegistry,
      abi: schemaRegistryAbi,
      functionName: "schema",
      args: [schemaId],
    });
    return {
      id: schemaId,
      name: schema.name,
      version: schema.version,
      definitionURI: schema.definitionURI,
      definitionHash: schema.definitionHash,
      revocable: schema.revocable,
      reinstatable: schema.reinstatable,
      index: schema.index,
      registeredAt: new Date(Number(schema.registeredAt) * 1000),
      registrar: schema.registrar,
    };
  } catch (error) {
    throw toCrossproofError(error, "schema lookup");
  }
}

/** How many schemas are registered. */
export async function countSchemas(
  client: Client,
  { schemaRegistry }: { schemaRegistry: Hex },
): Promise<number> {
  try {
    return await readContract(client, {
      address: schemaRegistry,
      abi: schemaRegistryAbi,
      functionName: "schemaCount",
    });
  } catch (error) {
    throw toCrossproofError(error, "schema count");
  }
}

/** Lists schemas in registration order, `limit` at a time from `offset`. */
export async function listSchemas(
  client: Client,
  { schemaRegistry, offset = 0, limit = 100 }: { schemaRegistry: Hex; offset?: number; limit?: number },
): Promise<Schema[]> {
  try {
    const ids = await readContract(client, {
      address: schemaRegistry,
      abi: schemaRegistryAbi,
      functionName: "schemaIds",
      args: [BigInt(offset), BigInt(limit)],
    });
    return await Promise.all(ids.map((schemaId) => getSchema(client, { schemaRegistry, schemaId })));
  } catch (error) {
    throw toCrossproofError(error, "schema listing");
  }
}

/**
 * Every registered schema, in registration order, read `pageSize` ids at a time: for pickers and
 * name lookups, which must not silently stop at the first page.
 */
export async function listAllSchemas(
  client: Client,
  { schemaRegistry, pageSize = 100 }: { schemaRegistry: Hex; pageSize?: number },
): Promise<Schema[]> {
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw new RangeError(`pageSize must be a positive whole number, not ${pageSize}`);
  }
  const schemas: Schema[] = [];
  for (;;) {
    const page = await listSchemas(client, { schemaRegistry, offset: schemas.length, limit: pageSize });
    schemas.push(...page);
    if (page.length < pageSize) return schemas;
  }
}
