/**
 * A contract's rejection in words: the custom error's `@notice` from the contracts' NatSpec
 * (src/sdk/error-notices.ts, generated) with its arguments filled in, plus sentences for the
 * OpenZeppelin AccessManager errors a missing role produces. For people, in the web app and beyond.
 */
import { getAddress, isAddress } from "viem";

import { orderStates } from "./credit/orders.ts";
import { errorNotices } from "./error-notices.ts";
import { ContractRevertError, errorChain } from "./errors.ts";
import { REGISTRY_PAUSED } from "./fingerprints/pause.ts";
import { issuerStatuses, issuerTypes } from "./issuers/issuers.ts";
import { roleName } from "./roles.ts";

/**
 * OpenZeppelin 5's errors our contracts can raise: AccessManager's (a missing role, mostly),
 * Pausable's, Nonces', ShortStrings'.
 */
type Notice = { params: readonly string[]; types?: readonly string[]; notice: string };

const OPENZEPPELIN_NOTICES: Record<string, Notice> = {
  AccessManagedUnauthorized: {
    params: ["caller"],
    notice:
      "The account `caller` does not hold the consortium role this function requires; the committee grants roles.",
  },
  AccessManagerUnauthorizedAccount: {
    params: ["account", "roleId"],
    notice: "The account `account` does not hold the `roleId` role; the committee grants roles.",
  },
  AccessManagerUnauthorizedCall: {
    params: ["caller", "target", "selector"],
    notice:
      "The account `caller` may not call function `selector` of `target`: it lacks the role for it; the committee grants roles.",
  },
  AccessManagedRequiredDelay: {
    params: ["caller", "delay"],
    notice: "The role of `caller` acts with a delay of `delay` seconds: schedule the call first.",
  },
  AccessManagerNotScheduled: { params: ["operationId"], notice: "This operation was not scheduled." },
  AccessManagerNotReady: { params: ["operationId"], notice: "This scheduled operation is not ready yet." },
  AccessManagerExpired: { params: ["operationId"], notice: "This scheduled operation has expired." },
  AccessManagerAlreadyScheduled: { params: ["operationId"], notice: "This operation is scheduled already." },
  AccessManagerLockedRole: { params: ["roleId"], notice: "The `roleId` role cannot be changed this way." },
  AccessManagerLockedFunction: {
    params: ["selector"],
    notice: "The AccessManager's own function `selector` cannot be restricted.",
  },
  AccessManagerBadConfirmation: { params: [], notice: "Only the account itself can renounce its role." },
  AccessManagerUnauthorizedConsume: {
    params: ["target"],
    notice: "Only `target` may consume its scheduled operation.",
  },
  AccessManagerUnauthorizedCancel: {
    params: ["msgsender", "caller", "target", "selector"],
    notice: "The account `msgsender` may not cancel this scheduled operation.",
  },
  AccessManagerInvalidInitialAdmin: {
    params: ["initialAdmin"],
    notice: "The AccessManager needs a non-zero initial admin.",
  },
  AccessManagedInvalidAuthority: {
    params: ["authority"],
    notice: "`authority` is not an AccessManager contract.",
  },
  // Pausable's errors are OpenZeppelin's, generic to any contract; here they name the fingerprint
  // registry because it is the only Pausable contract in Crossproof. A second one would need the
  // target to tell them apart.
  EnforcedPause: { params: [], notice: REGISTRY_PAUSED },
  ExpectedPause: {
    params: [],
    notice:
      "The fingerprint registry is not paused: there is nothing to unpause; see `crossproof gov status`.",
  },
  InvalidAccountNonce: {
    params: ["account", "currentNonce"],
    notice:
      "The request was signed with a used or future nonce of `account` (its current nonce is `currentNonce`): sign it again.",
  },
  AddressEmptyCode: { params: ["target"], notice: "`target` is not a contract." },
  FailedCall: { params: [], notice: "The call the AccessManager relayed failed." },
  InsufficientBalance: {
    params: ["balance", "needed"],
    notice: "The balance `balance` is less than the `needed` the call sends.",
  },
  SafeCastOverflowedUintDowncast: { params: ["bits", "value"], notice: "`value` does not fit `bits` bits." },
  InvalidShortString: { params: [], notice: "A name is too long for the contract's short string." },
  StringTooLong: { params: ["str"], notice: "A name is too long for the contract's short string." },
};

