/** DIDs (`did:ethr` on the ERC-1056-compatible DIDRegistry): identifiers, attributes, signed requests, actions, resolution. */
export * from "./did.ts";
export * from "./attributes.ts";
export * from "./typed-data.ts";
export * from "./actions.ts";
export * from "./resolver.ts";
