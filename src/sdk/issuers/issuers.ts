/**
 * Authority issuers: applying (by the institution), reading (by anyone), and the calls the
 * committee proposes to recognise, suspend, reinstate, remove and grant schemas (see
 * src/sdk/governance/committee.ts for proposing them).
 */
import { encodeFunctionData, type Client, type Hex } from "viem";
import { readContract } from "viem/actions";

import { issuerRegistryAbi } from "../abis.ts";
import {
  transact,
  toCrossproofError,
  type SigningClient,
  type TransactReturnType,
} from "../actions/transact.ts";
import { InvalidInputError } from "../errors.ts";
import type { ProposalCall } from "../governance/committee.ts";

/** Issuer types, in the contract's enum order (IIssuerRegistry.IssuerType). */
export const issuerTypes = [
  "unspecified",
  "hospital",
  "laboratory",
  "border-agency",
  "insurer",
  "bank",
  "credit-agency",
  "data-source",
  "regulator",
  "other",
] as const;
export type IssuerType = (typeof issuerTypes)[number];

/** Issuer statuses, in the contract's enum order (IIssuerRegistry.IssuerStatus). */
export const issuerStatuses = ["none", "applied", "recognized", "suspended", "removed"] as const;
export type IssuerStatus = (typeof issuerStatuses)[number];

export type Issuer = {
  account: Hex;
  did: Hex;
  type: IssuerType;
  status: IssuerStatus;
  appliedAt: Date;
  statusChangedAt: Date;
  name: string;
  jurisdiction: string;
  /** Schema ids the issuer holds (granted, not revoked). */
  schemaIds: Hex[];
};

/** The contract enum value of an issuer type name; throws InvalidInputError listing the names. */
export function issuerTypeIndex(type: string): number {
  const index = issuerTypes.indexOf(type as IssuerType);
  if (index <= 0) {
    throw new InvalidInputError(
      `"${type}" is not an issuer type; use one of: ${issuerTypes.slice(1).join(", ")}.`,
    );
  }
  return index;
}

export type ApplyForRecognitionParameters = {
  issuerRegistry: Hex;
  /** Address of the institution's DID (the caller must own it or be a valid veriKey delegate). */
  did: Hex;
  type: IssuerType;
  name: string;
  /** ISO 3166 code, e.g. "HK", "MO", "CN-GD". */
  jurisdiction: string;
};

/**
 * Applies for recognition as an issuer; the calling account is the one that will anchor.
 *
 * @example
 * await applyForRecognition(lab, { issuerRegistry, did: lab.account.address, type: "laboratory", name: "Macao Public Health Laboratory", jurisdiction: "MO" });
 */
export async function applyForRecognition(
  client: SigningClient,
  { issuerRegistry, did, type, name, jurisdiction }: ApplyForRecognitionParameters,
): Promise<TransactReturnType> {
  return transact(client, {
    address: issuerRegistry,
    abi: issuerRegistryAbi,
    functionName: "applyForRecognition",
    args: [did, issuerTypeIndex(type), name, jurisdiction],
  });
}

/** Reads one issuer with the schemas it holds (status "none" if it never applied). */
export async function getIssuer(
  client: Client,
  { issuerRegistry, account }: { issuerRegistry: Hex; account: Hex },
): Promise<Issuer> {
  try {
    const [record, schemaIds] = await Promise.all([
      readContract(client, {
        address: issuerRegistry,
        abi: issuerRegistryAbi,
        functionName: "issuer",
        args: [account],
      }),
      readContract(client, {
        address: issuerRegistry,
        abi: issuerRegistryAbi,
        functionName: "schemasOf",
        args: [account, 0n, 2n ** 64n],
      }),
    ]);
    return {
      account,
      did: record.did,
      type: issuerTypes[record.issuerType] ?? "other",
      status: issuerStatuses[record.status] ?? "none",
      appliedAt: new Date(Number(record.appliedAt) * 1000),
      statusChangedAt: new Date(Number(record.statusChangedAt) * 1000),
      name: record.name,
      jurisdiction: record.jurisdiction,
      schemaIds: [...schemaIds],
    };
  } catch (error) {
    throw toCrossproofError(error, "reading the issuer");
  }
}

/** Every issuer (optionally of one type), in order of application. */
export async function listIssuers(
  client: Client,
  { issuerRegistry, type }: { issuerRegistry: Hex; type?: IssuerType },
): Promise<Issuer[]> {
  try {
    const accounts =
      type === undefined
        ? await readContract(client, {
            address: issuerRegistry,
            abi: issuerRegistryAbi,
            functionName: "issuers",
            args: [0n, 2n ** 64n],
          })
        : await readContract(client, {
            address: issuerRegistry,
            abi: issuerRegistryAbi,
            functionName: "issuersByType",
            args: [issuerTypeIndex(type), 0n, 2n ** 64n],
          });
    return await Promise.all(accounts.map((account) => getIssuer(client, { issuerRegistry, account })));
  } catch (error) {
    throw toCrossproofError(error, "listing issuers");
  }
}

/** Seconds since the epoch, for `effectiveFrom` arguments. */
function seconds(date: Date): bigint {
  return BigInt(Math.floor(date.getTime() / 1000));
}

/** The committee calls on the IssuerRegistry, ready to propose. */
export const issuerCalls = {
  recognize: (issuerRegistry: Hex, account: Hex): ProposalCall => ({
    to: issuerRegistry,
    data: encodeFunctionData({ abi: issuerRegistryAbi, functionName: "recognize", args: [account] }),
  }),
  suspend: (issuerRegistry: Hex, account: Hex, effectiveFrom: Date): ProposalCall => ({
    to: issuerRegistry,
    data: encodeFunctionData({
      abi: issuerRegistryAbi,
      functionName: "suspend",
      args: [account, seconds(effectiveFrom)],
    }),
  }),
  reinstate: (issuerRegistry: Hex, account: Hex): ProposalCall => ({
    to: issuerRegistry,
    data: encodeFunctionData({ abi: issuerRegistryAbi, functionName: "reinstate", args: [account] }),
  }),
  remove: (issuerRegistry: Hex, account: Hex, effectiveFrom: Date): ProposalCall => ({
    to: issuerRegistry,
    data: encodeFunctionData({
      abi: issuerRegistryAbi,
      functionName: "remove",
      args: [account, seconds(effectiveFrom)],
    }),
  }),
  grantSchema: (issuerRegistry: Hex, account: Hex, schemaId: Hex): ProposalCall => ({
    to: issuerRegistry,
    data: encodeFunctionData({
      abi: issuerRegistryAbi,
      functionName: "grantSchema",
      args: [account, schemaId],
    }),
  }),
  revokeSchema: (issuerRegistry: Hex, account: Hex, schemaId: Hex, effectiveFrom: Date): ProposalCall => ({
    to: issuerRegistry,
    data: encodeFunctionData({
      abi: issuerRegistryAbi,
      functionName: "revokeSchema",
      args: [account, schemaId, seconds(effectiveFrom)],
    }),
  }),
};
