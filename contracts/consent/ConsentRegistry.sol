// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

import {IConsentRegistry} from "../interfaces/IConsentRegistry.sol";
import {ConsentIds} from "../libraries/ConsentIds.sol";
import {Paging} from "../libraries/Paging.sol";

/// @title ConsentRegistry
/// @notice Purpose-bound, revocable, countable consents and their usage log. Granting, revoking and
/// consuming are open to the parties themselves; only trusting a consumer contract is administered
/// by the consortium (AccessManager).
contract ConsentRegistry is IConsentRegistry, AccessManaged, EIP712, Nonces {
    uint256 private constant _MAX_SCOPE = 16;

    bytes32 private constant _GRANT_TYPEHASH = keccak256(
        "Grant(address owner,address grantee,bytes32 purpose,bytes32[] scope,uint64 validFrom,"
        "uint64 validUntil,uint32 maxUses,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _REVOKE_TYPEHASH = keccak256("Revoke(bytes32 consentId,uint256 nonce,uint256 deadline)");

    mapping(bytes32 consentId => Consent consent) private _consents;
    mapping(address owner => bytes32[] consentIds) private _byOwner;
    mapping(address grantee => bytes32[] consentIds) private _byGrantee;
    mapping(address consumer => bool trusted) private _trustedConsumers;

    constructor(address initialAuthority) AccessManaged(initialAuthority) EIP712("Crossproof ConsentRegistry", "1") {}

    // ---------------------------------------------------------------- owners

    /// @inheritdoc IConsentRegistry
    function grant(ConsentTerms calldata terms) external returns (bytes32 consentId) {
        return _grant(msg.sender, terms);
    }

    /// @inheritdoc IConsentRegistry
    function grantBySig(
        address owner,
        ConsentTerms calldata terms,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 consentId) {
        bytes32 structHash = keccak256(
            abi.encode(
                _GRANT_TYPEHASH,
                owner,
                terms.grantee,
                terms.purpose,
                keccak256(abi.encodePacked(terms.scope)),
                terms.validFrom,
                terms.validUntil,
                terms.maxUses,
                _useNonce(owner),
                deadline
            )
        );
        _checkSignature(owner, structHash, deadline, signature);
        return _grant(owner, terms);
    }

    /// @inheritdoc IConsentRegistry
    function revoke(bytes32 consentId) external {
        _revoke(consentId, msg.sender);
    }

    /// @inheritdoc IConsentRegistry
    function revokeBySig(bytes32 consentId, uint256 deadline, bytes calldata signature) external {
        address owner = _consents[consentId].owner;
        if (owner == address(0)) revert ConsentNotFound(consentId);
        bytes32 structHash = keccak256(abi.encode(_REVOKE_TYPEHASH, consentId, _useNonce(owner), deadline));
        _checkSignature(owner, structHash, deadline, signature);
        _revoke(consentId, owner);
    }

    // ---------------------------------------------------------------- consumers

    /// @inheritdoc IConsentRegistry
    function consume(
        bytes32 consentId,
        address grantee,
        bytes32 purpose,
        bytes32 schemaId,
        bytes32 usageReference
    ) external {
        Consent storage stored = _consents[consentId];
        address owner = stored.owner;
        if (owner == address(0)) revert ConsentNotFound(consentId);
        address consentGrantee = stored.terms.grantee;
        bool authorized = grantee == consentGrantee && (msg.sender == consentGrantee || _trustedConsumers[msg.sender]);
        if (!authorized) revert UnauthorizedConsumer(consentId, msg.sender);
        _requireUsable(consentId, stored, purpose, schemaId);
        // Cannot overflow: _requireUsable reverts once a limited consent reached maxUses, and an
        // unlimited one would need 2^32 transactions.
        uint32 uses = stored.uses + 1;
        stored.uses = uses;
        emit ConsentConsumed(consentId, owner, consentGrantee, msg.sender, schemaId, usageReference, uses);
    }

    /// @inheritdoc IConsentRegistry
    function setTrustedConsumer(address consumer, bool trusted) external restricted {
        // A key could record uses of any consent with any reference: only contracts, whose code the
        // committee can read, are ever trusted.
        if (trusted && consumer.code.length == 0) revert ConsumerNotAContract(consumer);
        _trustedConsumers[consumer] = trusted;
        emit TrustedConsumerSet(consumer, trusted);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IConsentRegistry
    function isTrustedConsumer(address consumer) external view returns (bool) {
        return _trustedConsumers[consumer];
    }

    /// @inheritdoc IConsentRegistry
    function consent(bytes32 consentId) external view returns (Consent memory) {
        Consent memory found = _consents[consentId];
        if (found.owner == address(0)) revert ConsentNotFound(consentId);
        return found;
    }

    /// @inheritdoc IConsentRegistry
    function isUsable(bytes32 consentId, bytes32 purpose, bytes32 schemaId) public view returns (bool) {
        Consent storage stored = _consents[consentId];
        if (stored.owner == address(0) || stored.revokedAt != 0) return false;
        ConsentTerms storage terms = stored.terms;
        if (terms.purpose != purpose) return false;
        if (block.timestamp < terms.validFrom || block.timestamp >= terms.validUntil) return false;
        if (terms.maxUses != 0 && stored.uses >= terms.maxUses) return false;
        return _inScope(terms.scope, schemaId);
    }

    /// @inheritdoc IConsentRegistry
    function isAuthorized(
        address owner,
        address grantee,
        bytes32 purpose,
        bytes32 schemaId
    ) external view returns (bool) {
        bytes32[] storage ids = _byOwner[owner];
        uint256 count = ids.length;
        for (uint256 i = 0; i < count; ++i) {
            bytes32 consentId = ids[i];
            if (_consents[consentId].terms.grantee == grantee && isUsable(consentId, purpose, schemaId)) return true;
        }
        return false;
    }

    /// @inheritdoc IConsentRegistry
    function consentIdOf(address owner, uint256 index) external pure returns (bytes32) {
        return ConsentIds.derive(owner, index);
    }

    /// @inheritdoc IConsentRegistry
    function consentCountByOwner(address owner) external view returns (uint256) {
        return _byOwner[owner].length;
    }

    /// @inheritdoc IConsentRegistry
    function consentsByOwner(address owner, uint256 offset, uint256 limit) external view returns (bytes32[] memory) {
        return Paging.page(_byOwner[owner], offset, limit);
    }

    /// @inheritdoc IConsentRegistry
    function consentCountByGrantee(address grantee) external view returns (uint256) {
        return _byGrantee[grantee].length;
    }

    /// @inheritdoc IConsentRegistry
    function consentsByGrantee(
        address grantee,
        uint256 offset,
        uint256 limit
    ) external view returns (bytes32[] memory) {
        return Paging.page(_byGrantee[grantee], offset, limit);
    }

    /// @notice Version of this contract.
    function version() external pure returns (string memory) {
        return "0.1.0";
    }

    // ---------------------------------------------------------------- internals

    function _grant(address owner, ConsentTerms calldata terms) private returns (bytes32 consentId) {
        _validateTerms(owner, terms);
        bytes32[] storage owned = _byOwner[owner];
        consentId = ConsentIds.derive(owner, owned.length);
        Consent storage stored = _consents[consentId];
        stored.owner = owner;
        stored.grantedAt = uint64(block.timestamp);
        stored.terms = terms;
        owned.push(consentId);
        _byGrantee[terms.grantee].push(consentId);
        emit ConsentGranted(
            consentId,
            owner,
            terms.grantee,
            terms.purpose,
            terms.scope,
            terms.validFrom,
            terms.validUntil,
            terms.maxUses,
            msg.sender
        );
    }

    function _revoke(bytes32 consentId, address caller) private {
        Consent storage stored = _consents[consentId];
        address owner = stored.owner;
        if (owner == address(0)) revert ConsentNotFound(consentId);
        if (caller != owner) revert NotConsentOwner(consentId, caller);
        if (stored.revokedAt != 0) revert ConsentAlreadyRevoked(consentId);
        stored.revokedAt = uint64(block.timestamp);
        emit ConsentRevoked(consentId, owner, stored.terms.grantee);
    }

    function _validateTerms(address owner, ConsentTerms calldata terms) private pure {
        uint256 scopeLength = terms.scope.length;
        if (
            terms.grantee == address(0) ||
            terms.grantee == owner ||
            terms.purpose == bytes32(0) ||
            scopeLength == 0 ||
            scopeLength > _MAX_SCOPE ||
            terms.validUntil <= terms.validFrom
        ) revert InvalidConsentTerms();
        for (uint256 i = 0; i < scopeLength; ++i) {
            bytes32 schemaId = terms.scope[i];
            if (schemaId == bytes32(0)) revert InvalidConsentTerms();
            for (uint256 j = 0; j < i; ++j) {
                if (terms.scope[j] == schemaId) revert InvalidConsentTerms();
            }
        }
    }

    function _requireUsable(bytes32 consentId, Consent storage stored, bytes32 purpose, bytes32 schemaId) private view {
        if (stored.revokedAt != 0) revert ConsentWasRevoked(consentId, stored.revokedAt);
        ConsentTerms storage terms = stored.terms;
        if (block.timestamp < terms.validFrom || block.timestamp >= terms.validUntil) {
            revert ConsentNotInForce(consentId, terms.validFrom, terms.validUntil);
        }
        if (terms.maxUses != 0 && stored.uses >= terms.maxUses) revert ConsentExhausted(consentId, terms.maxUses);
        if (terms.purpose != purpose) revert PurposeMismatch(consentId, purpose);
        if (!_inScope(terms.scope, schemaId)) revert OutOfScope(consentId, schemaId);
    }

    function _inScope(bytes32[] storage scope, bytes32 schemaId) private view returns (bool) {
        uint256 length = scope.length;
        for (uint256 i = 0; i < length; ++i) {
            if (scope[i] == schemaId) return true;
        }
        return false;
    }

    /// @dev ECDSA first, ERC-1271 for contract wallets (see DIDRegistry._checkSignature for why).
    function _checkSignature(
        address owner,
        bytes32 structHash,
        uint256 deadline,
        bytes calldata signature
    ) private view {
        if (block.timestamp > deadline) revert SignatureExpired(deadline);
        bytes32 digest = _hashTypedDataV4(structHash);
        (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (error == ECDSA.RecoverError.NoError && recovered == owner) return;
        if (!SignatureChecker.isValidERC1271SignatureNowCalldata(owner, digest, signature)) {
            revert InvalidSignature(owner);
        }
    }
}
