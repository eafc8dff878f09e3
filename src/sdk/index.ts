/** Crossproof SDK: browser-safe entry point. Node-only helpers live in src/sdk/node. */
export * from "./errors.ts";
export * from "./revert-messages.ts";
export * from "./hex.ts";
export * from "./abis.ts";
export * from "./deployments.ts";
export * from "./contracts.ts";
export * from "./audit.ts";
export * from "./roles.ts";
export * from "./actions/transact.ts";
export {
  blockTimes,
  getContractEventsInRanges,
  type GetContractEventsInRangesParameters,
  type GetContractEventsInRangesReturnType,
} from "./actions/events.ts";
export * from "./schemas/schemas.ts";
export * from "./fingerprints/spec.ts";
export * from "./fingerprints/merkle.ts";
export * from "./fingerprints/package.ts";
export * from "./fingerprints/actions.ts";
export * from "./fingerprints/pause.ts";
export * from "./fingerprints/verify-package.ts";
export * from "./fingerprints/reasons.ts";
export * from "./fingerprints/events.ts";
export * from "./identity/index.ts";
export * from "./governance/committee.ts";
export * from "./issuers/issuers.ts";
export * from "./consent/consent.ts";
export * from "./credit/orders.ts";
