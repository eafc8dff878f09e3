/** CLI exit codes and the mapping from errors to them. */
import {
  BaseError,
  ChainUnreachableError,
  ContractRevertError,
  DeploymentNotFoundError,
  InvalidInputError,
  TransactionFeeError,
} from "../sdk/errors.ts";
import { describeRevert } from "../sdk/revert-messages.ts";
import { AuditStoreError, ChainBehindIndexError, IndexMismatchError } from "../indexer/errors.ts";

export const ExitCode = {
  ok: 0,
  /**
   * The operation ran but the answer is "no" (verification failed), or the chain rejected it: a
   * contract revert, or a change to a paused fingerprint registry refused before sending.
   */
  failed: 1,
  /**
   * Bad input: unreadable file, malformed package, bad flag; an audit index that cannot be used
   * (missing, unreadable, of another schema version) or that holds another deployment or chain
   * than the manifest and the node.
   */
  badInput: 2,
  /** The chain could not be reached. */
  chainUnreachable: 3,
} as const;

/** Bad command-line usage. */
export class UsageError extends BaseError {
  override name = "UsageError";
  constructor(message: string) {
    super(message, { code: "usage" });
  }
}

export function exitCodeFor(error: unknown): number {
  // A node still syncing (or behind a load balancer) is temporary, like an unreachable one.
  if (error instanceof ChainUnreachableError || error instanceof ChainBehindIndexError)
    return ExitCode.chainUnreachable;
  if (
    error instanceof InvalidInputError ||
    error instanceof UsageError ||
    error instanceof DeploymentNotFoundError ||
    error instanceof AuditStoreError ||
    error instanceof IndexMismatchError
  ) {
    return ExitCode.badInput;
  }
  return ExitCode.failed;
}

/** One line for a person; the stack only with --verbose. */
export function describeError(error: unknown, verbose: boolean): string {
  if (verbose) {
    const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const cause =
      error instanceof Error && error.cause ? `\nCaused by: ${describeError(error.cause, true)}` : "";
    return stack + cause;
  }
  if (error instanceof TransactionFeeError) {
    return `${error.message} Fund the account, or on a chain without fees pass --gas-price 0 (or set CROSSPROOF_GAS_PRICE=0).`;
  }
  if (error instanceof ContractRevertError) return describeRejection(error);
  if (error instanceof BaseError) return error.message;
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return `Unexpected error: ${message} (run again with --verbose for details).`;
}

/**
 * A contract's rejection. Commands that know the situation word their own (consent, order); the
 * SDK's generic "<action> was rejected by the contract: Name(args)." gets the custom error's
 * NatSpec notice instead of the bare name, which stays at the end for searches.
 */
function describeRejection(error: ContractRevertError): string {
  const generic = / was rejected by the contract: /.exec(error.message);
  const sentence = error.errorName ? describeRevert(error.errorName, error.errorArgs ?? []) : undefined;
  if (!generic || sentence === undefined) return error.message;
  const action = error.message.slice(0, generic.index);
  const mined = / \(transaction 0x[0-9a-f]{64} reverted when mined\)/.exec(error.message)?.[0] ?? "";
  return `${action} was rejected by the contract: ${sentence.replace(/\.$/, "")} [${error.errorName}]${mined}.`;
}