/** camelCase parameter name → words ("schemaIndex" → "schema index"). */
function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

const TIME_NAME = /(At|From|Until|Before|deadline|Deadline)$/;

/** One argument as a person reads it: checksummed addresses, dates for times, names for enums. */
function formatArgument(value: unknown, name: string, type: string | undefined): string {
  if (typeof value === "string" && isAddress(value, { strict: false })) return getAddress(value);
  if (typeof value === "bigint" || typeof value === "number") {
    const number = BigInt(value);
    if (type === "OrderState") return orderStates[Number(number)] ?? String(number);
    if (type === "IssuerStatus") return issuerStatuses[Number(number)] ?? String(number);
    if (name === "issuerType") return issuerTypes[Number(number)] ?? String(number);
    if (name === "roleId") return roleName(number);
    if (TIME_NAME.test(name) && number > 0n && number < 100_000_000_000n)
      return new Date(Number(number) * 1000).toISOString().replace(".000Z", "Z");
    return number.toString();
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The committee's Safe (safe-smart-account 1.5) rejects with short codes (`require(…, "GS013")`):
 * those a committee meets, in words.
 */
const SAFE_REASONS: Record<string, string> = {
  GS020: "Too few approvals: the committee's threshold is not met.",
  GS025: "An approval is missing: each counted member must have approved the proposal on chain.",
  GS026: "An approval is not from a committee member, or the approvals are out of order.",
  GS030: "Only a committee member may approve a proposal.",
  GS031: "Only the committee itself may change its members or threshold (by an executed proposal).",
  GS201: "The threshold cannot exceed the number of committee members.",
  GS202: "The threshold must be at least 1.",
  GS203: "That is not a valid member address.",
  GS204: "That address is already a committee member.",
  GS205: "That address is not a committee member (or not where the committee's member list says).",
};

/**
 * The sentence for a decoded custom error, or undefined for an error the contracts do not declare.
 * Arguments named in the notice are filled in; the others follow in parentheses.
 *
 * @example
 * describeRevert("IssuerNotAccredited", ["0xab…", 3])
 * // "The caller is not accredited for the schema with this compact index: the consortium committee grants issuers their document kinds (issuer 0xAb…, schema index 3)."
 */
export function describeRevert(errorName: string, errorArgs: readonly unknown[] = []): string | undefined {
  if (errorName === "Error" && typeof errorArgs[0] === "string") return SAFE_REASONS[errorArgs[0]];
  const declared = errorNotices[errorName];
  const candidate: Notice | undefined =
    declared?.find((entry) => entry.params.length === errorArgs.length) ??
    declared?.[0] ??
    OPENZEPPELIN_NOTICES[errorName];
  if (!candidate) return undefined;
  const types = candidate.types ?? [];
  const mentioned = new Set<string>();
  let text = candidate.notice.replace(/`(\w+)`/g, (whole, name: string) => {
    const at = candidate.params.indexOf(name);
    if (at === -1 || at >= errorArgs.length) return name;
    mentioned.add(name);
    return formatArgument(errorArgs[at], name, types[at]);
  });
  const rest = candidate.params
    .map((name, at) => ({ name, at }))
    .filter(({ name, at }) => !mentioned.has(name) && at < errorArgs.length)
    .map(({ name, at }) => `${words(name)} ${formatArgument(errorArgs[at], name, types[at])}`);
  text = text.replace(/[.\s]+$/, "");
  return `${text}${rest.length > 0 ? ` (${rest.join(", ")})` : ""}.`;
}

/**
 * The sentence for an error that is (or was caused by) a contract's rejection with a declared
 * custom error; undefined for any other error.
 */
export function describeContractError(error: unknown): string | undefined {
  for (const link of errorChain(error)) {
    if (link instanceof ContractRevertError && link.errorName !== undefined) {
      return describeRevert(link.errorName, link.errorArgs ?? []);
    }
  }
  return undefined;
}
