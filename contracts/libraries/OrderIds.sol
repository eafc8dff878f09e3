// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title OrderIds
/// @notice The one derivation of credit order ids, mirrored by `orderIdOf` in src/sdk/credit. The
/// tag keeps order ids apart from every other kind of id (a consent id is never an order id).
library OrderIds {
    bytes32 internal constant TAG = "crossproof.credit-order.v1";

    /// @notice Id of the `index`-th order (0-based) placed by `requester`.
    function derive(address requester, uint256 index) internal pure returns (bytes32) {
        return keccak256(abi.encode(TAG, requester, index));
    }
}
