/**
 * The Crossproof fingerprint, exactly as docs/fingerprint-spec.md specifies it:
 *
 *   documentHash = SHA-256(document bytes)
 *   fingerprint  = SHA-256("crossproof:fingerprint:v1" ‖ salt ‖ documentHash)
 *
 * `salt` is 32 bytes from a CSPRNG, kept by the data owner beside the document (in its data
 * package) and never published; without it, a low-entropy document cannot be guessed back from
 * its fingerprint. Browser-safe: only @noble/hashes and WebCrypto's getRandomValues.
 */
import { sha256 } from "@noble/hashes/sha2.js";

import { InvalidInputError } from "../errors.ts";
import { bytesToHex, expectBytes32, hexToBytes, type Hex } from "../hex.ts";

/** Domain-separation tag, ASCII, prefixed to every fingerprint preimage. */
export const FINGERPRINT_TAG = "crossproof:fingerprint:v1";
const TAG_BYTES = new TextEncoder().encode(FINGERPRINT_TAG);

/** Salt length in bytes (256 bits; the spec requires at least 128). */
export const SALT_LENGTH = 32;

/** A fresh random salt from the platform CSPRNG. */
export function randomSalt(): Hex {
  const salt = new Uint8Array(SALT_LENGTH);
  globalThis.crypto.getRandomValues(salt);
  return bytesToHex(salt);
}

/** SHA-256 of a whole document held in memory. */
export function hashDocument(document: Uint8Array): Hex {
  return bytesToHex(sha256(document));
}

/** Incremental SHA-256 of a document read in chunks (files of any size, streams, Blobs). */
export function createDocumentHasher(): { update(chunk: Uint8Array): void; digest(): Hex } {
  const hasher = sha256.create();
  return {
    update(chunk) {
      hasher.update(chunk);
    },
    digest() {
      return bytesToHex(hasher.digest());
    },
  };
}

/** SHA-256 of a document given as an async iterable of chunks (a Node stream, a Blob stream). */
export async function hashDocumentStream(chunks: AsyncIterable<Uint8Array>): Promise<Hex> {
  const hasher = createDocumentHasher();
  for await (const chunk of chunks) hasher.update(chunk);
  return hasher.digest();
}

export type ComputeFingerprintParameters = {
  /** SHA-256 of the document, 32-byte hex. */
  documentHash: Hex;
  /** The document's 32-byte salt. */
  salt: Hex;
};

/**
 * The fingerprint of a document, given its SHA-256 and salt.
 *
 * @example
 * const fingerprint = computeFingerprint({ documentHash: hashDocument(bytes), salt: randomSalt() });
 */
export function computeFingerprint({ documentHash, salt }: ComputeFingerprintParameters): Hex {
  const hashBytes = hexToBytes(expectBytes32(documentHash, "documentHash"));
  const saltBytes = hexToBytes(expectSalt(salt));
  const preimage = new Uint8Array(TAG_BYTES.length + SALT_LENGTH + 32);
  preimage.set(TAG_BYTES, 0);
  preimage.set(saltBytes, TAG_BYTES.length);
  preimage.set(hashBytes, TAG_BYTES.length + SALT_LENGTH);
  return bytesToHex(sha256(preimage));
}

function expectSalt(salt: Hex): Hex {
  if (typeof salt !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(salt)) {
    throw new InvalidInputError(
      `salt must be ${SALT_LENGTH} bytes of 0x-prefixed hex; a shorter salt would let a low-entropy document be guessed.`,
    );
  }
  return salt;
}
