// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {IDIDRegistry} from "../interfaces/IDIDRegistry.sol";
import {IIssuerAccreditation} from "../interfaces/IIssuerAccreditation.sol";
import {IIssuerRegistry} from "../interfaces/IIssuerRegistry.sol";
import {Paging} from "../libraries/Paging.sol";

/// @title IssuerRegistry
/// @notice Authority issuers of the consortium, administered by the committee through the
/// AccessManager; pushes every accreditation decision into the FingerprintRegistry, whose
/// `accredit` / `withdrawAccreditation` only this contract may call.
contract IssuerRegistry is IIssuerRegistry, AccessManaged {
    using EnumerableSet for EnumerableSet.Bytes32Set;

    /// @dev ERC-1056 delegate type of a key that may sign assertions for a DID.
    bytes32 private constant _VERIFICATION_KEY = "veriKey";
    uint256 private constant _MAX_NAME_LENGTH = 128;
    uint256 private constant _MIN_JURISDICTION_LENGTH = 2;
    uint256 private constant _MAX_JURISDICTION_LENGTH = 16;
    /// @dev Suspend, reinstate and remove loop over an issuer's schemas, each step a call into the
    /// fingerprint registry that writes its accreditation (tens of thousands of gas): 64 keeps every
    /// one of them well below EIP-7825's 16,777,216-gas transaction cap.
    uint256 private constant _MAX_SCHEMAS_PER_ISSUER = 64;

    IDIDRegistry private immutable _didRegistry;
    IIssuerAccreditation private immutable _accreditation;

    mapping(address issuer => Issuer record) private _issuers;
    mapping(address issuer => EnumerableSet.Bytes32Set schemaIds) private _schemas;
    mapping(IssuerType issuerType => address[] issuers) private _issuersByType;
    address[] private _allIssuers;
    /// @dev Start of the current suspension's untrusted windows (while Suspended).
    mapping(address issuer => uint64 effectiveFrom) private _suspendedFrom;

    constructor(
        address initialAuthority,
        IDIDRegistry didRegistry_,
        IIssuerAccreditation accreditation_
    ) AccessManaged(initialAuthority) {
        _didRegistry = didRegistry_;
        _accreditation = accreditation_;
    }

    // ---------------------------------------------------------------- application (anyone)

    /// @inheritdoc IIssuerRegistry
    function applyForRecognition(
        address did,
        IssuerType issuerType,
        string calldata name,
        string calldata jurisdiction
    ) external {
        uint256 nameLength = bytes(name).length;
        uint256 jurisdictionLength = bytes(jurisdiction).length;
        if (
            issuerType == IssuerType.Unspecified ||
            nameLength == 0 ||
            nameLength > _MAX_NAME_LENGTH ||
            jurisdictionLength < _MIN_JURISDICTION_LENGTH ||
            jurisdictionLength > _MAX_JURISDICTION_LENGTH
        ) revert InvalidIssuerDetails();
        if (_issuers[msg.sender].status != IssuerStatus.None) revert IssuerAlreadyApplied(msg.sender);
        if (
            _didRegistry.identityOwner(did) != msg.sender &&
            !_didRegistry.validDelegate(did, _VERIFICATION_KEY, msg.sender)
        ) revert NotDIDController(did, msg.sender);

        _issuers[msg.sender] = Issuer({
            did: did,
            issuerType: issuerType,
            status: IssuerStatus.Applied,
            appliedAt: uint64(block.timestamp),
            statusChangedAt: uint64(block.timestamp),
            name: name,
            jurisdiction: jurisdiction
        });
        _allIssuers.push(msg.sender);
        _issuersByType[issuerType].push(msg.sender);
        emit IssuerApplied(msg.sender, did, issuerType, name, jurisdiction);
    }

    // ---------------------------------------------------------------- lifecycle (committee)

    /// @inheritdoc IIssuerRegistry
    function recognize(address account) external restricted {
        _requireStatus(account, IssuerStatus.Applied);
        _setStatus(account, IssuerStatus.Recognized);
        emit IssuerRecognized(account);
    }

    /// @inheritdoc IIssuerRegistry
    function suspend(address account, uint64 effectiveFrom) external restricted {
        _requireStatus(account, IssuerStatus.Recognized);
        _requirePast(effectiveFrom);
        _setStatus(account, IssuerStatus.Suspended);
        _suspendedFrom[account] = effectiveFrom;
        _withdrawAll(account, effectiveFrom);
        emit IssuerSuspended(account, effectiveFrom);
    }

    /// @inheritdoc IIssuerRegistry
    function reinstate(address account) external restricted {
        _requireStatus(account, IssuerStatus.Suspended);
        _setStatus(account, IssuerStatus.Recognized);
        EnumerableSet.Bytes32Set storage held = _schemas[account];
        uint256 count = held.length();
        for (uint256 i = 0; i < count; ++i) {
            _accreditation.accredit(account, held.at(i));
        }
        emit IssuerReinstated(account);
    }

    /// @inheritdoc IIssuerRegistry
    function remove(address account, uint64 effectiveFrom) external restricted {
        IssuerStatus status = _issuers[account].status;
        if (status == IssuerStatus.None || status == IssuerStatus.Removed) revert InvalidIssuerStatus(account, status);
        _requirePast(effectiveFrom);
        _requireNotBeforeSuspension(account, status, effectiveFrom);
        _setStatus(account, IssuerStatus.Removed);
        // A suspended issuer's accreditations were withdrawn at suspension; an applicant has none.
        if (status == IssuerStatus.Recognized) _withdrawAll(account, effectiveFrom);
        // Removal is final: nothing is left to restore. (For a suspended issuer the untrusted
        // windows began at the suspension; they stay open for good.)
        EnumerableSet.Bytes32Set storage held = _schemas[account];
        for (uint256 i = held.length(); i > 0; --i) {
            held.remove(held.at(i - 1));
        }
        emit IssuerRemoved(account, effectiveFrom);
    }

    // ---------------------------------------------------------------- schemas (committee)

    /// @inheritdoc IIssuerRegistry
    function grantSchema(address account, bytes32 schemaId) external restricted {
        _requireStatus(account, IssuerStatus.Recognized);
        if (!_schemas[account].add(schemaId)) revert SchemaAlreadyGranted(account, schemaId);
        if (_schemas[account].length() > _MAX_SCHEMAS_PER_ISSUER) {
            revert TooManySchemas(account, _MAX_SCHEMAS_PER_ISSUER);
        }
        _accreditation.accredit(account, schemaId);
        emit SchemaGranted(account, schemaId);
    }

    /// @inheritdoc IIssuerRegistry
    function revokeSchema(address account, bytes32 schemaId, uint64 effectiveFrom) external restricted {
        _requirePast(effectiveFrom);
        _requireNotBeforeSuspension(account, _issuers[account].status, effectiveFrom);
        if (!_schemas[account].remove(schemaId)) revert SchemaNotGranted(account, schemaId);
        // While suspended the accreditation is already withdrawn; the schema just is not restored.
        if (_issuers[account].status == IssuerStatus.Recognized) {
            _withdraw(account, schemaId, effectiveFrom);
        }
        emit SchemaRevoked(account, schemaId, effectiveFrom);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IIssuerRegistry
    function issuer(address account) external view returns (Issuer memory) {
        return _issuers[account];
    }

    /// @inheritdoc IIssuerRegistry
    function standing(address account) external view returns (IssuerType issuerType, IssuerStatus status) {
        Issuer storage record = _issuers[account];
        return (record.issuerType, record.status);
    }

    /// @inheritdoc IIssuerRegistry
    function isRecognized(address account) external view returns (bool) {
        return _issuers[account].status == IssuerStatus.Recognized;
    }

    /// @inheritdoc IIssuerRegistry
    function issuerCount() external view returns (uint256) {
        return _allIssuers.length;
    }

    /// @inheritdoc IIssuerRegistry
    function issuers(uint256 offset, uint256 limit) external view returns (address[] memory) {
        return Paging.page(_allIssuers, offset, limit);
    }

    /// @inheritdoc IIssuerRegistry
    function issuerCountByType(IssuerType issuerType) external view returns (uint256) {
        return _issuersByType[issuerType].length;
    }

    /// @inheritdoc IIssuerRegistry
    function issuersByType(
        IssuerType issuerType,
        uint256 offset,
        uint256 limit
    ) external view returns (address[] memory) {
        return Paging.page(_issuersByType[issuerType], offset, limit);
    }

    /// @inheritdoc IIssuerRegistry
    function schemaCountOf(address account) external view returns (uint256) {
        return _schemas[account].length();
    }

    /// @inheritdoc IIssuerRegistry
    function schemasOf(address account, uint256 offset, uint256 limit) external view returns (bytes32[] memory) {
        EnumerableSet.Bytes32Set storage held = _schemas[account];
        uint256 length = held.length();
        if (offset >= length) return new bytes32[](0);
        uint256 end = length - offset > limit ? offset + limit : length;
        return held.values(offset, end);
    }

    /// @notice The DID registry applicants prove control against.
    function didRegistry() external view returns (IDIDRegistry) {
        return _didRegistry;
    }

    /// @notice The accreditation store (the FingerprintRegistry) this registry drives.
    function accreditationRegistry() external view returns (IIssuerAccreditation) {
        return _accreditation;
    }

    /// @notice Version of this contract.
    function version() external pure returns (string memory) {
        return "0.1.0";
    }

    // ---------------------------------------------------------------- internals

    function _requireStatus(address account, IssuerStatus expected) private view {
        IssuerStatus status = _issuers[account].status;
        if (status != expected) revert InvalidIssuerStatus(account, status);
    }

    function _requirePast(uint64 effectiveFrom) private view {
        if (effectiveFrom > block.timestamp) revert InvalidEffectiveTime(effectiveFrom);
    }

    /// @dev A suspended issuer's accreditations were withdrawn from the suspension's start; the
    /// FingerprintRegistry cannot move an open untrusted window earlier, so a later decision must
    /// not claim an earlier start than the suspension did.
    function _requireNotBeforeSuspension(address account, IssuerStatus status, uint64 effectiveFrom) private view {
        if (status == IssuerStatus.Suspended && effectiveFrom < _suspendedFrom[account]) {
            revert EffectiveTimeBeforeSuspension(account, _suspendedFrom[account]);
        }
    }

    function _setStatus(address account, IssuerStatus status) private {
        Issuer storage record = _issuers[account];
        record.status = status;
        record.statusChangedAt = uint64(block.timestamp);
    }

    function _withdrawAll(address account, uint64 effectiveFrom) private {
        EnumerableSet.Bytes32Set storage held = _schemas[account];
        uint256 count = held.length();
        for (uint256 i = 0; i < count; ++i) {
            _withdraw(account, held.at(i), effectiveFrom);
        }
    }

    /// @dev A withdrawal cannot start before the accreditation it ends began (the FingerprintRegistry
    /// rejects that), so a backdated time is clamped to it: all of the current accreditation is untrusted.
    function _withdraw(address account, bytes32 schemaId, uint64 effectiveFrom) private {
        uint64 accreditedAt = _accreditation.accreditation(account, schemaId).accreditedAt;
        _accreditation.withdrawAccreditation(
            account,
            schemaId,
            effectiveFrom < accreditedAt ? accreditedAt : effectiveFrom
        );
    }
}
