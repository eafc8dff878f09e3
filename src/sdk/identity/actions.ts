/**
 * DIDRegistry actions, viem style: writes by the owner, their signed (gasless) forms submitted by
 * anyone, and reads. Names carry "Did" so that they read clearly next to the rest of the SDK.
 */
import { getAddress, zeroAddress, type Address, type Client, type Hex } from "viem";
import { getChainId, readContract } from "viem/actions";

import { didRegistryAbi } from "../abis.ts";
import { transact, type SigningClient, type TransactReturnType } from "../actions/transact.ts";
import { ContractRevertError, InvalidInputError } from "../errors.ts";
import { encodeDelegateType } from "./attributes.ts";
import { readRegistry as read } from "./read.ts";
import { didChangeOf, recoverDidRequestSigner, type DidChange, type SignedDidRequest } from "./typed-data.ts";

type RegistryParameter = { didRegistry: Address };
type IdentityParameter = RegistryParameter & { identity: Address };

/** A delegate type by name (`veriKey`, `sigAuth`) or as its bytes32. */
export type DelegateTypeInput = "veriKey" | "sigAuth" | Hex;

// ---------------------------------------------------------------- writes by the owner

export type ChangeDidOwnerParameters = IdentityParameter & { newOwner: Address };

/**
 * Makes `newOwner` the controller of `identity`. The caller must be the current owner. The zero
 * address deactivates the DID for good: use {@link deactivateDid} for that, which says so.
 *
 * @example
 * await changeDidOwner(wallet, { didRegistry, identity, newOwner: "0x…" });
 */
export async function changeDidOwner(
  client: SigningClient,
  { didRegistry, identity, newOwner }: ChangeDidOwnerParameters,
): Promise<TransactReturnType> {
  return applyDidChange(client, { didRegistry, change: { action: "changeOwner", identity, newOwner } });
}

/**
 * Deactivates `identity` for good (changeOwner to the zero address): it resolves as deactivated,
 * with an empty document, and nothing can change it again.
 *
 * @example
 * await deactivateDid(wallet, { didRegistry, identity });
 */
export async function deactivateDid(
  client: SigningClient,
  { didRegistry, identity }: IdentityParameter,
): Promise<TransactReturnType> {
  return applyDidChange(client, {
    didRegistry,
    change: { action: "changeOwner", identity, newOwner: zeroAddress },
  });
}

export type AddDidDelegateParameters = IdentityParameter & {
  delegateType: DelegateTypeInput;
  delegate: Address;
  /** Seconds from the block's timestamp. */
  validity: bigint | number;
};

/**
 * Adds a delegate: an address that may sign (`veriKey`) or also authenticate (`sigAuth`) for the DID
 * for `validity` seconds.
 *
 * @example
 * await addDidDelegate(wallet, { didRegistry, identity, delegateType: "sigAuth", delegate, validity: 86_400 });
 */
export async function addDidDelegate(
  client: SigningClient,
  { didRegistry, identity, delegateType, delegate, validity }: AddDidDelegateParameters,
): Promise<TransactReturnType> {
  return applyDidChange(client, {
    didRegistry,
    change: {
      action: "addDelegate",
      identity,
      delegateType: delegateTypeBytes(delegateType),
      delegate,
      validity: BigInt(validity),
    },
  });
}

export type RevokeDidDelegateParameters = IdentityParameter & {
  delegateType: DelegateTypeInput;
  delegate: Address;
};

/** Revokes a delegate now. */
export async function revokeDidDelegate(
  client: SigningClient,
  { didRegistry, identity, delegateType, delegate }: RevokeDidDelegateParameters,
): Promise<TransactReturnType> {
  return applyDidChange(client, {
    didRegistry,
    change: { action: "revokeDelegate", identity, delegateType: delegateTypeBytes(delegateType), delegate },
  });
}

export type SetDidAttributeParameters = IdentityParameter & {
  /** The bytes32 name; see publicKeyAttribute / serviceAttribute. */
  name: Hex;
  value: Hex;
  /** Seconds from the block's timestamp. */
  validity: bigint | number;
};

/**
 * Publishes an attribute (a public key or service endpoint) for `validity` seconds.
 *
 * @example
 * await setDidAttribute(wallet, {
 *   didRegistry, identity, validity: 31_536_000n,
 *   ...serviceAttribute({ type: "LinkedDomains", endpoint: "https://issuer.example" }),
 * });
 */
