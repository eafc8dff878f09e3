// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {IFingerprintRegistry} from "../interfaces/IFingerprintRegistry.sol";
import {IIssuerAccreditation} from "../interfaces/IIssuerAccreditation.sol";
import {ISchemaRegistry} from "../interfaces/ISchemaRegistry.sol";
import {FingerprintMerkle} from "../libraries/FingerprintMerkle.sol";

/// @title FingerprintRegistry
/// @notice Anchors, revokes and verifies salted document fingerprints and Merkle batches.
/// @dev Gas: the anchor paths read exactly one accreditation slot and write one packed record slot.
/// Administration (accreditation) is `restricted` through the consortium's AccessManager; the
/// anchor paths are deliberately not, since `restricted` costs ~11,000 gas per call
/// (docs/decisions/0002-anchor-hot-path.md). Pausing is `restricted` too, and reaches the anchor
/// paths through the accreditation slot they read anyway.
contract FingerprintRegistry is IFingerprintRegistry, AccessManaged, Pausable {
    using EnumerableSet for EnumerableSet.Bytes32Set;

    /// @dev How many accreditations may be active at once. `pause` and `unpause` walk every active
    /// one (≈ 7,600 gas each), so both must fit in one transaction: 2,000 take ≈ 15.2M gas, under
    /// EIP-7825's per-transaction cap of 16,777,216 (and any 30M block), whatever happens while paused.
    uint256 private constant _MAX_ACTIVE_ACCREDITATIONS = 2_000;
    /// @dev Accreditation.active (lowest byte) and Accreditation.paused (the byte at bit 72) of the
    /// packed struct: an issuer may anchor when the masked word is exactly 1 (active, not paused).
    uint256 private constant _ACTIVE_AND_PAUSED_BYTES = 0xff | (0xff << 72);

    ISchemaRegistry private immutable _schemaRegistry;

    /// @dev Keyed by `_accreditationKey(issuer, schemaIndex)`: one hash instead of two on the hot path.
    mapping(bytes32 issuerAndSchemaIndex => Accreditation accreditation) private _accreditations;
    /// @dev The keys of `_accreditations` active now: what a pause and an unpause walk.
    EnumerableSet.Bytes32Set private _activeAccreditationKeys;
    /// @dev Same keys as `_accreditations`; read only by verification views, never on the anchor path.
    mapping(bytes32 issuerAndSchemaIndex => UntrustedWindow[] windows) private _untrustedWindows;
    mapping(bytes32 fingerprint => AnchorRecord record) private _anchors;
    mapping(bytes32 root => AnchorRecord record) private _batches;
    /// @dev Keyed by batch root first (zero for single anchors), so an issuer who puts someone
    /// else's fingerprint into its own batch can only ever revoke its own claim.
    mapping(bytes32 batchRoot => mapping(bytes32 fingerprint => Revocation revocation)) private _revocations;

    constructor(address initialAuthority, ISchemaRegistry schemaRegistry_) AccessManaged(initialAuthority) {
        _schemaRegistry = schemaRegistry_;
    }

    // ---------------------------------------------------------------- accreditation (restricted)

    /// @inheritdoc IIssuerAccreditation
    function accredit(address issuer, bytes32 schemaId) external restricted {
        if (issuer == address(0)) revert InvalidIssuer();
        bytes32 key = _accreditationKey(issuer, _schemaIndexOf(schemaId));
        Accreditation storage current = _accreditations[key];
        if (current.active) revert AlreadyAccredited(issuer, schemaId);
        uint32 now32 = _now32();
        if (_activeAccreditationKeys.length() >= _MAX_ACTIVE_ACCREDITATIONS) {
            revert TooManyAccreditations(_MAX_ACTIVE_ACCREDITATIONS);
        }
        _activeAccreditationKeys.add(key);
        if (current.withdrawals != 0) {
            // A re-accreditation closes the window the latest withdrawal opened.
            UntrustedWindow storage window = _untrustedWindows[key][current.withdrawals - 1];
            if (now32 <= window.from) revert ReaccreditationTooEarly(issuer, schemaId, uint64(window.from) + 1);
            window.until = now32;
        }
        current.active = true;
        current.accreditedAt = now32;
        current.paused = paused();
        emit IssuerAccredited(issuer, schemaId);
    }

    /// @inheritdoc IIssuerAccreditation
    function withdrawAccreditation(address issuer, bytes32 schemaId, uint64 effectiveFrom) external restricted {
        bytes32 key = _accreditationKey(issuer, _schemaIndexOf(schemaId));
        Accreditation storage current = _accreditations[key];
        if (!current.active) revert NotAccredited(issuer, schemaId);
        // Not before the current accreditation began: windows never overlap and stay in order.
        if (effectiveFrom > _now32() || effectiveFrom < current.accreditedAt) {
            revert InvalidWithdrawalTime(effectiveFrom);
        }
        current.active = false;
        current.paused = false;
        _activeAccreditationKeys.remove(key);
        // Fits 32 bits: effectiveFrom <= _now32(). Cannot overflow: one withdrawal per transaction.
        _untrustedWindows[key].push(UntrustedWindow({from: uint32(effectiveFrom), until: 0}));
        ++current.withdrawals;
        emit AccreditationWithdrawn(issuer, schemaId, effectiveFrom);
    }

    // ---------------------------------------------------------------- pausing (restricted)

    /// @inheritdoc IFingerprintRegistry
    function pause() external restricted {
        _pause();
        _markActiveAccreditations(true);
    }

    /// @inheritdoc IFingerprintRegistry
    function unpause() external restricted {
        _unpause();
        _markActiveAccreditations(false);
    }

    /// @inheritdoc IFingerprintRegistry
    function paused() public view override(IFingerprintRegistry, Pausable) returns (bool) {
        return super.paused();
    }

    // ---------------------------------------------------------------- anchoring

    /// @inheritdoc IFingerprintRegistry
    function anchor(bytes32 fingerprint, uint32 schemaIndex, uint64 expiresAt) external {
        _store(_anchors, fingerprint, _newRecord(schemaIndex, expiresAt));
        bytes32 topic = Anchored.selector;
        assembly ("memory-safe") {
            // emit Anchored(fingerprint, msg.sender, schemaIndex, expiresAt), data in scratch space.
            mstore(0x00, schemaIndex)
            mstore(0x20, expiresAt)
            log3(0x00, 0x40, topic, fingerprint, caller())
        }
    }

    /// @inheritdoc IFingerprintRegistry
    function anchorMany(bytes32[] calldata fingerprints, uint32 schemaIndex, uint64 expiresAt) external {
        uint256 count = fingerprints.length;
        if (count == 0) revert EmptyFingerprintList();
        uint256 record = _newRecord(schemaIndex, expiresAt);
        // The per-item loop is what bulk issuers pay for: one hash, one SLOAD, one SSTORE, nothing else.
        uint256 failedAt = type(uint256).max;
        assembly ("memory-safe") {
            mstore(0x20, _anchors.slot)
            for {
                let i := 0
            } lt(i, count) {
                i := add(i, 1)
            } {
                let fingerprint := calldataload(add(fingerprints.offset, shl(5, i)))
                mstore(0x00, fingerprint)
                let slot := keccak256(0x00, 0x40)
                // A zero fingerprint, or a key anchored already (earlier, or earlier in this list).
                if or(iszero(fingerprint), sload(slot)) {
                    failedAt := i
                    break
                }
                sstore(slot, record)
            }
        }
        if (failedAt != type(uint256).max) {
            bytes32 fingerprint = fingerprints[failedAt];
            if (fingerprint == bytes32(0)) revert ZeroFingerprint();
            revert AlreadyAnchored(fingerprint, _anchors[fingerprint].issuer);
        }
        bytes32 topic = AnchoredMany.selector;
        assembly ("memory-safe") {
            // emit AnchoredMany(msg.sender, schemaIndex, expiresAt, fingerprints): the ABI encoding
            // (two words, the array's offset and length, then its items copied from calldata).
            let data := mload(0x40)
            mstore(data, schemaIndex)
            mstore(add(data, 0x20), expiresAt)
            mstore(add(data, 0x40), 0x60)
            mstore(add(data, 0x60), count)
            calldatacopy(add(data, 0x80), fingerprints.offset, shl(5, count))
            log2(data, add(0x80, shl(5, count)), topic, caller())
        }
    }

    /// @inheritdoc IFingerprintRegistry
    function anchorBatch(bytes32 root, uint32 leafCount, uint32 schemaIndex, uint64 expiresAt) public {
        if (leafCount == 0) revert EmptyBatch();
        _store(_batches, root, _newRecord(schemaIndex, expiresAt));
        bytes32 topic = BatchAnchored.selector;
        assembly ("memory-safe") {
            // emit BatchAnchored(root, msg.sender, schemaIndex, leafCount, expiresAt), data at the
            // free memory pointer (not advanced: nothing else is allocated before returning).
            let data := mload(0x40)
            mstore(data, schemaIndex)
            mstore(add(data, 0x20), leafCount)
            mstore(add(data, 0x40), expiresAt)
            log3(data, 0x60, topic, root, caller())
        }
    }

    /// @inheritdoc IFingerprintRegistry
    function anchorBatchWithURI(
        bytes32 root,
        uint32 leafCount,
        uint32 schemaIndex,
        uint64 expiresAt,
        string calldata uri
    ) external {
        anchorBatch(root, leafCount, schemaIndex, expiresAt);
        emit BatchURI(root, uri);
    }

    // ---------------------------------------------------------------- revocation

    /// @inheritdoc IFingerprintRegistry
    function revoke(bytes32 fingerprint, uint16 reason, bytes32 supersededBy) external {
        _revoke(_anchors[fingerprint], bytes32(0), fingerprint, reason, supersededBy);
    }

    /// @inheritdoc IFingerprintRegistry
    function revokeLeaf(
        bytes32 root,
        bytes32 fingerprint,
        bytes32[] calldata proof,
        uint16 reason,
        bytes32 supersededBy
    ) external {
        _requireLeaf(root, fingerprint, proof);
        _revoke(_batches[root], root, fingerprint, reason, supersededBy);
    }

    /// @inheritdoc IFingerprintRegistry
    function reinstate(bytes32 fingerprint) external {
        _reinstate(_anchors[fingerprint], bytes32(0), fingerprint);
    }

    /// @inheritdoc IFingerprintRegistry
    function reinstateLeaf(bytes32 root, bytes32 fingerprint, bytes32[] calldata proof) external {
        _requireLeaf(root, fingerprint, proof);
        _reinstate(_batches[root], root, fingerprint);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IFingerprintRegistry
    function verify(bytes32 fingerprint) external view returns (Verification memory) {
        return _verification(_anchors[fingerprint], bytes32(0), fingerprint);
    }

    /// @inheritdoc IFingerprintRegistry
    function verifyLeaf(
        bytes32 root,
        bytes32 fingerprint,
        bytes32[] calldata proof
    ) external view returns (Verification memory result) {
        AnchorRecord memory batch = _batches[root];
        if (batch.issuer != address(0) && !FingerprintMerkle.verify(proof, root, fingerprint)) {
            result.status = VerificationStatus.BadProof;
            return result;
        }
        return _verification(batch, root, fingerprint);
    }

    /// @inheritdoc IFingerprintRegistry
    function anchorOf(bytes32 fingerprint) external view returns (AnchorRecord memory) {
        return _anchors[fingerprint];
    }

    /// @inheritdoc IFingerprintRegistry
    function batchOf(bytes32 root) external view returns (AnchorRecord memory) {
        return _batches[root];
    }

    /// @inheritdoc IFingerprintRegistry
    function revocationOf(bytes32 batchRoot, bytes32 fingerprint) external view returns (Revocation memory) {
        return _revocations[batchRoot][fingerprint];
    }

    /// @inheritdoc IIssuerAccreditation
    function accreditation(address issuer, bytes32 schemaId) external view returns (Accreditation memory) {
        return _accreditations[_accreditationKey(issuer, _schemaIndexOf(schemaId))];
    }

    /// @inheritdoc IFingerprintRegistry
    function accreditationByIndex(address issuer, uint32 schemaIndex) external view returns (Accreditation memory) {
        return _accreditations[_accreditationKey(issuer, schemaIndex)];
    }

    /// @inheritdoc IIssuerAccreditation
    function untrustedWindows(address issuer, bytes32 schemaId) external view returns (UntrustedWindow[] memory) {
        return _untrustedWindows[_accreditationKey(issuer, _schemaIndexOf(schemaId))];
    }

    /// @inheritdoc IIssuerAccreditation
    function isAccredited(address issuer, bytes32 schemaId) external view returns (bool) {
        return _accreditations[_accreditationKey(issuer, _schemaIndexOf(schemaId))].active;
    }

    /// @inheritdoc IFingerprintRegistry
    function schemaRegistry() external view returns (address) {
        return address(_schemaRegistry);
    }

    /// @inheritdoc IFingerprintRegistry
    function version() external pure returns (string memory) {
        return "0.1.0";
    }

    // ---------------------------------------------------------------- internals

    /// @dev The packed AnchorRecord word the caller would anchor: one SLOAD (the accreditation).
    /// Layout (low to high bits), as Solidity packs AnchorRecord: issuer (160) | schemaIndex (32) |
    /// anchoredAt (32) | expiresAt (32). Built by hand so each store is a single SSTORE.
    function _newRecord(uint32 schemaIndex, uint64 expiresAt) private view returns (uint256 record) {
        uint256 accreditationWord;
        assembly ("memory-safe") {
            // _accreditations[_accreditationKey(caller, schemaIndex)], read as a raw word.
            mstore(0x00, or(shl(32, caller()), schemaIndex))
            mstore(0x20, _accreditations.slot)
            accreditationWord := sload(keccak256(0x00, 0x40))
        }
        if (accreditationWord & _ACTIVE_AND_PAUSED_BYTES != 1) {
            if (accreditationWord & 0xff == 0) revert IssuerNotAccredited(msg.sender, schemaIndex);
            revert EnforcedPause();
        }
        if (block.timestamp > type(uint32).max) revert TimestampOutOfRange(block.timestamp);
        if (expiresAt != 0 && (expiresAt <= block.timestamp || expiresAt > type(uint32).max)) {
            revert InvalidExpiry(expiresAt);
        }
        assembly ("memory-safe") {
            record := or(or(caller(), shl(160, schemaIndex)), or(shl(192, timestamp()), shl(224, expiresAt)))
        }
    }

    /// @dev Writes the packed `record` under `key` unless something is anchored there already (no
    /// overwrite, ever). The mapping's value type is AnchorRecord; the word is written whole.
    function _store(mapping(bytes32 => AnchorRecord) storage records, bytes32 key, uint256 record) private {
        if (key == bytes32(0)) revert ZeroFingerprint();
        AnchorRecord storage slot = records[key];
        uint256 existing;
        assembly ("memory-safe") {
            existing := sload(slot.slot)
        }
        if (existing != 0) revert AlreadyAnchored(key, address(uint160(existing)));
        assembly ("memory-safe") {
            sstore(slot.slot, record)
        }
    }

    /// @dev Writes the pause into every active accreditation (inactive ones never carry it: a
    /// withdrawal clears it, an accreditation copies `paused()`), so `Accreditation.paused` always
    /// equals `active && paused()`.
    function _markActiveAccreditations(bool pausedNow) private {
        uint256 count = _activeAccreditationKeys.length();
        for (uint256 i = 0; i < count; ++i) {
            _accreditations[_activeAccreditationKeys.at(i)].paused = pausedNow;
        }
    }

    /// @dev issuer (160 bits) above schemaIndex (32 bits): unique per pair, no hashing needed.
    function _accreditationKey(address issuer, uint32 schemaIndex) private pure returns (bytes32) {
        return bytes32((uint256(uint160(issuer)) << 32) | schemaIndex);
    }

    /// @dev The compact index of a registered schema; reverts with SchemaNotFound otherwise.
    function _schemaIndexOf(bytes32 schemaId) private view returns (uint32) {
        return _schemaRegistry.indexOf(schemaId);
    }

    function _revoke(
        AnchorRecord storage record,
        bytes32 batchRoot,
        bytes32 fingerprint,
        uint16 reason,
        bytes32 supersededBy
    ) private {
        (bytes32 schemaId, bool revocable, ) = _requireIssuer(record, batchRoot, fingerprint);
        if (!revocable) revert SchemaNotRevocable(schemaId);
        if (reason == 0) revert InvalidRevocationReason();
        Revocation storage revocation = _revocations[batchRoot][fingerprint];
        if (_isRevoked(revocation, record)) revert AlreadyRevoked(fingerprint);
        // A revocation after a reinstatement starts fresh: no earlier replacement carries over.
        bool revokedBefore = revocation.revokedAt != 0;
        revocation.revokedAt = _now32();
        revocation.reason = reason;
        revocation.reinstatedAt = 0;
        if (supersededBy != bytes32(0) || revokedBefore) revocation.supersededBy = supersededBy;
        emit Revoked(fingerprint, msg.sender, batchRoot, reason, supersededBy);
    }

    function _reinstate(AnchorRecord storage record, bytes32 batchRoot, bytes32 fingerprint) private {
        (bytes32 schemaId, , bool reinstatable) = _requireIssuer(record, batchRoot, fingerprint);
        if (!reinstatable) revert SchemaNotReinstatable(schemaId);
        Revocation storage revocation = _revocations[batchRoot][fingerprint];
        if (!_isRevoked(revocation, record)) revert NotRevoked(fingerprint);
        // Kept, not deleted: if the committee later backdates a withdrawal of this issuer's
        // accreditation over this moment (a stolen key), the revocation is in force again.
        revocation.reinstatedAt = _now32();
        emit Reinstated(fingerprint, msg.sender, batchRoot);
    }

    /// @dev Reverts unless the caller anchored `record`, is still accredited for its schema and the
    /// registry is not paused; returns the schema's id and revocation policy.
    function _requireIssuer(
        AnchorRecord storage record,
        bytes32 batchRoot,
        bytes32 fingerprint
    ) private view returns (bytes32 schemaId, bool revocable, bool reinstatable) {
        address issuer = record.issuer;
        bytes32 key = batchRoot == bytes32(0) ? fingerprint : batchRoot;
        if (issuer == address(0)) revert NotAnchored(key);
        if (issuer != msg.sender) revert NotRecordIssuer(key, issuer, msg.sender);
        // A withdrawn (possibly stolen) key may neither revoke genuine records nor reinstate revoked ones.
        uint32 schemaIndex = record.schemaIndex;
        Accreditation storage current = _accreditations[_accreditationKey(issuer, schemaIndex)];
        if (!current.active) revert IssuerNotAccredited(issuer, schemaIndex);
        if (current.paused) revert EnforcedPause();
        return _schemaRegistry.policyAt(schemaIndex);
    }

    function _requireLeaf(bytes32 root, bytes32 fingerprint, bytes32[] calldata proof) private view {
        if (_batches[root].issuer == address(0)) revert NotAnchored(root);
        if (!FingerprintMerkle.verify(proof, root, fingerprint)) revert InvalidProof(root, fingerprint);
    }

    function _verification(
        AnchorRecord memory record,
        bytes32 batchRoot,
        bytes32 fingerprint
    ) private view returns (Verification memory result) {
        if (record.issuer == address(0)) return result; // status NotAnchored
        bytes32 schemaId = _schemaRegistry.schemaIdAt(record.schemaIndex);
        result = Verification({
            status: VerificationStatus.Valid,
            issuer: record.issuer,
            schemaId: schemaId,
            anchoredAt: record.anchoredAt,
            expiresAt: record.expiresAt,
            revokedAt: 0,
            revocationReason: 0,
            supersededBy: bytes32(0)
        });
        Revocation storage revocation = _revocations[batchRoot][fingerprint];
        if (_isRevoked(revocation, record)) {
            result.status = VerificationStatus.Revoked;
            result.revokedAt = revocation.revokedAt;
            result.revocationReason = revocation.reason;
            result.supersededBy = revocation.supersededBy;
        } else if (_untrustedAt(record, record.anchoredAt)) {
            result.status = VerificationStatus.Unaccredited;
        } else if (record.expiresAt != 0 && block.timestamp >= record.expiresAt) {
            result.status = VerificationStatus.Expired;
        }
    }

    /// @dev Whether `revocation` of `record` is in force: revoked, and not reinstated since except
    /// inside an untrusted window of the record's issuer (a withdrawn key's reinstatement).
    function _isRevoked(Revocation storage revocation, AnchorRecord memory record) private view returns (bool) {
        if (revocation.revokedAt == 0) return false;
        uint32 reinstatedAt = revocation.reinstatedAt;
        return reinstatedAt == 0 || _untrustedAt(record, reinstatedAt);
    }

    /// @dev Whether `time` falls inside one of the untrusted windows of `record`'s issuer for its
    /// schema. Windows are disjoint and in order, so the last one starting at or before it decides.
    function _untrustedAt(AnchorRecord memory record, uint32 time) private view returns (bool) {
        UntrustedWindow[] storage windows = _untrustedWindows[_accreditationKey(record.issuer, record.schemaIndex)];
        for (uint256 i = windows.length; i > 0; --i) {
            UntrustedWindow memory window = windows[i - 1];
            if (time >= window.from) return window.until == 0 || time < window.until;
        }
        return false;
    }

    /// @dev block.timestamp as 32-bit seconds (good until 2106). A chain reporting milliseconds
    /// (FISCO BCOS without `feature_evm_timestamp`) fails loudly here instead of storing nonsense.
    function _now32() private view returns (uint32) {
        if (block.timestamp > type(uint32).max) revert TimestampOutOfRange(block.timestamp);
        return uint32(block.timestamp);
    }
}
