/**
 * `did:ethr` identifiers on a Crossproof chain: `did:ethr:0x<chain id in lowercase hex>:0x<address>`.
 * Every address already has one (ERC-1056): creating a DID costs nothing and needs no transaction.
 */
import { getAddress, isAddress, type Address } from "viem";

import { InvalidInputError } from "../errors.ts";

/** A parsed `did:ethr` DID. */
export type EthrDid = {
  /** The canonical form: lowercase chain id and address, as {@link didOf} writes it. */
  did: string;
  chainId: number;
  /** The identity's address, checksummed. */
  address: Address;
  /** The network part of the DID, e.g. `0x7a69` (what ethr-did-resolver looks networks up by). */
  network: `0x${string}`;
};

const EXAMPLE = "did:ethr:0x7a69:0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

/** The DID network part for a chain id: `0x` and the id in lowercase hex without leading zeros. */
export function didNetworkOf(chainId: number): `0x${string}` {
  if (!Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new InvalidInputError(`The chain id must be a positive whole number, got ${String(chainId)}.`);
  }
  return `0x${chainId.toString(16)}`;
}

/**
 * The DID of `address` on chain `chainId`, in canonical (lowercase) form.
 *
 * @example
 * didOf({ chainId: 31337, address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" });
 * // "did:ethr:0x7a69:0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
 */
export function didOf({ chainId, address }: { chainId: number; address: string }): string {
  if (!isAddress(address, { strict: false })) {
    throw new InvalidInputError(`${quote(address)} is not an address (0x and 40 hex digits).`);
  }
  return `did:ethr:${didNetworkOf(chainId)}:${address.toLowerCase()}`;
}

/**
 * Parses a `did:ethr` DID that names its chain by id. Throws {@link InvalidInputError} with a message
 * that says what is wrong (not a DID, another method, no or a named network, a public-key DID, a bad
 * address or checksum, a DID URL).
 *
 * @example
 * const { chainId, address } = parseDid("did:ethr:0x7a69:0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
 */
export function parseDid(value: string): EthrDid {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidInputError(`A DID is required, e.g. ${EXAMPLE}.`);
  }
  const did = value.trim();
  if (!did.startsWith("did:")) {
    throw new InvalidInputError(`${quote(did)} is not a DID: a DID starts with "did:", e.g. ${EXAMPLE}.`);
  }
  if (/[?#/]/.test(did)) {
    throw new InvalidInputError(
      `${quote(did)} is a DID URL (it has a path, ?query or #fragment); give the DID alone, e.g. ${EXAMPLE}.`,
    );
  }
  const parts = did.split(":");
  const method = parts[1] ?? "";
  if (method !== "ethr") {
    throw new InvalidInputError(
      `${quote(did)} uses the "${method}" DID method; Crossproof DIDs are did:ethr, e.g. ${EXAMPLE}.`,
    );
  }
  if (parts.length === 3) {
    throw new InvalidInputError(
      `${quote(did)} names no chain (that means Ethereum mainnet); a Crossproof DID carries its chain id: did:ethr:0x<chain id in hex>:0x<address>.`,
    );
  }
  if (parts.length !== 4) {
    throw new InvalidInputError(
      `${quote(did)} is not did:ethr:0x<chain id in hex>:0x<address>, e.g. ${EXAMPLE}.`,
    );
  }
  const [, , network, identifier] = parts as [string, string, string, string];
  if (!/^0x[0-9a-fA-F]+$/.test(network)) {
    throw new InvalidInputError(
      `${quote(did)} names network "${network}"; Crossproof DIDs name the chain by its id in hex, e.g. ${EXAMPLE}.`,
    );
  }
  const chainId = Number.parseInt(network.slice(2), 16);
  if (!Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new InvalidInputError(`${quote(did)} names chain id ${network}, which is not a usable chain id.`);
  }
  const canonicalNetwork = didNetworkOf(chainId);
  if (network !== canonicalNetwork) {
    throw new InvalidInputError(
      `${quote(did)}: write the chain id as ${canonicalNetwork} (lowercase hex, no leading zeros); resolvers match it exactly.`,
    );
  }
  if (/^0x[0-9a-fA-F]{66}$/.test(identifier) || /^0x[0-9a-fA-F]{130}$/.test(identifier)) {
    throw new InvalidInputError(
      `${quote(did)} is a public-key DID; Crossproof works with address DIDs: did:ethr:${network}:0x<address>.`,
    );
  }
  if (!/^0x[0-9a-fA-F]{40}$/.test(identifier)) {
    throw new InvalidInputError(
      `${quote(did)}: the identifier ${quote(identifier)} is not an address (0x and 40 hex digits).`,
    );
  }
  if (!isAddress(identifier, { strict: true })) {
    throw new InvalidInputError(
      `${quote(did)}: the address ${identifier} has mixed case but a wrong checksum; write it in lowercase or with the correct checksum.`,
    );
  }
  return {
    did: `did:ethr:${canonicalNetwork}:${identifier.toLowerCase()}`,
    chainId,
    address: getAddress(identifier),
    network: canonicalNetwork,
  };
}

/** Whether `value` is a `did:ethr` DID that {@link parseDid} accepts. */
export function isDid(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    parseDid(value);
    return true;
  } catch {
    return false;
  }
}

function quote(value: string): string {
  return value.length > 100 ? `"${value.slice(0, 97)}..."` : `"${value}"`;
}