export async function setDidAttribute(
  client: SigningClient,
  { didRegistry, identity, name, value, validity }: SetDidAttributeParameters,
): Promise<TransactReturnType> {
  return applyDidChange(client, {
    didRegistry,
    change: { action: "setAttribute", identity, name, value, validity: BigInt(validity) },
  });
}

export type RevokeDidAttributeParameters = IdentityParameter & { name: Hex; value: Hex };

/** Revokes an attribute (the same name and value it was published with). */
export async function revokeDidAttribute(
  client: SigningClient,
  { didRegistry, identity, name, value }: RevokeDidAttributeParameters,
): Promise<TransactReturnType> {
  return applyDidChange(client, {
    didRegistry,
    change: { action: "revokeAttribute", identity, name, value },
  });
}

/** Sends one {@link DidChange} as the owner (the client's account). */
export async function applyDidChange(
  client: SigningClient,
  { didRegistry, change }: RegistryParameter & { change: DidChange },
): Promise<TransactReturnType> {
  try {
    switch (change.action) {
      case "changeOwner":
        return await transact(client, {
          address: didRegistry,
          abi: didRegistryAbi,
          functionName: "changeOwner",
          args: [change.identity, change.newOwner],
        });
      case "addDelegate":
        return await transact(client, {
          address: didRegistry,
          abi: didRegistryAbi,
          functionName: "addDelegate",
          args: [change.identity, change.delegateType, change.delegate, change.validity],
        });
      case "revokeDelegate":
        return await transact(client, {
          address: didRegistry,
          abi: didRegistryAbi,
          functionName: "revokeDelegate",
          args: [change.identity, change.delegateType, change.delegate],
        });
      case "setAttribute":
        return await transact(client, {
          address: didRegistry,
          abi: didRegistryAbi,
          functionName: "setAttribute",
          args: [change.identity, change.name, change.value, change.validity],
        });
      case "revokeAttribute":
        return await transact(client, {
          address: didRegistry,
          abi: didRegistryAbi,
          functionName: "revokeAttribute",
          args: [change.identity, change.name, change.value],
        });
    }
  } catch (error) {
    throw explainDidRevert(error, change);
  }
}

// ---------------------------------------------------------------- signed writes, submitted by anyone

export type SubmitSignedDidRequestParameters = RegistryParameter & { request: SignedDidRequest };

/**
 * Submits an owner-signed request (from {@link signDidChange}); the client's account pays the gas
 * and need not own the DID. Checks first that the request is for this chain and registry; a request
 * whose nonce was already used (a replay) is refused with a message saying so.
 *
 * @example
 * const request = parseSignedDidRequest(JSON.parse(await readFile("request.json", "utf8")));
 * await submitSignedDidRequest(relayerWallet, { didRegistry, request });
 */
export async function submitSignedDidRequest(
  client: SigningClient,
  { didRegistry, request }: SubmitSignedDidRequestParameters,
): Promise<TransactReturnType> {
  const chainId = client.chain?.id ?? (await getChainId(client));
  if (request.chainId !== chainId) {
    throw new InvalidInputError(
      `The signed DID request is for chain ${request.chainId}, but the RPC endpoint serves chain ${chainId}.`,
    );
  }
  if (getAddress(request.didRegistry) !== getAddress(didRegistry)) {
    throw new InvalidInputError(
      `The signed DID request is for the DID registry ${request.didRegistry}, not this chain's ${didRegistry}.`,
    );
  }
  const change = didChangeOf(request);
  const signature = request.signature as Hex;
  const deadline = BigInt(request.deadline);
  try {
    switch (change.action) {
      case "changeOwner":
        return await transact(client, {
          address: didRegistry,
          abi: didRegistryAbi,
          functionName: "changeOwnerSigned",
          args: [change.identity, change.newOwner, deadline, signature],
        });
      case "addDelegate":
        return await transact(client, {
          address: didRegistry,
          abi: didRegistryAbi,
          functionName: "addDelegateSigned",
          args: [change.identity, change.delegateType, change.delegate, change.validity, deadline, signature],
        });
      case "revokeDelegate":
        return await transact(client, {
          address: didRegistry,
          abi: didRegistryAbi,
          functionName: "revokeDelegateSigned",
          args: [change.identity, change.delegateType, change.delegate, deadline, signature],
        });
      case "setAttribute":
        return await transact(client, {
          address: didRegistry,
          abi: didRegistryAbi,
          functionName: "setAttributeSigned",
          args: [change.identity, change.name, change.value, change.validity, deadline, signature],
        });
      case "revokeAttribute":
        return await transact(client, {
          address: didRegistry,
          abi: didRegistryAbi,
          functionName: "revokeAttributeSigned",
          args: [change.identity, change.name, change.value, deadline, signature],
        });
    }
  } catch (error) {
    throw await explainSignedRevert(client, didRegistry, request, explainDidRevert(error, change));
  }
}

