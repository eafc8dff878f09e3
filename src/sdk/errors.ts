/**
 * Every error the SDK throws extends {@link BaseError}: a short message a person can act on, plus
 * the underlying `cause` for `--verbose` output. Modelled on viem's `BaseError`.
 */
import { REGISTRY_PAUSED } from "./fingerprints/pause.ts";

/** What code reads of an error, or of one of its causes: any field may be missing or of any type. */
export type ErrorLink = {
  name?: unknown;
  message?: unknown;
  shortMessage?: unknown;
  details?: unknown;
  code?: unknown;
  status?: unknown;
  maxSize?: unknown;
  size?: unknown;
  cause?: unknown;
};

/** An error and its causes, outermost first (at most ten: a cause chain may loop). */
export function errorChain(error: unknown): ErrorLink[] {
  const chain: ErrorLink[] = [];
  let current: unknown = error;
  while (typeof current === "object" && current !== null && chain.length < 10) {
    const link: ErrorLink = current;
    chain.push(link);
    current = link.cause;
  }
  return chain;
}

export class BaseError extends Error {
  override name = "CrossproofError";
  /** A machine-readable code, stable across versions. */
  readonly code: string;

  constructor(message: string, options: { code: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
  }
}

/** Input that does not have the expected shape (bad hex, wrong length, malformed package). */
export class InvalidInputError extends BaseError {
  override name = "InvalidInputError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: "invalid-input", ...options });
  }
}

/** The chain could not be reached, or answered with something other than a contract result. */
export class ChainUnreachableError extends BaseError {
  override name = "ChainUnreachableError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: "chain-unreachable", ...options });
  }
}

/** A contract call reverted; `errorName` is the decoded custom error when known. */
export class ContractRevertError extends BaseError {
  override name = "ContractRevertError";
  readonly errorName: string | undefined;
  readonly errorArgs: readonly unknown[] | undefined;
  constructor(
    message: string,
    options: { errorName?: string; errorArgs?: readonly unknown[]; cause?: unknown } = {},
  ) {
    super(message, { code: "contract-revert", cause: options.cause });
    this.errorName = options.errorName;
    this.errorArgs = options.errorArgs;
  }
}

/**
 * The consortium committee has paused the fingerprint registry, and a change to its records
 * (anchoring, revocation, reinstatement) was refused before anything was sent: the contract would
 * revert with `EnforcedPause`. The message is the pause's one sentence ({@link REGISTRY_PAUSED}),
 * then `remedy`: what was kept, and what to do.
 */
export class RegistryPausedError extends BaseError {
  override name = "RegistryPausedError";
  constructor(remedy?: string, options: { cause?: unknown } = {}) {
    super(remedy ? `${REGISTRY_PAUSED} ${remedy}` : REGISTRY_PAUSED, { code: "registry-paused", ...options });
  }
}

/**
 * The transaction's fees were refused: the sending account cannot pay for its gas, or the fees the
 * client offered do not fit the chain (e.g. a tip above the fee cap on a chain without fees).
 */
export class TransactionFeeError extends BaseError {
  override name = "TransactionFeeError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: "transaction-fee", ...options });
  }
}

/** No deployment of Crossproof is known for the chain. */
export class DeploymentNotFoundError extends BaseError {
  override name = "DeploymentNotFoundError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: "deployment-not-found", ...options });
  }
}

/**
 * A transaction was sent but not mined in time. It may still land: wait, then look (or resume),
 * rather than send it again.
 */
export class TransactionNotMinedError extends BaseError {
  override name = "TransactionNotMinedError";
  readonly transactionHash: string | undefined;
  constructor(message: string, options: { transactionHash?: string; cause?: unknown } = {}) {
    super(message, { code: "transaction-not-mined", cause: options.cause });
    this.transactionHash = options.transactionHash;
  }
}

/**
 * The chain does not run the EVM version the contracts are compiled for (Cancun: PUSH0 from
 * Shanghai, MCOPY from Cancun; docs/decisions/0001-evm-version.md).
 */
export class ChainEvmVersionError extends BaseError {
  override name = "ChainEvmVersionError";
  constructor(message: string = CHAIN_EVM_VERSION, options: { cause?: unknown } = {}) {
    super(message, { code: "chain-evm-version", ...options });
  }
}

/** What to do when the chain lacks an opcode the contracts use. */
export const CHAIN_EVM_VERSION =
  "The chain does not run the EVM version Crossproof's contracts are compiled for (Cancun: they use PUSH0 and MCOPY). Enable Cancun on the chain (Besu/geth: cancunTime in the genesis; FISCO BCOS: setSystemConfigByKey feature_evm_cancun 1) — see docs/decisions/0001-evm-version.md.";
