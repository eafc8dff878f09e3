import { hasControlCharacters } from "./text.ts";

/**
 * Whether `value` is an absolute URI (a scheme, then no whitespace), e.g. `https://issuer.example/x`
 * or `ipfs://bafy…`: the form every URI field of Crossproof (schema definitions, batch manifests, DID
 * service endpoints) must take, so that no free text (a name, a note about a person) lands on chain
 * where a URI belongs.
 */
export function isAbsoluteUri(value: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(value) && !hasControlCharacters(value) && URL.canParse(value);
}