type SignedParameters<action extends DidChange["action"]> = RegistryParameter & {
  request: SignedDidRequest & { change: { action: action } };
};

/** Submits a signed `changeOwner` request (see {@link submitSignedDidRequest}). */
export async function changeDidOwnerSigned(
  client: SigningClient,
  parameters: SignedParameters<"changeOwner">,
): Promise<TransactReturnType> {
  return submitSignedDidRequest(client, parameters);
}

/** Submits a signed `addDelegate` request (see {@link submitSignedDidRequest}). */
export async function addDidDelegateSigned(
  client: SigningClient,
  parameters: SignedParameters<"addDelegate">,
): Promise<TransactReturnType> {
  return submitSignedDidRequest(client, parameters);
}

/** Submits a signed `revokeDelegate` request (see {@link submitSignedDidRequest}). */
export async function revokeDidDelegateSigned(
  client: SigningClient,
  parameters: SignedParameters<"revokeDelegate">,
): Promise<TransactReturnType> {
  return submitSignedDidRequest(client, parameters);
}

/** Submits a signed `setAttribute` request (see {@link submitSignedDidRequest}). */
export async function setDidAttributeSigned(
  client: SigningClient,
  parameters: SignedParameters<"setAttribute">,
): Promise<TransactReturnType> {
  return submitSignedDidRequest(client, parameters);
}

/** Submits a signed `revokeAttribute` request (see {@link submitSignedDidRequest}). */
export async function revokeDidAttributeSigned(
  client: SigningClient,
  parameters: SignedParameters<"revokeAttribute">,
): Promise<TransactReturnType> {
  return submitSignedDidRequest(client, parameters);
}

// ---------------------------------------------------------------- reads

/** The identity's current owner (controller): itself until changed, the zero address once deactivated. */
export async function getDidOwner(
  client: Client,
  { didRegistry, identity }: IdentityParameter,
): Promise<Address> {
  return read(didRegistry, "identityOwner", () =>
    readContract(client, {
      address: didRegistry,
      abi: didRegistryAbi,
      functionName: "identityOwner",
      args: [identity],
    }),
  );
}

/** The nonce the identity's next signed request must carry. */
export async function getDidNonce(
  client: Client,
  { didRegistry, identity }: IdentityParameter,
): Promise<bigint> {
  return read(didRegistry, "nonce", () =>
    readContract(client, {
      address: didRegistry,
      abi: didRegistryAbi,
      functionName: "nonce",
      args: [identity],
    }),
  );
}

/** Block number of the identity's last change (0n if never changed). */
export async function getDidChanged(
  client: Client,
  { didRegistry, identity }: IdentityParameter,
): Promise<bigint> {
  return read(didRegistry, "changed", () =>
    readContract(client, {
      address: didRegistry,
      abi: didRegistryAbi,
      functionName: "changed",
      args: [identity],
    }),
  );
}

/** Whether `delegate` is a currently valid delegate of `delegateType` for the identity (chain time). */
export async function isDidDelegateValid(
  client: Client,
  { didRegistry, identity, delegateType, delegate }: RevokeDidDelegateParameters,
): Promise<boolean> {
  return read(didRegistry, "validDelegate", () =>
    readContract(client, {
      address: didRegistry,
      abi: didRegistryAbi,
      functionName: "validDelegate",
      args: [identity, delegateTypeBytes(delegateType), delegate],
    }),
  );
}

