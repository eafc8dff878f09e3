/**
 * Consents: ids, purpose codes, EIP-712 signing (the owner signs offline, anyone relays), and the
 * ConsentRegistry actions. A consent lets one grantee use the owner's data of the listed schemas
 * for one purpose, within a period, a number of times; every use is an on-chain event.
 */
import {
  encodeAbiParameters,
  getAddress,
  hexToString,
  keccak256,
  parseEventLogs,
  stringToHex,
  trim,
  type Address,
  type Client,
  type Hex,
} from "viem";
import { getChainId, readContract, signTypedData } from "viem/actions";
import { z } from "zod";

import { consentRegistryAbi } from "../abis.ts";
import { blockTimes, getContractEventsInRanges } from "../actions/events.ts";
import {
  transact,
  toCrossproofError,
  type SigningClient,
  type TransactReturnType,
} from "../actions/transact.ts";
import { InvalidInputError } from "../errors.ts";

/** Tag of consent ids (contracts/libraries/ConsentIds.sol). */
export const CONSENT_ID_TAG = stringToHex("crossproof.consent.v1", { size: 32 });

/**
 * The id of the `index`-th consent (0-based) `owner` grants, mirroring ConsentIds.derive.
 *
 * @example
 * consentIdOf({ owner: enterprise, index: 0n });
 */
export function consentIdOf({ owner, index }: { owner: Address; index: bigint }): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "address" }, { type: "uint256" }],
      [CONSENT_ID_TAG, owner, index],
    ),
  );
}

/** A purpose (or product, or reason) code: short text, right-padded into 32 bytes. */
export function codeOf(text: string, what = "The code"): Hex {
  if (!/^[a-z0-9][a-z0-9.:_-]{0,31}$/.test(text)) {
    throw new InvalidInputError(
      `${what} "${text}" must be 1–32 characters of lowercase letters, digits and . : _ - (e.g. credit-report).`,
    );
  }
  return stringToHex(text, { size: 32 });
}

/** The text of a code made by {@link codeOf} (the hex itself when it is not such text). */
export function codeText(code: Hex): string {
  try {
    const text = hexToString(trim(code, { dir: "right" }));
    return /^[\x20-\x7e]+$/.test(text) ? text : code;
  } catch {
    return code;
  }
}

export type ConsentTerms = {
  grantee: Address;
  purpose: Hex;
  /** Schema ids covered (1–16). */
  scope: readonly Hex[];
  /** Unix seconds. */
  validFrom: bigint;
  /** Unix seconds (exclusive). */
  validUntil: bigint;
  /** 0: unlimited. */
  maxUses: number;
};

export type Consent = {
  id: Hex;
  owner: Address;
  grantedAt: Date;
  revokedAt: Date | undefined;
  uses: number;
  terms: ConsentTerms;
};

export type ConsentState = "in force" | "not yet in force" | "revoked" | "expired" | "exhausted";

/** Why a consent is or is not usable at `now` (Unix seconds, the chain's time), in a few words. */
export function consentState(consent: Consent, now: bigint): ConsentState {
  if (consent.revokedAt) return "revoked";
  if (now < consent.terms.validFrom) return "not yet in force";
  if (now >= consent.terms.validUntil) return "expired";
  if (consent.terms.maxUses !== 0 && consent.uses >= consent.terms.maxUses) return "exhausted";
  return "in force";
}

/** The registry's EIP-712 domain on one chain. */
export function consentDomain({ chainId, consentRegistry }: { chainId: number; consentRegistry: Address }) {
  return {
    name: "Crossproof ConsentRegistry",
    version: "1",
    chainId,
    verifyingContract: consentRegistry,
  } as const;
}

