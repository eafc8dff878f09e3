/** Argument parsing shared by several commands. */
import { getAddress, isAddress, type Address, type Client, type Hex } from "viem";

import { RegistryPausedError } from "../../sdk/errors.ts";
import { isRegistryPaused } from "../../sdk/fingerprints/actions.ts";
import { getSchema, schemaIdOf, type Schema } from "../../sdk/schemas/schemas.ts";
import { isBytes32 } from "../../sdk/hex.ts";
import { isoSeconds } from "../../sdk/time.ts";
import { UsageError } from "../errors.ts";

/** `--schema` (or the argument `what` names) as a 32-byte id or `name@version`. */
export function parseSchemaReference(value: string | boolean | undefined, what = "--schema"): Hex {
  if (typeof value !== "string" || value === "") {
    throw new UsageError(
      `${what} is required: a schema id (0x…) or name@version; see \`crossproof schema list\`.`,
    );
  }
  if (isBytes32(value)) return value.toLowerCase() as Hex;
  const at = value.lastIndexOf("@");
  if (at <= 0 || at === value.length - 1) {
    throw new UsageError(
      `${what} ${value} is neither a 32-byte id nor name@version (e.g. health.test-report@1.0).`,
    );
  }
  return schemaIdOf({ name: value.slice(0, at), version: value.slice(at + 1) });
}

/** Reads a schema, turning "not found" into an actionable message. */
export async function requireSchema(
  client: Client,
  schemaRegistry: Hex,
  schemaId: Hex,
  /** What the user typed, when it was a name@version. */
  given?: string,
): Promise<Schema> {
  try {
    return await getSchema(client, { schemaRegistry, schemaId });
  } catch (error) {
    if ((error as { errorName?: string }).errorName === "SchemaNotFound") {
      const named =
        given !== undefined && given.toLowerCase() !== schemaId ? `${given} (${schemaId})` : schemaId;
      throw new UsageError(
        `Schema ${named} is not registered on this chain; see \`crossproof schema list\`.`,
      );
    }
    throw error;
  }
}

/**
 * Refuses to change the records of a registry the committee has paused (the contract would revert
 * with `EnforcedPause`): a `RegistryPausedError` saying nothing was sent and when to run the command
 * again. `anchor` calls it before hashing anything, and again, with `journal`, right before its
 * first transaction (a pause may come while a large anchor hashes; a `--resume` whose transactions
 * all landed sends none and is not refused): it then says the journal is kept and how to continue.
 */
export async function requireRegistryRunning(
  client: Client,
  fingerprintRegistry: Hex,
  { journal }: { journal?: string } = {},
): Promise<void> {
  if (!(await isRegistryPaused(client, { fingerprintRegistry }))) return;
  throw new RegistryPausedError(
    journal === undefined
      ? "Nothing was sent: run the command again once the committee unpauses the registry (see `crossproof gov status`)."
      : `Nothing was sent, and the journal ${journal} is kept: once the committee unpauses the registry (see \`crossproof gov status\`), continue this anchoring with \`crossproof anchor --resume ${journal}\`.`,
  );
}

/** `--expires` as an ISO date/time; returns Unix seconds (0 when absent). */
export function parseExpiry(value: string | boolean | undefined, now = Date.now()): number {
  if (value === undefined || value === false) return 0;
  if (typeof value !== "string")
    throw new UsageError("--expires needs a date, e.g. 2027-06-30 or 2027-06-30T12:00:00Z.");
  const seconds = isoSeconds(value);
  if (seconds === undefined) {
    throw new UsageError(
      `--expires ${value} is not a date; use ISO 8601, e.g. 2027-06-30 or 2027-06-30T12:00:00Z (UTC unless it gives an offset).`,
    );
  }
  if (seconds * 1000 <= now) throw new UsageError(`--expires ${value} is not in the future.`);
  // The registry keeps times in 32 bits (InvalidExpiry beyond).
  if (seconds > 2 ** 32 - 1) {
    throw new UsageError(
      `--expires ${value} is after 2106-02-07T06:28:15Z, the latest expiry the registry records.`,
    );
  }
  return seconds;
}

/** An address flag or argument: 0x and 40 hex digits, with a correct checksum when mixed-case. */
export function expectAddress(value: string | boolean | undefined, what: string): Address {
  if (typeof value !== "string" || !isAddress(value, { strict: false })) {
    throw new UsageError(
      value === undefined || typeof value === "boolean"
        ? `This needs ${what} <address>.`
        : `${what} ${value} is not an address (0x and 40 hex digits).`,
    );
  }
  const body = value.slice(2);
  const mixedCase = body !== body.toLowerCase() && body !== body.toUpperCase();
  if (mixedCase && getAddress(value) !== value) {
    throw new UsageError(
      `${what} ${value} has a wrong checksum; write it in lowercase or with the right checksum.`,
    );
  }
  return getAddress(value);
}