/** Whether the identity was deactivated. */
export async function isDidDeactivated(
  client: Client,
  { didRegistry, identity }: IdentityParameter,
): Promise<boolean> {
  return read(didRegistry, "isDeactivated", () =>
    readContract(client, {
      address: didRegistry,
      abi: didRegistryAbi,
      functionName: "isDeactivated",
      args: [identity],
    }),
  );
}

export type DidState = {
  identity: Address;
  /** Current owner; the zero address when deactivated. */
  owner: Address;
  /** Block of the last change, 0n if never changed. */
  changed: bigint;
  nonce: bigint;
  deactivated: boolean;
};

/**
 * Owner, last change, nonce and deactivation of an identity, read together.
 *
 * @example
 * const { owner, deactivated } = await getDidState(client, { didRegistry, identity });
 */
export async function getDidState(client: Client, parameters: IdentityParameter): Promise<DidState> {
  const [owner, changed, nonce, deactivated] = await Promise.all([
    getDidOwner(client, parameters),
    getDidChanged(client, parameters),
    getDidNonce(client, parameters),
    isDidDeactivated(client, parameters),
  ]);
  return { identity: getAddress(parameters.identity), owner, changed, nonce, deactivated };
}

// ---------------------------------------------------------------- helpers

function delegateTypeBytes(delegateType: DelegateTypeInput): Hex {
  return /^0x[0-9a-fA-F]{64}$/.test(delegateType) ? (delegateType as Hex) : encodeDelegateType(delegateType);
}

/** Rewrites the registry's custom errors as messages a person can act on. */
function explainDidRevert(error: unknown, change: DidChange): unknown {
  if (!(error instanceof ContractRevertError)) return error;
  const args = error.errorArgs ?? [];
  const action = change.action;
  const at = (index: number) => String(args[index]);
  let message: string | undefined;
  switch (error.errorName) {
    case "NotIdentityOwner":
      message = `${action} refused: ${at(1)} is not the owner of identity ${at(0)}; only its current owner can change it.`;
      break;
    case "IdentityDeactivated":
      message = `${action} refused: identity ${at(0)} is deactivated, and a deactivated DID can never change again.`;
      break;
    case "SignatureExpired":
      message = `${action} refused: the signed request expired at ${new Date(Number(args[0]) * 1000).toISOString()}; ask the owner to sign it again.`;
      break;
    case "InvalidSignature":
      message = `${action} refused: the signature is not the owner's (${at(1)}) signature of this request.`;
      break;
    case "ValidityTooLong":
      message = `${action} refused: a validity of ${at(0)} seconds is too long.`;
      break;
  }
  if (message === undefined) return error;
  return new ContractRevertError(message, {
    errorName: error.errorName,
    errorArgs: error.errorArgs,
    cause: error,
  });
}

/** For a refused signed request, says why the signature did not match: replay, order, or signer. */
async function explainSignedRevert(
  client: Client,
  didRegistry: Address,
  request: SignedDidRequest,
  error: unknown,
): Promise<unknown> {
  if (!(error instanceof ContractRevertError) || error.errorName !== "InvalidSignature") return error;
  const action = request.change.action;
  const identity = getAddress(request.change.identity);
  let message: string | undefined;
  try {
    const current = await getDidNonce(client, { didRegistry, identity });
    const nonce = BigInt(request.nonce);
    if (nonce < current) {
      message = `${action} refused: this signed request was already used (it carries nonce ${nonce}, identity ${identity} is at nonce ${current}); a signed request cannot be replayed, ask the owner to sign a new one.`;
    } else if (nonce > current) {
      message = `${action} refused: this signed request carries nonce ${nonce} but identity ${identity} is at nonce ${current}; submit the owner's earlier requests first.`;
    } else {
      const owner = String(error.errorArgs?.[1]);
      const signer = await recoverDidRequestSigner(request).catch(() => undefined);
      if (signer && signer !== owner) {
        message = `${action} refused: the request was signed by ${signer}, but identity ${identity} is owned by ${owner}.`;
      }
    }
  } catch {
    // Keep the first explanation when the diagnosis itself fails.
  }
  if (message === undefined) return error;
  return new ContractRevertError(message, {
    errorName: error.errorName,
    errorArgs: error.errorArgs,
    cause: error,
  });
}
