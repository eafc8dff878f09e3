// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ISafe
/// @notice The few functions of a Safe (safe-smart-account 1.5.0) that Crossproof reads. The
/// consortium's committee is a Safe whose owners are the committee members.
interface ISafe {
    /// @notice Whether `owner` is an owner (a committee member) of the Safe.
    function isOwner(address owner) external view returns (bool);

    /// @notice The Safe's current transaction nonce.
    function nonce() external view returns (uint256);

    /// @notice How many owners must approve a transaction.
    function getThreshold() external view returns (uint256);

    /// @notice The EIP-712 hash a Safe transaction is approved and executed under.
    function getTransactionHash(
        address to,
        uint256 value,
        bytes calldata data,
        uint8 operation,
        uint256 safeTxGas,
        uint256 baseGas,
        uint256 gasPrice,
        address gasToken,
        address refundReceiver,
        uint256 nonce
    ) external view returns (bytes32);
}
