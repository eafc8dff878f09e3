// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

import {IDIDRegistry} from "../interfaces/IDIDRegistry.sol";

/// @title DIDRegistry
/// @notice ERC-1056-compatible `did:ethr` registry with EIP-712 / ERC-1271 signed writes and final
/// deactivation. Permissionless, like ERC-1056: anyone controls the identity named by their own key.
contract DIDRegistry is IDIDRegistry, EIP712, Nonces {
    /// @dev Owner, last change and deactivation of one identity, packed in one slot so that every
    /// write reads and writes it once (ERC-1056 keeps `owners` and `changed` in two mappings).
    struct IdentityState {
        address owner; // zero: the identity owns itself (unless deactivated)
        uint64 changed; // block number of the last change
        bool deactivated;
    }

    bytes32 private constant _CHANGE_OWNER_TYPEHASH = keccak256(
        "ChangeOwner(address identity,address newOwner,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _ADD_DELEGATE_TYPEHASH = keccak256(
        "AddDelegate(address identity,bytes32 delegateType,address delegate,uint256 validity,"
        "uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _REVOKE_DELEGATE_TYPEHASH = keccak256(
        "RevokeDelegate(address identity,bytes32 delegateType,address delegate,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _SET_ATTRIBUTE_TYPEHASH = keccak256(
        "SetAttribute(address identity,bytes32 name,bytes value,uint256 validity,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _REVOKE_ATTRIBUTE_TYPEHASH = keccak256(
        "RevokeAttribute(address identity,bytes32 name,bytes value,uint256 nonce,uint256 deadline)"
    );

    mapping(address identity => IdentityState state) private _identities;
    mapping(address identity => mapping(bytes32 delegateTypeHash => mapping(address delegate => uint256 validTo)))
        private _delegates;

    constructor() EIP712("Crossproof DIDRegistry", "1") {}

    // ---------------------------------------------------------------- views

    /// @inheritdoc IDIDRegistry
    function identityOwner(address identity) public view returns (address) {
        IdentityState storage state = _identities[identity];
        if (state.deactivated) return address(0);
        address owner = state.owner;
        return owner == address(0) ? identity : owner;
    }

    /// @inheritdoc IDIDRegistry
    function changed(address identity) external view returns (uint256) {
        return _identities[identity].changed;
    }

    /// @inheritdoc IDIDRegistry
    function nonce(address identity) external view returns (uint256) {
        return nonces(identity);
    }

    /// @inheritdoc IDIDRegistry
    function delegates(address identity, bytes32 delegateTypeHash, address delegate) external view returns (uint256) {
        return _delegates[identity][delegateTypeHash][delegate];
    }

    /// @inheritdoc IDIDRegistry
    function validDelegate(address identity, bytes32 delegateType, address delegate) external view returns (bool) {
        if (_identities[identity].deactivated) return false;
        return _delegates[identity][_delegateTypeHash(delegateType)][delegate] > block.timestamp;
    }

    /// @inheritdoc IDIDRegistry
    function isDeactivated(address identity) external view returns (bool) {
        return _identities[identity].deactivated;
    }

    /// @notice Version of this contract.
    function version() external pure returns (string memory) {
        return "0.1.0";
    }

    // ---------------------------------------------------------------- writes by the owner

    /// @inheritdoc IDIDRegistry
    function changeOwner(address identity, address newOwner) external {
        _changeOwner(identity, msg.sender, newOwner);
    }

    /// @inheritdoc IDIDRegistry
    function addDelegate(address identity, bytes32 delegateType, address delegate, uint256 validity) external {
        _addDelegate(identity, msg.sender, delegateType, delegate, validity);
    }

    /// @inheritdoc IDIDRegistry
    function revokeDelegate(address identity, bytes32 delegateType, address delegate) external {
        _revokeDelegate(identity, msg.sender, delegateType, delegate);
    }

    /// @inheritdoc IDIDRegistry
    function setAttribute(address identity, bytes32 name, bytes calldata value, uint256 validity) external {
        _setAttribute(identity, msg.sender, name, value, validity);
    }

    /// @inheritdoc IDIDRegistry
    function revokeAttribute(address identity, bytes32 name, bytes calldata value) external {
        _revokeAttribute(identity, msg.sender, name, value);
    }

    // ---------------------------------------------------------------- signed writes (EIP-712 / ERC-1271)

    /// @inheritdoc IDIDRegistry
    function changeOwnerSigned(
        address identity,
        address newOwner,
        uint256 deadline,
        bytes calldata signature
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(_CHANGE_OWNER_TYPEHASH, identity, newOwner, _useNonce(identity), deadline)
        );
        _changeOwner(identity, _checkSignature(identity, structHash, deadline, signature), newOwner);
    }

    /// @inheritdoc IDIDRegistry
    function addDelegateSigned(
        address identity,
        bytes32 delegateType,
        address delegate,
        uint256 validity,
        uint256 deadline,
        bytes calldata signature
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(
                _ADD_DELEGATE_TYPEHASH,
                identity,
                delegateType,
                delegate,
                validity,
                _useNonce(identity),
                deadline
            )
        );
        _addDelegate(
            identity,
            _checkSignature(identity, structHash, deadline, signature),
            delegateType,
            delegate,
            validity
        );
    }

    /// @inheritdoc IDIDRegistry
    function revokeDelegateSigned(
        address identity,
        bytes32 delegateType,
        address delegate,
        uint256 deadline,
        bytes calldata signature
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(_REVOKE_DELEGATE_TYPEHASH, identity, delegateType, delegate, _useNonce(identity), deadline)
        );
        _revokeDelegate(identity, _checkSignature(identity, structHash, deadline, signature), delegateType, delegate);
    }

    /// @inheritdoc IDIDRegistry
    function setAttributeSigned(
        address identity,
        bytes32 name,
        bytes calldata value,
        uint256 validity,
        uint256 deadline,
        bytes calldata signature
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(
                _SET_ATTRIBUTE_TYPEHASH,
                identity,
                name,
                keccak256(value),
                validity,
                _useNonce(identity),
                deadline
            )
        );
        _setAttribute(identity, _checkSignature(identity, structHash, deadline, signature), name, value, validity);
    }

    /// @inheritdoc IDIDRegistry
    function revokeAttributeSigned(
        address identity,
        bytes32 name,
        bytes calldata value,
        uint256 deadline,
        bytes calldata signature
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(_REVOKE_ATTRIBUTE_TYPEHASH, identity, name, keccak256(value), _useNonce(identity), deadline)
        );
        _revokeAttribute(identity, _checkSignature(identity, structHash, deadline, signature), name, value);
    }

    // ---------------------------------------------------------------- internals

    function _changeOwner(address identity, address actor, address newOwner) private {
        uint256 previousChange = _authorize(identity, actor);
        // One SSTORE: the new owner, this block as the last change, and deactivation when the owner is zero.
        _identities[identity] = IdentityState({
            owner: newOwner,
            changed: uint64(block.number),
            deactivated: newOwner == address(0)
        });
        emit DIDOwnerChanged(identity, newOwner, previousChange);
    }

    function _addDelegate(
        address identity,
        address actor,
        bytes32 delegateType,
        address delegate,
        uint256 validity
    ) private {
        uint256 previousChange = _touch(identity, actor);
        uint256 validTo = _validTo(validity);
        _delegates[identity][_delegateTypeHash(delegateType)][delegate] = validTo;
        emit DIDDelegateChanged(identity, delegateType, delegate, validTo, previousChange);
    }

    function _revokeDelegate(address identity, address actor, bytes32 delegateType, address delegate) private {
        uint256 previousChange = _touch(identity, actor);
        _delegates[identity][_delegateTypeHash(delegateType)][delegate] = block.timestamp;
        emit DIDDelegateChanged(identity, delegateType, delegate, block.timestamp, previousChange);
    }

    function _setAttribute(
        address identity,
        address actor,
        bytes32 name,
        bytes calldata value,
        uint256 validity
    ) private {
        uint256 previousChange = _touch(identity, actor);
        emit DIDAttributeChanged(identity, name, value, _validTo(validity), previousChange);
    }

    function _revokeAttribute(address identity, address actor, bytes32 name, bytes calldata value) private {
        uint256 previousChange = _touch(identity, actor);
        emit DIDAttributeChanged(identity, name, value, 0, previousChange);
    }

    /// @dev Checks that `actor` owns `identity`, records this block as its last change and returns
    /// the previous one.
    function _touch(address identity, address actor) private returns (uint256 previousChange) {
        previousChange = _authorize(identity, actor);
        _identities[identity].changed = uint64(block.number);
    }

    /// @dev Reverts unless `actor` is the current owner of the (active) identity; returns the block
    /// of its last change.
    function _authorize(address identity, address actor) private view returns (uint256 previousChange) {
        IdentityState memory state = _identities[identity];
        if (state.deactivated) revert IdentityDeactivated(identity);
        address owner = state.owner == address(0) ? identity : state.owner;
        if (actor != owner) revert NotIdentityOwner(identity, actor);
        return state.changed;
    }

    /// @dev Returns the owner who signed the request, after checking the deadline and the
    /// signature: ECDSA for a key, else ERC-1271 for a contract wallet. The key is tried first
    /// because most owners are keys: asking whether the owner has code first (as
    /// `SignatureChecker.isValidSignatureNow` does) costs a cold account access, 2,600 gas, on every
    /// signed write; a contract wallet pays one failed ecrecover instead. For a key owner the ERC-1271
    /// fallback is a call to an account without code, which returns nothing and so fails.
    function _checkSignature(
        address identity,
        bytes32 structHash,
        uint256 deadline,
        bytes calldata signature
    ) private view returns (address owner) {
        if (block.timestamp > deadline) revert SignatureExpired(deadline);
        owner = identityOwner(identity);
        if (owner == address(0)) revert IdentityDeactivated(identity);
        bytes32 digest = _hashTypedDataV4(structHash);
        (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (error == ECDSA.RecoverError.NoError && recovered == owner) return owner;
        if (!SignatureChecker.isValidERC1271SignatureNowCalldata(owner, digest, signature)) {
            revert InvalidSignature(identity, owner);
        }
    }

    function _validTo(uint256 validity) private view returns (uint256 validTo) {
        // Overflow is checked right after: a wrapped sum is smaller than `validity`.
        unchecked {
            validTo = block.timestamp + validity;
        }
        if (validTo < validity) revert ValidityTooLong(validity);
    }

    function _delegateTypeHash(bytes32 delegateType) private pure returns (bytes32) {
        return keccak256(abi.encode(delegateType));
    }
}
