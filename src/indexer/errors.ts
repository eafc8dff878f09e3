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
