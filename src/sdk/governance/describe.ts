/**
 * What a committee proposal does, in words: its call decoded against the ABI of the deployed
 * contract it targets ("Recognise Macao Public Health Laboratory (0x7099…79C8)", "Grant
 * health.test-report@1.0 to …", "Register schema medical.record@1.0", "Grant role issuerAdmin to
 * …"), whatever description its proposer wrote. Pure: the caller supplies the issuer and schema
 * names it knows (from `listIssuers` / `listSchemas`).
 */
import { decodeFunctionData, getAddress, isAddress, type Hex } from "viem";

import { contractAbis, type ContractName } from "../contracts.ts";
import { REGISTRY_PAUSE_EFFECT } from "../fingerprints/pause.ts";
import { roleName } from "../roles.ts";

/** A proposal's call decoded: the deployed contract it targets, the function and its arguments. */
export type DecodedProposalCall = {
  contract: ContractName;
  functionName: string;
  args: readonly unknown[];
};

export type ProposalCallContext = {
  /** The deployment's contract addresses by manifest name (`manifest.contracts`). */
  contracts: Partial<Record<ContractName, string>>;
  /** The registered name of an issuer account, when known. */
  issuerName?: (account: Hex) => string | undefined;
  /** A schema as `name@version`, when known. */
  schemaName?: (schemaId: Hex) => string | undefined;
};

/**
 * Decodes a proposal's call against the ABI of the deployed contract at `to`; undefined when `to`
 * is no contract of the deployment or the data matches none of its functions.
 *
 * @example
 * decodeProposalCall({ to: issuerRegistry, data }, { contracts: manifest.contracts });
 * // { contract: "IssuerRegistry", functionName: "recognize", args: ["0x7099…"] }
 */
export function decodeProposalCall(
  call: { to: Hex; data: Hex },
  { contracts }: Pick<ProposalCallContext, "contracts">,
): DecodedProposalCall | undefined {
  const contract = (Object.keys(contracts) as ContractName[]).find(
    (name) => contracts[name]?.toLowerCase() === call.to.toLowerCase() && name in contractAbis,
  );
  if (contract === undefined) return undefined;
  try {
    const decoded = decodeFunctionData({ abi: contractAbis[contract], data: call.data });
    // viem leaves `args` undefined for a function without inputs.
    const args = decoded.args as readonly unknown[] | undefined;
    return { contract, functionName: decoded.functionName, args: args ?? [] };
  } catch {
    return undefined;
  }
}

/**
 * `0x7099…79C8`: enough of an address to tell accounts apart at a glance in a list. Never in what
 * a member approves: a look-alike address with the same ends is cheap to make.
 */
export function shortAddress(address: string): string {
  const checksummed = isAddress(address, { strict: false }) ? getAddress(address) : address;
  return `${checksummed.slice(0, 6)}…${checksummed.slice(-4)}`;
}

/** The whole checksummed address, as a proposal's description shows it. */
function wholeAddress(address: string): string {
  return isAddress(address, { strict: false }) ? getAddress(address) : address;
}

/**
 * One sentence (without a final stop) saying what the call does, with issuers and schemas named
 * when the context knows them. A call it cannot decode is described by its target and selector.
 *
 * @example
 * describeProposalCall(issuerCalls.recognize(issuerRegistry, lab), { contracts, issuerName });
 * // "Recognise Macao Public Health Laboratory (0x7099…79C8)"
 */
export function describeProposalCall(
  call: { to: Hex; data: Hex; value?: bigint },
  context: ProposalCallContext,
): string {
  const decoded = decodeProposalCall(call, context);
  const value = call.value ? `, sending ${call.value} wei` : "";
  if (!decoded) {
    const target = (Object.keys(context.contracts) as ContractName[]).find(
      (name) => context.contracts[name]?.toLowerCase() === call.to.toLowerCase(),
    );
    return `Call ${target ?? wholeAddress(call.to)} with unknown data (selector ${call.data.slice(0, 10)})${value}`;
  }
  return `${sentence(decoded, context)}${value}`;
}

