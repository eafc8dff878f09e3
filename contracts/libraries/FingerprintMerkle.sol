// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title FingerprintMerkle
/// @notice Merkle batches of fingerprints, as specified in docs/fingerprint-spec.md and mirrored by
/// src/sdk/fingerprints/merkle.ts.
/// @dev SHA-256 throughout (the same function as the fingerprint itself, hardware-accelerated off
/// chain, precompile 0x02 on chain). A leaf is SHA-256(SHA-256(fingerprint)) — 32 bytes hashed —
/// while an inner node hashes 64 bytes, so an inner node can never pass as a leaf. Pairs are
/// sorted before hashing, so proofs carry no left/right bits (OpenZeppelin's commutative scheme).
library FingerprintMerkle {
    /// @notice The leaf committed to the tree for `fingerprint`.
    function leaf(bytes32 fingerprint) internal pure returns (bytes32) {
        return sha256(abi.encode(sha256(abi.encode(fingerprint))));
    }

    /// @notice The parent of two nodes: SHA-256 of the smaller then the larger.
    function node(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? sha256(abi.encode(a, b)) : sha256(abi.encode(b, a));
    }

    /// @notice Whether `proof` leads from `fingerprint`'s leaf to `root`.
    function verify(bytes32[] calldata proof, bytes32 root, bytes32 fingerprint) internal view returns (bool) {
        return MerkleProof.verifyCalldata(proof, root, leaf(fingerprint), node);
    }
}
