// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title MerkleTestTree
/// @notice Reference Merkle tree for tests, written from the spec rather than from the contract:
/// leaf = SHA-256(SHA-256(fingerprint)) (each hash over the 32-byte word), an inner node is SHA-256
/// of the smaller child then the larger, and when a level has an odd number of nodes the last one
/// is promoted unchanged to the next level.
library MerkleTestTree {
    function leaf(bytes32 fingerprint) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(sha256(abi.encodePacked(fingerprint))));
    }

    function node(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? sha256(abi.encodePacked(a, b)) : sha256(abi.encodePacked(b, a));
    }

    /// @notice The root of the tree over `fingerprints` (in order).
    function root(bytes32[] memory fingerprints) internal pure returns (bytes32) {
        (bytes32 treeRoot, ) = rootAndProof(fingerprints, 0);
        return treeRoot;
    }

    /// @notice The proof for the fingerprint at `index`.
    function proof(bytes32[] memory fingerprints, uint256 index) internal pure returns (bytes32[] memory) {
        (, bytes32[] memory siblings) = rootAndProof(fingerprints, index);
        return siblings;
    }

    /// @notice The root of the tree over `fingerprints` and the proof for the one at `index`.
    function rootAndProof(
        bytes32[] memory fingerprints,
        uint256 index
    ) internal pure returns (bytes32 treeRoot, bytes32[] memory siblings) {
        uint256 count = fingerprints.length;
        require(count > 0, "MerkleTestTree: empty");
        require(index < count, "MerkleTestTree: index out of range");

        bytes32[] memory level = new bytes32[](count);
        for (uint256 i; i < count; ++i) {
            level[i] = leaf(fingerprints[i]);
        }
        // A proof has at most one sibling per level: ceil(log2(count)) <= 256.
        bytes32[] memory collected = new bytes32[](256);
        uint256 depth;
        uint256 position = index;
        while (count > 1) {
            uint256 sibling = position ^ 1;
            if (sibling < count) collected[depth++] = level[sibling];
            uint256 nextCount = (count + 1) / 2;
            bytes32[] memory next = new bytes32[](nextCount);
            for (uint256 i; i + 1 < count; i += 2) {
                next[i / 2] = node(level[i], level[i + 1]);
            }
            if (count % 2 == 1) next[nextCount - 1] = level[count - 1]; // promoted unchanged
            level = next;
            count = nextCount;
            position /= 2;
        }
        treeRoot = level[0];
        siblings = new bytes32[](depth);
        for (uint256 i; i < depth; ++i) {
            siblings[i] = collected[i];
        }
    }
}
