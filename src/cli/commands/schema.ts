import { zeroHash, type Hex } from "viem";

import { expectBytes32 } from "../../sdk/hex.ts";
import {
  countSchemas,
  listSchemas,
  registerSchema,
  schemaIdOf,
  type Schema,
} from "../../sdk/schemas/schemas.ts";
import { connect, signer } from "../context.ts";
import { ExitCode, UsageError } from "../errors.ts";
import type { Command } from "../main.ts";
import { printable, printJson, printLine } from "../output.ts";
import { parseSchemaReference, requireSchema } from "./shared.ts";

export const schemaCommand: Command = {
  summary: "Show and list schemas (document kinds); register one where you hold the schema-admin role.",
  usage: `schema show <id|name@version>
       crossproof schema list [--offset <n>] [--limit <n>]
       crossproof schema register --name <n> --version <v> [--uri <u>] [--definition-hash <hex32>] [--revocable] [--reinstatable]

  On a Crossproof consortium the committee holds the schema-admin role: propose a schema with
  \`crossproof gov propose schema-register …\` and grant it to issuers with \`gov propose schema-grant\`.`,
  options: {
    name: { type: "string" },
    version: { type: "string" },
    uri: { type: "string" },
    "definition-hash": { type: "string" },
    revocable: { type: "boolean", default: false },
    reinstatable: { type: "boolean", default: false },
    offset: { type: "string" },
    limit: { type: "string" },
    // Accepted only to answer the former `schema accredit … --issuer` with where it went.
    issuer: { type: "string" },
  },
  async run(positionals, values, global) {
    const [action, ...rest] = positionals;
    if (action === "accredit") {
      throw new UsageError(
        "Accreditation is a committee decision: `crossproof gov propose schema-grant <issuer> <schema>`.",
      );
    }
    if (!action || !["register", "show", "list"].includes(action)) {
      throw new UsageError("Use: crossproof schema register|show|list (see --help).");
    }
    const context = await connect(global);
    const schemaRegistry = context.manifest.contracts.SchemaRegistry as Hex;

    if (action === "register") {
      if (typeof values.name !== "string" || typeof values.version !== "string") {
        throw new UsageError("schema register needs --name and --version.");
      }
      const definition = {
        name: values.name,
        version: values.version,
        definitionURI: (values.uri as string | undefined) ?? "",
        definitionHash:
          values["definition-hash"] === undefined
            ? zeroHash
            : expectBytes32(values["definition-hash"], "--definition-hash"),
        revocable: values.revocable === true,
        reinstatable: values.reinstatable === true,
      };
      if (!definition.definitionURI && definition.definitionHash === zeroHash) {
        throw new UsageError(
          "A schema needs --uri or --definition-hash (or both) pointing at its JSON schema.",
        );
      }
      const { schemaId, transactionHash } = await registerSchema(signer(global, context), {
        schemaRegistry,
        definition,
      }).catch((error: unknown) => {
        if ((error as { errorName?: string }).errorName === "AccessManagedUnauthorized") {
          throw new UsageError(
            "This account may not register schemas: the committee does. Propose it with `crossproof gov propose schema-register` (same options).",
          );
        }
        throw error;
      });
      const schema = await requireSchema(context.publicClient, schemaRegistry, schemaId);
      if (global.json) printJson({ ...schema, transactionHash });
      else
        printLine(
          `Registered ${definition.name}@${definition.version} as ${schemaId} (index ${schema.index}).`,
        );
      return ExitCode.ok;
    }

    if (action === "show") {
      const [reference] = rest;
      const schema = await requireSchema(
        context.publicClient,
        schemaRegistry,
        parseSchemaReference(reference, "The schema"),
      );
      if (global.json) printJson(schema);
      else printSchema(schema);
      return ExitCode.ok;
    }

    if (action === "list") {
      const offset = parseCount(values.offset, "--offset", 0);
      const limit = parseCount(values.limit, "--limit", 100, 1);
      const schemas = await listSchemas(context.publicClient, { schemaRegistry, offset, limit });
      if (global.json) printJson(schemas);
      else if (schemas.length === 0) {
        const total = offset === 0 ? 0 : await countSchemas(context.publicClient, { schemaRegistry });
        printLine(
          total === 0
            ? "No schemas registered."
            : `No schemas from --offset ${offset}: ${total} registered (offsets 0 to ${total - 1}).`,
        );
      } else {
        for (const schema of schemas)
          printLine(`${schema.index}\t${schema.id}\t${printable(`${schema.name}@${schema.version}`)}`);
        // A full page may not be all: say how many there are and how to see the rest (on stderr,
        // so that the listing stays one schema per line).
        const total =
          schemas.length === limit ? await countSchemas(context.publicClient, { schemaRegistry }) : 0;
        if (total > offset + limit) {
          process.stderr.write(
            `Schemas ${offset + 1}–${offset + limit} of ${total}: run again with --offset ${offset + limit} for the next ones.\n`,
          );
        }
      }
      return ExitCode.ok;
    }

    throw new UsageError("Use: crossproof schema register|show|list (see --help).");
  },
};

function printSchema(schema: Schema): void {
  printLine(`${schema.name}@${schema.version}`);
  printLine(`  id            ${schema.id} (index ${schema.index})`);
  printLine(`  definition    ${schema.definitionURI || "-"}  sha256 ${schema.definitionHash}`);
  printLine(
    `  revocable     ${schema.revocable ? "yes" : "no"}${schema.reinstatable ? ", reinstatable" : ""}`,
  );
  printLine(`  registered    ${schema.registeredAt.toISOString()} by ${schema.registrar}`);
  printLine(`  computed id   ${schemaIdOf(schema) === schema.id ? "matches name@version" : "MISMATCH"}`);
}

function parseCount(value: string | boolean | undefined, flag: string, fallback: number, least = 0): number {
  if (value === undefined) return fallback;
  const count = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !Number.isSafeInteger(count) || count < least) {
    throw new UsageError(
      `${flag} must be a whole number${least > 0 ? ` of at least ${least}` : ""}, not ${String(value)}.`,
    );
  }
  return count;
}
