/**
 * Gasless DID changes: the owner signs an EIP-712 request (domain "Crossproof DIDRegistry" v1 with
 * the chain id and registry address, a per-identity nonce and a deadline), and anyone (a relayer)
 * submits it with the registry's `…Signed` functions. {@link SignedDidRequest} is the JSON a signer
 * hands to a relayer: sign on one machine, submit on another.
 */
import {
  getAddress,
  recoverTypedDataAddress,
  type Account,
  type Address,
  type Client,
  type Hex,
  type TypedDataDefinition,
} from "viem";
import { getChainId, readContract, signTypedData } from "viem/actions";
import { z } from "zod";

import { didRegistryAbi } from "../abis.ts";
import { toCrossproofError } from "../actions/transact.ts";
import { InvalidInputError } from "../errors.ts";
import { readRegistry } from "./read.ts";

/** The registry's EIP-712 domain name and version (contracts/identity/DIDRegistry.sol). */
export const DID_REGISTRY_EIP712_NAME = "Crossproof DIDRegistry";
export const DID_REGISTRY_EIP712_VERSION = "1";

/** The EIP-712 types of the five signed writes, exactly as the registry hashes them. */
export const didRegistryTypes = {
  ChangeOwner: [
    { name: "identity", type: "address" },
    { name: "newOwner", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  AddDelegate: [
    { name: "identity", type: "address" },
    { name: "delegateType", type: "bytes32" },
    { name: "delegate", type: "address" },
    { name: "validity", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  RevokeDelegate: [
    { name: "identity", type: "address" },
    { name: "delegateType", type: "bytes32" },
    { name: "delegate", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  SetAttribute: [
    { name: "identity", type: "address" },
    { name: "name", type: "bytes32" },
    { name: "value", type: "bytes" },
    { name: "validity", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  RevokeAttribute: [
    { name: "identity", type: "address" },
    { name: "name", type: "bytes32" },
    { name: "value", type: "bytes" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export type DidRequestPrimaryType = keyof typeof didRegistryTypes;

/** One change to a DID, before signing. `changeOwner` to the zero address deactivates the DID. */
export type DidChange =
  | { action: "changeOwner"; identity: Address; newOwner: Address }
  | { action: "addDelegate"; identity: Address; delegateType: Hex; delegate: Address; validity: bigint }
  | { action: "revokeDelegate"; identity: Address; delegateType: Hex; delegate: Address }
  | { action: "setAttribute"; identity: Address; name: Hex; value: Hex; validity: bigint }
  | { action: "revokeAttribute"; identity: Address; name: Hex; value: Hex };

export type DidChangeAction = DidChange["action"];

const PRIMARY_TYPES: Record<DidChangeAction, DidRequestPrimaryType> = {
  changeOwner: "ChangeOwner",
  addDelegate: "AddDelegate",
  revokeDelegate: "RevokeDelegate",
  setAttribute: "SetAttribute",
  revokeAttribute: "RevokeAttribute",
};

/** The registry's EIP-712 domain on one chain. */
export function didRegistryDomain({ chainId, didRegistry }: { chainId: number; didRegistry: Address }) {
  return {
    name: DID_REGISTRY_EIP712_NAME,
    version: DID_REGISTRY_EIP712_VERSION,
    chainId,
    verifyingContract: didRegistry,
  } as const;
}

export type DidChangeTypedDataParameters = {
  chainId: number;
  didRegistry: Address;
  change: DidChange;
  nonce: bigint;
  deadline: bigint;
};

/**
 * The full EIP-712 typed data of a change: what the owner signs, for `signTypedData`,
 * `hashTypedData` or `verifyTypedData`.
 *
 * @example
 * const typedData = didChangeTypedData({ chainId, didRegistry, change, nonce: 0n, deadline });
 * const signature = await walletClient.signTypedData(typedData);
 */
export function didChangeTypedData({
  chainId,
  didRegistry,
  change,
  nonce,
  deadline,
}: DidChangeTypedDataParameters): TypedDataDefinition<typeof didRegistryTypes, DidRequestPrimaryType> {
  const { action, ...fields } = change;
  return {
    domain: didRegistryDomain({ chainId, didRegistry }),
    types: didRegistryTypes,
    primaryType: PRIMARY_TYPES[action],
    message: { ...fields, nonce, deadline },
  } as TypedDataDefinition<typeof didRegistryTypes, DidRequestPrimaryType>;
}

// ---------------------------------------------------------------- the serialisable signed request

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of 0x-prefixed hex");
const bytes = z.string().regex(/^0x(?:[0-9a-fA-F]{2})*$/, "must be 0x-prefixed hex of whole bytes");
const uint = z
  .string()
  .regex(/^(?:0|[1-9]\d*)$/, "must be a whole number written as a decimal string")
  .refine((value) => BigInt(value) < 2n ** 256n, "does not fit in 256 bits");

const changeSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("changeOwner"), identity: address, newOwner: address }),
  z.object({
    action: z.literal("addDelegate"),
    identity: address,
    delegateType: bytes32,
    delegate: address,
    validity: uint,
  }),
  z.object({
    action: z.literal("revokeDelegate"),
    identity: address,
    delegateType: bytes32,
    delegate: address,
  }),
  z.object({
    action: z.literal("setAttribute"),
    identity: address,
    name: bytes32,
    value: bytes,
    validity: uint,
  }),
  z.object({ action: z.literal("revokeAttribute"), identity: address, name: bytes32, value: bytes }),
]);

/** The JSON form of a signed DID change (numbers as decimal strings, so it survives JSON). */
export const signedDidRequestSchema = z.object({
  type: z.literal("crossproof.did-request"),
  version: z.literal(1),
  chainId: z.number().int().positive(),
  didRegistry: address,
  change: changeSchema,
  nonce: uint,
  /** Unix time (seconds) after which the registry refuses the request. */
  deadline: uint,
  /** The owner who signed (informational: the registry checks the signature against the owner). */
  signer: address,
  signature: bytes,
});

/** A signed DID change that any relayer can submit; plain JSON (`JSON.stringify` it as is). */
export type SignedDidRequest = z.infer<typeof signedDidRequestSchema>;

/** Validates a parsed signed request; `source` names it (e.g. the file) in error messages. */
export function parseSignedDidRequest(value: unknown, source = "The signed DID request"): SignedDidRequest {
  const result = signedDidRequestSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join(".") || "(root)";
    throw new InvalidInputError(
      `${source} is not a signed Crossproof DID request: field "${field}" ${issue.message}.`,
    );
  }
  return result.data;
}

/** The change a signed request carries, with numbers as bigints. */
export function didChangeOf(request: SignedDidRequest): DidChange {
  const change = request.change;
  switch (change.action) {
    case "changeOwner":
      return { ...change, identity: getAddress(change.identity), newOwner: getAddress(change.newOwner) };
    case "addDelegate":
      return {
        ...change,
        identity: getAddress(change.identity),
        delegateType: change.delegateType as Hex,
        delegate: getAddress(change.delegate),
        validity: BigInt(change.validity),
      };
    case "revokeDelegate":
      return {
        ...change,
        identity: getAddress(change.identity),
        delegateType: change.delegateType as Hex,
        delegate: getAddress(change.delegate),
      };
    case "setAttribute":
      return {
        ...change,
        identity: getAddress(change.identity),
        name: change.name as Hex,
        value: change.value as Hex,
        validity: BigInt(change.validity),
      };
    case "revokeAttribute":
      return {
        ...change,
        identity: getAddress(change.identity),
        name: change.name as Hex,
        value: change.value as Hex,
      };
  }
}

function changeToJson(change: DidChange): SignedDidRequest["change"] {
  switch (change.action) {
    case "addDelegate":
    case "setAttribute":
      return { ...change, validity: change.validity.toString() };
    default:
      return change;
  }
}

/** The typed data a signed request's signature covers. */
export function signedDidRequestTypedData(request: SignedDidRequest) {
  return didChangeTypedData({
    chainId: request.chainId,
    didRegistry: getAddress(request.didRegistry),
    change: didChangeOf(request),
    nonce: BigInt(request.nonce),
    deadline: BigInt(request.deadline),
  });
}

/** The address whose ECDSA key signed the request (meaningless for ERC-1271 contract owners). */
export async function recoverDidRequestSigner(request: SignedDidRequest): Promise<Address> {
  try {
    return await recoverTypedDataAddress({
      ...signedDidRequestTypedData(request),
      signature: request.signature as Hex,
    });
  } catch (error) {
    throw new InvalidInputError("The signed DID request's signature is malformed.", { cause: error });
  }
}

/** Default lifetime of a signed request: one day. */
export const DEFAULT_DID_REQUEST_LIFETIME = 86_400n;

export type SignDidChangeParameters = {
  didRegistry: Address;
  change: DidChange;
  /** The owner's account; defaults to the client's. A local account or a JSON-RPC (node) account. */
  account?: Account | Address;
  /** Unix time (seconds) after which the request is refused; default now + one day (host clock). */
  deadline?: bigint | number;
  /** The identity's nonce to sign; default: read from the registry (the next one). */
  nonce?: bigint;
};

/**
 * Signs a DID change as the identity's owner and returns the request a relayer submits with
 * {@link submitSignedDidRequest}. Works with local accounts (signed in process) and JSON-RPC
 * accounts (the node signs, `eth_signTypedData_v4`). Costs no gas.
 *
 * @example
 * const request = await signDidChange(ownerWallet, {
 *   didRegistry,
 *   change: { action: "setAttribute", identity, ...serviceAttribute({ type: "LinkedDomains", endpoint }), validity: 86_400n },
 * });
 * await writeFile("request.json", JSON.stringify(request));
 */
export async function signDidChange(
  client: Client,
  { didRegistry, change, account = client.account, deadline, nonce }: SignDidChangeParameters,
): Promise<SignedDidRequest> {
  if (!account) {
    throw new InvalidInputError(
      "signDidChange needs the owner's account: pass `account` or use a wallet client.",
    );
  }
  const chainId = client.chain?.id ?? (await getChainIdOrThrow(client));
  const requestNonce = nonce ?? (await readNonce(client, didRegistry, change.identity));
  const requestDeadline =
    deadline === undefined
      ? BigInt(Math.floor(Date.now() / 1000)) + DEFAULT_DID_REQUEST_LIFETIME
      : BigInt(deadline);
  const typedData = didChangeTypedData({
    chainId,
    didRegistry,
    change,
    nonce: requestNonce,
    deadline: requestDeadline,
  });
  let signature: Hex;
  try {
    signature = await signTypedData(client, { account, ...typedData });
  } catch (error) {
    throw toCrossproofError(error, "signing the DID request");
  }
  return {
    type: "crossproof.did-request",
    version: 1,
    chainId,
    didRegistry: getAddress(didRegistry),
    change: changeToJson(change),
    nonce: requestNonce.toString(),
    deadline: requestDeadline.toString(),
    signer: typeof account === "string" ? getAddress(account) : account.address,
    signature,
  };
}

async function getChainIdOrThrow(client: Client): Promise<number> {
  try {
    return await getChainId(client);
  } catch (error) {
    throw toCrossproofError(error, "reading the chain id");
  }
}

async function readNonce(client: Client, didRegistry: Address, identity: Address): Promise<bigint> {
  return readRegistry(didRegistry, "nonce", () =>
    readContract(client, {
      address: didRegistry,
      abi: didRegistryAbi,
      functionName: "nonce",
      args: [identity],
    }),
  );
}
