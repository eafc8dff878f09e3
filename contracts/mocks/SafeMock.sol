// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ISafe} from "../interfaces/ISafe.sol";

/// @title SafeMock
/// @notice Test-only stand-in for a Safe (safe-smart-account 1.5.0): fixed owners and threshold, a
/// nonce any caller may set, and the Safe's real EIP-712 transaction hash, which a test may also force
/// to any value (to play a contract that merely answers like a Safe). Not for deployment.
contract SafeMock is ISafe {
    bytes32 private constant _DOMAIN_SEPARATOR_TYPEHASH = keccak256(
        "EIP712Domain(uint256 chainId,address verifyingContract)"
    );
    bytes32 private constant _SAFE_TX_TYPEHASH = keccak256(
        // solhint-disable-next-line max-line-length
        "SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,uint256 baseGas,uint256 gasPrice,address gasToken,address refundReceiver,uint256 nonce)"
    );

    /// @inheritdoc ISafe
    uint256 public nonce;
    uint256 private immutable _threshold;
    mapping(address account => bool owner) private _owners;
    bytes32 private _forcedTransactionHash;

    constructor(address[] memory owners, uint256 threshold) {
        uint256 count = owners.length;
        for (uint256 i = 0; i < count; ++i) {
            _owners[owners[i]] = true;
        }
        _threshold = threshold;
    }

    /// @notice Sets the Safe nonce (as if transactions had been executed).
    function setNonce(uint256 newNonce) external {
        nonce = newNonce;
    }

    /// @notice Makes {getTransactionHash} return `transactionHash` whatever it is asked; zero restores
    /// the real hash.
    function forceTransactionHash(bytes32 transactionHash) external {
        _forcedTransactionHash = transactionHash;
    }

    /// @inheritdoc ISafe
    function isOwner(address owner) external view returns (bool) {
        return _owners[owner];
    }

    /// @inheritdoc ISafe
    function getThreshold() external view returns (uint256) {
        return _threshold;
    }

    /// @inheritdoc ISafe
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
        uint256 txNonce
    ) external view returns (bytes32) {
        if (_forcedTransactionHash != bytes32(0)) return _forcedTransactionHash;
        bytes32 structHash = keccak256(
            abi.encode(
                _SAFE_TX_TYPEHASH,
                to,
                value,
                keccak256(data),
                operation,
                safeTxGas,
                baseGas,
                gasPrice,
                gasToken,
                refundReceiver,
                txNonce
            )
        );
        return keccak256(abi.encodePacked(bytes1(0x19), bytes1(0x01), domainSeparator(), structHash));
    }

    /// @notice The Safe's EIP-712 domain separator (chain id and this contract).
    function domainSeparator() public view returns (bytes32) {
        return keccak256(abi.encode(_DOMAIN_SEPARATOR_TYPEHASH, block.chainid, this));
    }
}