function sentence(
  { contract, functionName, args }: DecodedProposalCall,
  context: ProposalCallContext,
): string {
  const issuer = (value: unknown) => {
    const account = String(value) as Hex;
    const name = context.issuerName?.(account);
    return name ? `${name} (${wholeAddress(account)})` : wholeAddress(account);
  };
  const schema = (value: unknown) => context.schemaName?.(value as Hex) ?? `schema ${String(value)}`;
  // A time no Date can hold (a malformed proposal) stays a number rather than break the page.
  const from = (value: unknown) => {
    const seconds = Number(value);
    return Number.isFinite(seconds) && Math.abs(seconds) < 8.64e12
      ? new Date(seconds * 1000).toISOString().replace(".000Z", "Z").replace("T", " ")
      : `timestamp ${String(value)}`;
  };
  const role = (value: unknown) => roleName(value as bigint);
  const account = (value: unknown) => wholeAddress(String(value));
  const [a, b, c] = args;

  switch (`${contract}.${functionName}`) {
    case "IssuerRegistry.recognize":
      return `Recognise ${issuer(a)}`;
    case "IssuerRegistry.suspend":
      return `Suspend ${issuer(a)} from ${from(b)}`;
    case "IssuerRegistry.reinstate":
      return `Reinstate ${issuer(a)}`;
    case "IssuerRegistry.remove":
      return `Remove ${issuer(a)} for good from ${from(b)}`;
    case "IssuerRegistry.grantSchema":
      return `Grant ${schema(b)} to ${issuer(a)}`;
    case "IssuerRegistry.revokeSchema":
      return `Revoke ${schema(b)} from ${issuer(a)} from ${from(c)}`;
    case "SchemaRegistry.register": {
      const definition = a as { name: string; version: string };
      return `Register schema ${definition.name}@${definition.version}`;
    }
    case "FingerprintRegistry.accredit":
      return `Accredit ${issuer(a)} for ${schema(b)}`;
    case "FingerprintRegistry.pause":
      return `Pause the fingerprint registry: ${REGISTRY_PAUSE_EFFECT}`;
    case "FingerprintRegistry.unpause":
      return "Unpause the fingerprint registry: anchoring, revocation and reinstatement resume";
    case "FingerprintRegistry.withdrawAccreditation":
      return `Withdraw the accreditation of ${issuer(a)} for ${schema(b)} from ${from(c)}`;
    case "AccessManager.grantRole": {
      const delay = Number(c ?? 0);
      return `Grant role ${role(a)} to ${account(b)}${delay > 0 ? ` with a ${delay}-second execution delay` : ""}`;
    }
    case "AccessManager.revokeRole":
      return `Revoke role ${role(a)} from ${account(b)}`;
    case "AccessManager.schedule": {
      const inner = { to: String(a) as Hex, data: b as Hex };
      return `Schedule: ${describeProposalCall(inner, context)}`;
    }
    case "AccessManager.execute":
      return `Execute: ${describeProposalCall({ to: String(a) as Hex, data: b as Hex }, context)}`;
    case "Committee.addOwnerWithThreshold":
      return `Add committee member ${account(a)} (threshold ${String(b)})`;
    case "Committee.removeOwner":
      return `Remove committee member ${account(b)} (threshold ${String(c)})`;
    case "Committee.swapOwner":
      return `Replace committee member ${account(b)} with ${account(c)}`;
    case "Committee.changeThreshold":
      return `Change the committee threshold to ${String(a)}`;
    default:
      return `Call ${contract}.${functionName}(${args.map((arg) => format(arg)).join(", ")})`;
  }
}

function format(value: unknown): string {
  if (typeof value === "string" && isAddress(value, { strict: false })) return wholeAddress(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "object" && value !== null)
    return JSON.stringify(value, (_, inner: unknown) =>
      typeof inner === "bigint" ? inner.toString() : inner,
    );
  return String(value);
}
