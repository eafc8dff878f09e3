/** Crossproof SDK: browser-safe entry point. Node-only helpers live in src/sdk/node. */
export * from "./errors.ts";
export * from "./hex.ts";
export * from "./abis.ts";
export * from "./deployments.ts";
export * from "./roles.ts";
export * from "./actions/transact.ts";
export * from "./schemas/schemas.ts";
export * from "./fingerprints/spec.ts";
export * from "./fingerprints/merkle.ts";
export * from "./fingerprints/package.ts";
export * from "./fingerprints/actions.ts";
export * from "./fingerprints/verify-package.ts";
export * from "./fingerprints/reasons.ts";
export * from "./fingerprints/events.ts";
export * from "./identity/index.ts";
