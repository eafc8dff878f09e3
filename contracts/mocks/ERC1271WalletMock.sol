// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title ERC1271WalletMock
/// @notice Test-only contract wallet controlled by one EOA: it accepts a signature iff the EOA signed
/// the hash (ERC-1271), and forwards arbitrary calls from that EOA. Not for deployment.
contract ERC1271WalletMock is IERC1271 {
    /// @notice `caller` is not the wallet's owner.
    error NotWalletOwner(address caller);

    /// @notice The EOA whose ECDSA signatures this wallet accepts and who may call {execute}.
    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(hash, signature);
        if (error == ECDSA.RecoverError.NoError && signer == owner) return IERC1271.isValidSignature.selector;
        return 0xffffffff;
    }

    /// @notice Calls `target` with `data` as this wallet, bubbling up any revert. Only the owner may call.
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != owner) revert NotWalletOwner(msg.sender);
        return Address.functionCall(target, data);
    }
}