export const consentTypes = {
  Grant: [
    { name: "owner", type: "address" },
    { name: "grantee", type: "address" },
    { name: "purpose", type: "bytes32" },
    { name: "scope", type: "bytes32[]" },
    { name: "validFrom", type: "uint64" },
    { name: "validUntil", type: "uint64" },
    { name: "maxUses", type: "uint32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  Revoke: [
    { name: "consentId", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of hex");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address");
const uint = z.string().regex(/^\d+$/, "must be a whole number (as a decimal string)");

/** A consent the owner signed, for anyone to submit (`crossproof consent sign` writes it). */
export const signedConsentSchema = z.object({
  type: z.literal("crossproof.signed-consent"),
  version: z.literal(1),
  chainId: z.number().int().positive(),
  consentRegistry: address,
  owner: address,
  terms: z.object({
    grantee: address,
    purpose: hex32,
    scope: z.array(hex32).min(1).max(16),
    validFrom: uint,
    validUntil: uint,
    maxUses: z.number().int().min(0).max(4_294_967_295),
  }),
  nonce: uint,
  deadline: uint,
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/, "must be hex"),
});
export type SignedConsent = z.infer<typeof signedConsentSchema>;

/** Validates a parsed signed-consent file; `source` names it in error messages. */
export function parseSignedConsent(value: unknown, source = "The signed consent"): SignedConsent {
  const result = signedConsentSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InvalidInputError(
      `${source} is not a signed Crossproof consent: field "${issue.path.join(".") || "(root)"}" ${issue.message}.`,
    );
  }
  return result.data;
}

function termsOf(signed: SignedConsent): ConsentTerms {
  return {
    grantee: getAddress(signed.terms.grantee),
    purpose: signed.terms.purpose as Hex,
    scope: signed.terms.scope as Hex[],
    validFrom: BigInt(signed.terms.validFrom),
    validUntil: BigInt(signed.terms.validUntil),
    maxUses: signed.terms.maxUses,
  };
}

/**
 * Signs a consent as its owner (no gas); anyone submits it with {@link submitSignedConsent}.
 *
 * @example
 * const signed = await signConsent(enterpriseWallet, { consentRegistry, terms, deadline });
 */
export async function signConsent(
  client: SigningClient,
  {
    consentRegistry,
    terms,
    deadline,
    nonce,
  }: { consentRegistry: Address; terms: ConsentTerms; deadline?: bigint; nonce?: bigint },
): Promise<SignedConsent> {
  try {
    const chainId = client.chain?.id ?? (await getChainId(client));
    const owner = client.account.address;
    const signingNonce =
      nonce ??
      (await readContract(client, {
        address: consentRegistry,
        abi: consentRegistryAbi,
        functionName: "nonces",
        args: [owner],
      }));
    const signingDeadline = deadline ?? BigInt(Math.floor(Date.now() / 1000) + 86_400);
    const signature = await signTypedData(client, {
      account: client.account,
      domain: consentDomain({ chainId, consentRegistry }),
      types: consentTypes,
      primaryType: "Grant",
      message: {
        owner,
        grantee: terms.grantee,
        purpose: terms.purpose,
        scope: [...terms.scope],
        validFrom: terms.validFrom,
        validUntil: terms.validUntil,
        maxUses: terms.maxUses,
        nonce: signingNonce,
        deadline: signingDeadline,
      },
    });
    return {
      type: "crossproof.signed-consent",
      version: 1,
      chainId,
      consentRegistry: getAddress(consentRegistry),
      owner: getAddress(owner),
      terms: {
        grantee: getAddress(terms.grantee),
        purpose: terms.purpose,
        scope: [...terms.scope],
        validFrom: terms.validFrom.toString(),
        validUntil: terms.validUntil.toString(),
        maxUses: terms.maxUses,
      },
      nonce: signingNonce.toString(),
      deadline: signingDeadline.toString(),
      signature,
    };
  } catch (error) {
    throw toCrossproofError(error, "signing the consent");
  }
}

export type GrantConsentReturnType = TransactReturnType & { consentId: Hex };

function grantedId(result: TransactReturnType): GrantConsentReturnType {
  const [granted] = parseEventLogs({
    abi: consentRegistryAbi,
    logs: result.receipt.logs,
    eventName: "ConsentGranted",
  });
  if (!granted) throw new InvalidInputError(`Transaction ${result.transactionHash} granted no consent.`);
  return { ...result, consentId: granted.args.consentId };
}

/**
 * Grants a consent as the calling owner.
 *
 * @example
 * const { consentId } = await grantConsent(owner, { consentRegistry, terms });
 */
export async function grantConsent(
  client: SigningClient,
  { consentRegistry, terms }: { consentRegistry: Address; terms: ConsentTerms },
): Promise<GrantConsentReturnType> {
  const result = await transact(client, {
    address: consentRegistry,
    abi: consentRegistryAbi,
    functionName: "grant",
    args: [{ ...terms, scope: [...terms.scope] }],
  });
  return grantedId(result);
}

/**
 * Submits an owner-signed consent (the caller pays the gas). Refuses one made for another chain or
 * registry before sending anything.
 */
export async function submitSignedConsent(
  client: SigningClient,
  { consentRegistry, signed }: { consentRegistry: Address; signed: SignedConsent },
): Promise<GrantConsentReturnType> {
  const chainId = client.chain?.id ?? (await getChainId(client));
  if (signed.chainId !== chainId) {
    throw new InvalidInputError(
      `The signed consent is for chain ${signed.chainId}, but this chain is ${chainId}.`,
    );
  }
  if (getAddress(signed.consentRegistry) !== getAddress(consentRegistry)) {
    throw new InvalidInputError(
      `The signed consent is for the consent registry ${signed.consentRegistry}, not this chain's ${consentRegistry}.`,
    );
  }
  const terms = termsOf(signed);
  const result = await transact(client, {
    address: consentRegistry,
    abi: consentRegistryAbi,
    functionName: "grantBySig",
    args: [
      getAddress(signed.owner),
      { ...terms, scope: [...terms.scope] },
      BigInt(signed.deadline),
      signed.signature as Hex,
    ],
  });
  return grantedId(result);
}

/** Revokes a consent as its owner, effective at once. */
export async function revokeConsent(
  client: SigningClient,
  { consentRegistry, consentId }: { consentRegistry: Address; consentId: Hex },
): Promise<TransactReturnType> {
  return transact(client, {
    address: consentRegistry,
    abi: consentRegistryAbi,
    functionName: "revoke",
    args: [consentId],
  });
}

/** Reads one consent; throws a ContractRevertError `ConsentNotFound` when unknown. */
export async function getConsent(
  client: Client,
  { consentRegistry, consentId }: { consentRegistry: Address; consentId: Hex },
): Promise<Consent> {
  try {
    const found = await readContract(client, {
      address: consentRegistry,
      abi: consentRegistryAbi,
      functionName: "consent",
      args: [consentId],
    });
    return {
      id: consentId,
      owner: found.owner,
      grantedAt: new Date(Number(found.grantedAt) * 1000),
      revokedAt: found.revokedAt === 0n ? undefined : new Date(Number(found.revokedAt) * 1000),
      uses: found.uses,
      terms: {
        grantee: found.terms.grantee,
        purpose: found.terms.purpose,
        scope: [...found.terms.scope],
        validFrom: found.terms.validFrom,
        validUntil: found.terms.validUntil,
        maxUses: found.terms.maxUses,
      },
    };
  } catch (error) {
    throw toCrossproofError(error, "reading the consent");
  }
}

/** Consents granted by `owner` or to `grantee`, oldest first. */
export async function listConsents(
  client: Client,
  { consentRegistry, owner, grantee }: { consentRegistry: Address; owner?: Address; grantee?: Address },
): Promise<Consent[]> {
  if ((owner === undefined) === (grantee === undefined)) {
    throw new InvalidInputError("List consents by owner or by grantee (one of the two).");
  }
  try {
    const ids =
      owner !== undefined
        ? await readContract(client, {
            address: consentRegistry,
            abi: consentRegistryAbi,
            functionName: "consentsByOwner",
            args: [owner, 0n, 2n ** 64n],
          })
        : await readContract(client, {
            address: consentRegistry,
            abi: consentRegistryAbi,
            functionName: "consentsByGrantee",
            args: [grantee!, 0n, 2n ** 64n],
          });
    return await Promise.all(ids.map((consentId) => getConsent(client, { consentRegistry, consentId })));
  } catch (error) {
    throw toCrossproofError(error, "listing consents");
  }
}

/** Whether `owner` has a consent usable now by `grantee` for `purpose` and `schemaId`. */
export async function isAuthorized(
  client: Client,
  {
    consentRegistry,
    owner,
    grantee,
    purpose,
    schemaId,
  }: { consentRegistry: Address; owner: Address; grantee: Address; purpose: Hex; schemaId: Hex },
): Promise<boolean> {
  try {
    return await readContract(client, {
      address: consentRegistry,
      abi: consentRegistryAbi,
      functionName: "isAuthorized",
      args: [owner, grantee, purpose, schemaId],
    });
  } catch (error) {
    throw toCrossproofError(error, "checking the consent");
  }
}

/** One recorded use of a consent (a `ConsentConsumed` event). */
export type ConsentUse = {
  consentId: Hex;
  /** The account that recorded the use: the grantee, or a trusted consumer (the order book) for it. */
  consumer: Address;
  grantee: Address;
  /** The schema of the data used. */
  schemaId: Hex;
  /** What the use was for, e.g. a credit order id. */
  usageReference: Hex;
  /** The consent's use count after this use. */
  uses: number;
  at: Date;
  blockNumber: bigint;
  transactionHash: Hex;
};

/**
 * Every recorded use of a consent, oldest first, read from the registry's events.
 *
 * @example
 * for (const use of await listConsentUses(client, { consentRegistry, consentId })) console.log(use.usageReference);
 */
export async function listConsentUses(
  client: Client,
  {
    consentRegistry,
    consentId,
    fromBlock = 0n,
  }: { consentRegistry: Address; consentId: Hex; fromBlock?: bigint },
): Promise<ConsentUse[]> {
  try {
    const logs = await getContractEventsInRanges(client, {
      address: consentRegistry,
      abi: consentRegistryAbi,
      eventName: "ConsentConsumed",
      args: { consentId },
      fromBlock,
    });
    const times = await blockTimes(client, logs);
    return logs.map((log) => ({
      consentId,
      consumer: log.args.consumer!,
      grantee: log.args.grantee!,
      schemaId: log.args.schemaId!,
      usageReference: log.args.usageReference!,
      uses: log.args.uses!,
      at: times.get(log.blockNumber)!,
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
    }));
  } catch (error) {
    throw toCrossproofError(error, "reading the consent's uses");
  }
}
