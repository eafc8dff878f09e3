/** Errors of the audit index; each says what to do. */
import { BaseError, ChainUnreachableError } from "../sdk/errors.ts";

/** The index database could not be opened, migrated or written. */
export class AuditStoreError extends BaseError {
  override name = "AuditStoreError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: "audit-store", ...options });
  }
}

/** The index was written by another schema version of Crossproof: index into a new database. */
export class AuditSchemaVersionError extends AuditStoreError {
  override name = "AuditSchemaVersionError";
}

/** Another process moved the cursor while this one was preparing a range. */
export class ConcurrentWriterError extends BaseError {
  override name = "ConcurrentWriterError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: "concurrent-writer", ...options });
  }
}

/** An RPC call that kept failing after every retry. */
export class RpcFailedError extends ChainUnreachableError {
  override name = "RpcFailedError";
}

/** The database holds no audit index (a query found no tables): run `crossproof audit sync` first. */
export class AuditIndexMissingError extends AuditStoreError {
  override name = "AuditIndexMissingError";
}

/**
 * The index cannot follow this node or this manifest as they are: it holds another deployment, the
 * node holds another chain (reset, or another network with the same chain id), or a reorganisation
 * goes deeper than the index may roll back. Nothing was written; the message says what to do.
 */
export class IndexMismatchError extends BaseError {
  override name = "IndexMismatchError";
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { ...options, code: options.code ?? "index-mismatch" });
  }
}

/** The index holds another deployment of this chain id than the manifest's. */
export class DeploymentMismatchError extends IndexMismatchError {
  override name = "DeploymentMismatchError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: "index-deployment-mismatch" });
  }
}

/** The node does not hold the chain the index was built from (its start block differs, or every block the index stored). */
export class ChainMismatchError extends IndexMismatchError {
  override name = "ChainMismatchError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: "index-chain-mismatch" });
  }
}

/** A reorganisation deeper than the index may roll back (`maxReorg`, `--max-reorg`). */
export class ReorgTooDeepError extends IndexMismatchError {
  override name = "ReorgTooDeepError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: "reorg-too-deep" });
  }
}

/**
 * The node's chain ends below the index: it does not hold the chain the index was built from, or is
 * still syncing. `follow` keeps trying (a syncing node catches up); a single sync stops.
 */
export class ChainBehindIndexError extends IndexMismatchError {
  override name = "ChainBehindIndexError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: "chain-behind-index" });
  }
}

/**
 * One transaction's logs are larger than the RPC client accepts in one answer (viem's http
 * transport: `maxResponseBodySize`, 10 MiB by default), so they cannot be read through it.
 */
export class LogsTooLargeError extends ChainUnreachableError {
  override name = "LogsTooLargeError";
}
