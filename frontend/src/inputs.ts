/** Input checks shared by the pages' forms; each mistake is one sentence naming the field. */
import { getAddress, isAddress, type Address } from "viem";

import { InvalidInputError } from "../../src/sdk/errors.ts";

/**
 * An account address, checksummed. Mixed case must carry a valid checksum: a mistyped character in
 * a checksummed address is caught instead of sending to someone else.
 */
export function parseAddress(value: string, what: string): Address {
  const text = value.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(text))
    throw new InvalidInputError(
      `${what} "${text}" is not an address (0x followed by 40 hexadecimal digits).`,
    );
  if (!isAddress(text, { strict: true }))
    throw new InvalidInputError(
      `${what} ${text} has mixed case but a wrong checksum; check it, or write it in lowercase.`,
    );
  return getAddress(text);
}
