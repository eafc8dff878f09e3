/** Input parsing shared by the Identity page's panels: DIDs or addresses, validity in days. */
import { getAddress, isAddress, type Address } from "viem";

import { InvalidInputError } from "../../../../src/sdk/errors.ts";
import { didNetworkOf, didOf, parseDid } from "../../../../src/sdk/identity/did.ts";

/** A DID of this chain, from a did:ethr DID or a bare address; throws a sentence naming the problem. */
export function didOfInput(
  value: string,
  chainId: number,
  what = "the DID",
): { did: string; address: Address } {
  const text = value.trim();
  const example = `did:ethr:${didNetworkOf(chainId)}:0x…`;
  if (text === "") throw new InvalidInputError(`Enter ${what}: a DID (${example}) or an account address.`);
  if (/^0x/i.test(text)) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(text))
      throw new InvalidInputError(
        `"${clip(text)}" is not an address: an address is 0x and 40 hexadecimal digits.`,
      );
    if (!isAddress(text, { strict: true }))
      throw new InvalidInputError(
        `The address ${text} has mixed case but a wrong checksum; write it in lowercase or with the correct checksum.`,
      );
    const address = getAddress(text);
    return { did: didOf({ chainId, address }), address };
  }
  if (!text.startsWith("did:"))
    throw new InvalidInputError(
      `"${clip(text)}" is neither a DID (${example}) nor an address (0x and 40 hexadecimal digits).`,
    );
  const parsed = parseDid(text);
  if (parsed.chainId !== chainId)
    throw new InvalidInputError(
      `${parsed.did} is a DID of chain ${parsed.chainId} (${parsed.network}); this app works with chain ${chainId}, whose DIDs start did:ethr:${didNetworkOf(chainId)}:.`,
    );
  return { did: parsed.did, address: parsed.address };
}

/** Longest validity the form accepts: 100 years. */
const MAX_DAYS = 36_500;

/** A validity in whole days as seconds, for the DID registry's `validity` arguments. */
export function validityOfInput(value: string): bigint {
  const text = value.trim();
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_DAYS)
    throw new InvalidInputError(`The validity must be a whole number of days from 1 to ${MAX_DAYS}.`);
  return BigInt(text) * 86_400n;
}

/** "1 day", "365 days". */
export function days(value: string): string {
  const count = Number(value.trim());
  return `${count} day${count === 1 ? "" : "s"}`;
}

export function sameAddress(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
