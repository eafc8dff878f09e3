// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ConsentIds
/// @notice The one derivation of consent ids, mirrored by `consentIdOf` in src/sdk/consent. The tag
/// keeps consent ids apart from every other kind of id (a consent id is never an order id).
library ConsentIds {
    bytes32 internal constant TAG = "crossproof.consent.v1";

    /// @notice Id of the `index`-th consent (0-based) granted by `owner`.
    function derive(address owner, uint256 index) internal pure returns (bytes32) {
        return keccak256(abi.encode(TAG, owner, index));
    }
}
