// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title SchemaIds
/// @notice The one derivation of schema ids, mirrored by `schemaIdOf` in src/sdk/schemas.
library SchemaIds {
    /// @notice keccak256(abi.encode(name, version)).
    function derive(string memory name, string memory version) internal pure returns (bytes32) {
        return keccak256(abi.encode(name, version));
    }
}
