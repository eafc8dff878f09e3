// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {FingerprintRegistry} from "../../contracts/fingerprints/FingerprintRegistry.sol";
import {IFingerprintRegistry} from "../../contracts/interfaces/IFingerprintRegistry.sol";
import {IIssuerAccreditation} from "../../contracts/interfaces/IIssuerAccreditation.sol";
import {ISchemaRegistry} from "../../contracts/interfaces/ISchemaRegistry.sol";
import {SchemaRegistry} from "../../contracts/schemas/SchemaRegistry.sol";
import {Assertions} from "../utils/Assertions.sol";
import {MerkleTestTree} from "../utils/MerkleTestTree.sol";
import {CheatCodes} from "../utils/Vm.sol";

/// @notice Deploys the AccessManager, SchemaRegistry and FingerprintRegistry wired as the Ignition
/// modules do (register → role 1, accredit/withdrawAccreditation → role 2, both granted to
/// `operator`; pause/unpause → role 4, granted to `pauser`), registers three schemas and accredits
/// two issuers for all of them.
/// @dev Pranks and expectRevert are consumed by the next external call, and sha256 is a call to
/// precompile 0x02: every proof, root and expected value is computed before either cheatcode.
abstract contract FingerprintRegistryFixture is CheatCodes, Assertions {
    uint64 internal constant SCHEMA_ADMIN_ROLE = 1;
    uint64 internal constant ACCREDITATION_ADMIN_ROLE = 2;
    uint64 internal constant PAUSER_ROLE = 4;
    uint256 internal constant T0 = 1_700_000_000;

    /// Compact indexes of the three schemas registered in `_deploy`.
    uint32 internal constant REINSTATABLE = 1; // revocable and reinstatable
    uint32 internal constant REVOCABLE = 2; // revocable only
    uint32 internal constant FINAL = 3; // neither

    AccessManager internal manager;
    SchemaRegistry internal schemas;
    FingerprintRegistry internal registry;

    address internal admin = address(0xAD);
    address internal operator = address(0x0BE7);
    address internal pauser = address(0x9A05E);
    address internal issuerA = address(0xA11CE);
    address internal issuerB = address(0xB0B);
    address internal stranger = address(0xBAD);

    bytes32 internal reinstatableSchema;
    bytes32 internal revocableSchema;
    bytes32 internal finalSchema;

    function _deploy() internal {
        vm.warp(T0);
        manager = new AccessManager(admin);
        schemas = new SchemaRegistry(address(manager));
        registry = new FingerprintRegistry(address(manager), schemas);

        bytes4[] memory schemaSelectors = new bytes4[](1);
        schemaSelectors[0] = SchemaRegistry.register.selector;
        bytes4[] memory accreditationSelectors = new bytes4[](2);
        accreditationSelectors[0] = FingerprintRegistry.accredit.selector;
        accreditationSelectors[1] = FingerprintRegistry.withdrawAccreditation.selector;
        bytes4[] memory pauserSelectors = new bytes4[](2);
        pauserSelectors[0] = FingerprintRegistry.pause.selector;
        pauserSelectors[1] = FingerprintRegistry.unpause.selector;
        vm.startPrank(admin);
        manager.setTargetFunctionRole(address(schemas), schemaSelectors, SCHEMA_ADMIN_ROLE);
        manager.setTargetFunctionRole(address(registry), accreditationSelectors, ACCREDITATION_ADMIN_ROLE);
        manager.grantRole(SCHEMA_ADMIN_ROLE, operator, 0);
        manager.setTargetFunctionRole(address(registry), pauserSelectors, PAUSER_ROLE);
        manager.grantRole(ACCREDITATION_ADMIN_ROLE, operator, 0);
        manager.grantRole(PAUSER_ROLE, pauser, 0);
        vm.stopPrank();

        reinstatableSchema = _registerSchema("test.reinstatable", true, true);
        revocableSchema = _registerSchema("test.revocable", true, false);
        finalSchema = _registerSchema("test.final", false, false);

        _accreditAll(issuerA);
        _accreditAll(issuerB);
    }

    function _registerSchema(string memory name, bool revocable, bool reinstatable) internal returns (bytes32) {
        ISchemaRegistry.SchemaDefinition memory definition = ISchemaRegistry.SchemaDefinition({
            name: name,
            version: "1.0",
            definitionURI: string.concat("https://schemas.example/", name),
            definitionHash: bytes32(0),
            revocable: revocable,
            reinstatable: reinstatable
        });
        vm.prank(operator);
        return schemas.register(definition);
    }

    function _accreditAll(address issuer) internal {
        _accredit(issuer, reinstatableSchema);
        _accredit(issuer, revocableSchema);
        _accredit(issuer, finalSchema);
    }

    function _accredit(address issuer, bytes32 schemaId) internal {
        vm.prank(operator);
        registry.accredit(issuer, schemaId);
    }

    function _withdraw(address issuer, bytes32 schemaId, uint256 effectiveFrom) internal {
        vm.prank(operator);
        registry.withdrawAccreditation(issuer, schemaId, uint64(effectiveFrom));
    }

    function _anchor(address issuer, bytes32 fingerprint, uint32 schemaIndex, uint256 expiresAt) internal {
        vm.prank(issuer);
        registry.anchor(fingerprint, schemaIndex, uint64(expiresAt));
    }

    function _anchorBatch(
        address issuer,
        bytes32[] memory fingerprints,
        uint32 schemaIndex,
        uint256 expiresAt
    ) internal returns (bytes32 root) {
        root = MerkleTestTree.root(fingerprints);
        vm.prank(issuer);
        registry.anchorBatch(root, uint32(fingerprints.length), schemaIndex, uint64(expiresAt));
    }

    /// @dev `count` distinct, non-zero pseudo-random fingerprints.
    function _fingerprints(bytes32 seed, uint256 count) internal pure returns (bytes32[] memory list) {
        list = new bytes32[](count);
        for (uint256 i; i < count; ++i) {
            list[i] = keccak256(abi.encode(seed, i));
        }
    }

    function _fp(string memory label) internal pure returns (bytes32) {
        return keccak256(bytes(label));
    }

    function _assertStatus(
        IFingerprintRegistry.Verification memory v,
        IFingerprintRegistry.VerificationStatus expected,
        string memory message
    ) internal pure {
        assertEq(uint256(v.status), uint256(expected), string.concat(message, " (status)"));
    }

    function _assertRecord(
        IFingerprintRegistry.AnchorRecord memory record,
        address issuer,
        uint32 schemaIndex,
        uint256 anchoredAt,
        uint256 expiresAt
    ) internal pure {
        assertEq(record.issuer, issuer, "record.issuer");
        assertEq(record.schemaIndex, schemaIndex, "record.schemaIndex");
        assertEq(record.anchoredAt, anchoredAt, "record.anchoredAt");
        assertEq(record.expiresAt, expiresAt, "record.expiresAt");
    }

    function _assertEmptyVerification(IFingerprintRegistry.Verification memory v, string memory message) internal pure {
        assertEq(v.issuer, address(0), string.concat(message, " (issuer)"));
        assertEq(v.schemaId, bytes32(0), string.concat(message, " (schemaId)"));
        assertEq(v.anchoredAt, 0, string.concat(message, " (anchoredAt)"));
        assertEq(v.expiresAt, 0, string.concat(message, " (expiresAt)"));
        assertEq(v.revokedAt, 0, string.concat(message, " (revokedAt)"));
        assertEq(v.revocationReason, 0, string.concat(message, " (reason)"));
        assertEq(v.supersededBy, bytes32(0), string.concat(message, " (supersededBy)"));
    }
}

/// describe(FingerprintRegistry)
contract FingerprintRegistryTest is FingerprintRegistryFixture {
    using MerkleTestTree for bytes32[];

    bytes32 internal constant FP = keccak256("document-1");
    bytes32 internal constant FP2 = keccak256("document-2");
    bytes32 internal constant REPLACEMENT = keccak256("document-1-v2");

    function setUp() public {
        _deploy();
    }

    // ================================================================== anchor

    function test_anchor_storesRecordAndEmits() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit IFingerprintRegistry.Anchored(FP, issuerA, REINSTATABLE, 0);
        _anchor(issuerA, FP, REINSTATABLE, 0);

        _assertRecord(registry.anchorOf(FP), issuerA, REINSTATABLE, T0, 0);
        assertEq(registry.batchOf(FP).issuer, address(0), "not a batch root");
    }

    function test_anchor_storesExpiry() public {
        uint256 expiry = T0 + 365 days;
        vm.expectEmit(true, true, true, true, address(registry));
        emit IFingerprintRegistry.Anchored(FP, issuerB, REVOCABLE, uint64(expiry));
        _anchor(issuerB, FP, REVOCABLE, expiry);
        _assertRecord(registry.anchorOf(FP), issuerB, REVOCABLE, T0, expiry);
    }

    function test_anchor_acceptsExpiryAtUint32Max() public {
        _anchor(issuerA, FP, FINAL, type(uint32).max);
        assertEq(registry.anchorOf(FP).expiresAt, type(uint32).max, "expiresAt");
    }

    function test_anchor_acceptsExpiryOneSecondAhead() public {
        _anchor(issuerA, FP, FINAL, T0 + 1);
        assertEq(registry.anchorOf(FP).expiresAt, T0 + 1, "expiresAt");
    }

    function test_anchor_acceptsTimestampAtUint32Max() public {
        vm.warp(type(uint32).max);
        _anchor(issuerA, FP, FINAL, 0);
        assertEq(registry.anchorOf(FP).anchoredAt, type(uint32).max, "anchoredAt");
    }

    function test_anchor_revertsWhenCallerNotAccredited() public {
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, stranger, REINSTATABLE)
        );
        registry.anchor(FP, REINSTATABLE, 0);
    }

    function test_anchor_revertsForSchemaIndexNotAccredited() public {
        bytes32 otherSchema = _registerSchema("test.other", true, true);
        assertEq(schemas.schema(otherSchema).index, 4, "index");
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, issuerA, uint32(4)));
        registry.anchor(FP, 4, 0);
    }

    function test_anchor_revertsForUnknownSchemaIndex() public {
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, issuerA, uint32(0)));
        registry.anchor(FP, 0, 0);
    }

    function test_anchor_revertsAfterAccreditationWithdrawn() public {
        _withdraw(issuerA, reinstatableSchema, T0);
        vm.prank(issuerA);
        vm.expectRevert(
            abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, issuerA, REINSTATABLE)
        );
        registry.anchor(FP, REINSTATABLE, 0);
        // Other schemas of the same issuer are unaffected.
        _anchor(issuerA, FP, REVOCABLE, 0);
        assertEq(registry.anchorOf(FP).schemaIndex, REVOCABLE, "other schema");
    }

    function test_anchor_revertsWhenZeroFingerprint() public {
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.ZeroFingerprint.selector));
        registry.anchor(bytes32(0), REINSTATABLE, 0);
    }

    function test_anchor_revertsWhenAnchoredByAnotherIssuer() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.prank(issuerB);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.AlreadyAnchored.selector, FP, issuerA));
        registry.anchor(FP, REINSTATABLE, 0);
        assertEq(registry.anchorOf(FP).issuer, issuerA, "issuer unchanged");
    }

    function test_anchor_revertsWhenAnchoredBySameIssuer() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.warp(T0 + 10);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.AlreadyAnchored.selector, FP, issuerA));
        registry.anchor(FP, REVOCABLE, uint64(T0 + 1000));
        _assertRecord(registry.anchorOf(FP), issuerA, REINSTATABLE, T0, 0);
    }

    function test_anchor_revertsEvenAfterRevocation() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.prank(issuerA);
        registry.revoke(FP, 1, bytes32(0));
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.AlreadyAnchored.selector, FP, issuerA));
        registry.anchor(FP, REINSTATABLE, 0);
    }

    function test_anchor_revertsWhenExpiryInPast() public {
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.InvalidExpiry.selector, uint64(T0 - 1)));
        registry.anchor(FP, REINSTATABLE, uint64(T0 - 1));
    }

    function test_anchor_revertsWhenExpiryIsNow() public {
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.InvalidExpiry.selector, uint64(T0)));
        registry.anchor(FP, REINSTATABLE, uint64(T0));
    }

    function test_anchor_revertsWhenExpiryExceedsUint32() public {
        uint64 expiry = uint64(type(uint32).max) + 1;
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.InvalidExpiry.selector, expiry));
        registry.anchor(FP, REINSTATABLE, expiry);
    }

    function test_anchor_revertsWhenTimestampOutOfRange() public {
        uint256 tooLate = uint256(type(uint32).max) + 1;
        vm.warp(tooLate);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.TimestampOutOfRange.selector, tooLate));
        registry.anchor(FP, REINSTATABLE, 0);
    }

    function test_anchor_revertsWhenTimestampIsMilliseconds() public {
        uint256 millis = T0 * 1000;
        vm.warp(millis);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.TimestampOutOfRange.selector, millis));
        registry.anchor(FP, REINSTATABLE, 0);
    }

    function test_anchor_checksAccreditationBeforeAnythingElse() public {
        vm.warp(uint256(type(uint32).max) + 1);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, stranger, REVOCABLE));
        registry.anchor(bytes32(0), REVOCABLE, 1);
    }

    function test_anchor_keepsSingleAndBatchNamespacesApart() public {
        bytes32[] memory leaves = _fingerprints("batch", 2);
        bytes32 root = leaves.root();
        _anchor(issuerA, root, REINSTATABLE, 0);
        vm.prank(issuerB);
        registry.anchorBatch(root, 2, REINSTATABLE, 0);
        assertEq(registry.anchorOf(root).issuer, issuerA, "single");
        assertEq(registry.batchOf(root).issuer, issuerB, "batch");
    }

    // ================================================================== anchorMany

    function test_anchorMany_storesEveryRecordAndEmits() public {
        bytes32[] memory list = _fingerprints("many", 3);
        uint256 expiry = T0 + 30 days;
        vm.expectEmit(true, true, true, true, address(registry));
        emit IFingerprintRegistry.AnchoredMany(issuerA, REVOCABLE, uint64(expiry), list);
        vm.prank(issuerA);
        registry.anchorMany(list, REVOCABLE, uint64(expiry));

        for (uint256 i; i < list.length; ++i) {
            _assertRecord(registry.anchorOf(list[i]), issuerA, REVOCABLE, T0, expiry);
            _assertStatus(registry.verify(list[i]), IFingerprintRegistry.VerificationStatus.Valid, "verify");
        }
    }

    function test_anchorMany_acceptsSingleFingerprint() public {
        bytes32[] memory list = _fingerprints("one", 1);
        vm.prank(issuerB);
        registry.anchorMany(list, FINAL, 0);
        _assertRecord(registry.anchorOf(list[0]), issuerB, FINAL, T0, 0);
    }

    function test_anchorMany_revertsWhenEmpty() public {
        bytes32[] memory empty = new bytes32[](0);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.EmptyFingerprintList.selector));
        registry.anchorMany(empty, REINSTATABLE, 0);
    }

    function test_anchorMany_revertsOnDuplicateInsideList() public {
        bytes32[] memory list = _fingerprints("dup", 3);
        list[2] = list[0];
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.AlreadyAnchored.selector, list[0], issuerA));
        registry.anchorMany(list, REINSTATABLE, 0);
        assertEq(registry.anchorOf(list[0]).issuer, address(0), "rolled back");
        assertEq(registry.anchorOf(list[1]).issuer, address(0), "rolled back");
    }

    function test_anchorMany_revertsAtomicallyWhenOneAnchoredByAnotherIssuer() public {
        bytes32[] memory list = _fingerprints("taken", 3);
        _anchor(issuerB, list[1], FINAL, 0);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.AlreadyAnchored.selector, list[1], issuerB));
        registry.anchorMany(list, REINSTATABLE, 0);
        assertEq(registry.anchorOf(list[0]).issuer, address(0), "first not anchored");
        assertEq(registry.anchorOf(list[1]).issuer, issuerB, "owner unchanged");
        assertEq(registry.anchorOf(list[2]).issuer, address(0), "last not anchored");
    }

    function test_anchorMany_revertsOnZeroFingerprint() public {
        bytes32[] memory list = _fingerprints("zero", 2);
        list[1] = bytes32(0);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.ZeroFingerprint.selector));
        registry.anchorMany(list, REINSTATABLE, 0);
    }

    function test_anchorMany_revertsWhenCallerNotAccredited() public {
        bytes32[] memory list = _fingerprints("x", 2);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, stranger, FINAL));
        registry.anchorMany(list, FINAL, 0);
    }

    function test_anchorMany_revertsOnInvalidExpiry() public {
        bytes32[] memory list = _fingerprints("x", 2);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.InvalidExpiry.selector, uint64(T0)));
        registry.anchorMany(list, FINAL, uint64(T0));
    }

    function test_anchorMany_revertsWhenTimestampOutOfRange() public {
        bytes32[] memory list = _fingerprints("x", 2);
        uint256 tooLate = uint256(type(uint32).max) + 7;
        vm.warp(tooLate);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.TimestampOutOfRange.selector, tooLate));
        registry.anchorMany(list, FINAL, 0);
    }

    // ================================================================== anchorBatch

    function test_anchorBatch_storesRecordAndEmits() public {
        bytes32[] memory leaves = _fingerprints("batch", 5);
        bytes32 root = leaves.root();
        uint256 expiry = T0 + 1 days;
        vm.expectEmit(true, true, true, true, address(registry));
        emit IFingerprintRegistry.BatchAnchored(root, issuerA, REINSTATABLE, 5, uint64(expiry));
        vm.prank(issuerA);
        registry.anchorBatch(root, 5, REINSTATABLE, uint64(expiry));

        _assertRecord(registry.batchOf(root), issuerA, REINSTATABLE, T0, expiry);
        assertEq(registry.anchorOf(root).issuer, address(0), "not a single anchor");
        // Leaves are not single anchors either.
        _assertStatus(registry.verify(leaves[0]), IFingerprintRegistry.VerificationStatus.NotAnchored, "leaf");
    }

    function test_anchorBatch_revertsWhenEmpty() public {
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.EmptyBatch.selector));
        registry.anchorBatch(FP, 0, REINSTATABLE, 0);
    }

    function test_anchorBatch_revertsWhenZeroRoot() public {
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.ZeroFingerprint.selector));
        registry.anchorBatch(bytes32(0), 3, REINSTATABLE, 0);
    }

    function test_anchorBatch_revertsWhenRootAnchoredByAnotherIssuer() public {
        bytes32[] memory leaves = _fingerprints("batch", 4);
        bytes32 root = _anchorBatch(issuerA, leaves, REINSTATABLE, 0);
        vm.prank(issuerB);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.AlreadyAnchored.selector, root, issuerA));
        registry.anchorBatch(root, 4, REINSTATABLE, 0);
        assertEq(registry.batchOf(root).issuer, issuerA, "issuer unchanged");
    }

    function test_anchorBatch_revertsWhenRootAnchoredBySameIssuer() public {
        bytes32[] memory leaves = _fingerprints("batch", 4);
        bytes32 root = _anchorBatch(issuerA, leaves, REINSTATABLE, 0);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.AlreadyAnchored.selector, root, issuerA));
        registry.anchorBatch(root, 4, REVOCABLE, 0);
    }

    function test_anchorBatch_revertsWhenCallerNotAccredited() public {
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, stranger, REINSTATABLE)
        );
        registry.anchorBatch(FP, 1, REINSTATABLE, 0);
    }

    function test_anchorBatch_revertsOnInvalidExpiry() public {
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.InvalidExpiry.selector, uint64(1)));
        registry.anchorBatch(FP, 1, REINSTATABLE, 1);
    }

    function test_anchorBatch_revertsWhenTimestampOutOfRange() public {
        uint256 tooLate = uint256(type(uint32).max) + 1;
        vm.warp(tooLate);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.TimestampOutOfRange.selector, tooLate));
        registry.anchorBatch(FP, 1, REINSTATABLE, 0);
    }

    // ================================================================== anchorBatchWithURI

    function test_anchorBatchWithURI_storesRecordAndEmitsBoth() public {
        bytes32[] memory leaves = _fingerprints("uri", 3);
        bytes32 root = leaves.root();
        vm.expectEmit(true, true, true, true, address(registry));
        emit IFingerprintRegistry.BatchAnchored(root, issuerB, REVOCABLE, 3, 0);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IFingerprintRegistry.BatchURI(root, "ipfs://manifest");
        vm.prank(issuerB);
        registry.anchorBatchWithURI(root, 3, REVOCABLE, 0, "ipfs://manifest");
        _assertRecord(registry.batchOf(root), issuerB, REVOCABLE, T0, 0);
    }

    function test_anchorBatchWithURI_revertsWhenEmpty() public {
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.EmptyBatch.selector));
        registry.anchorBatchWithURI(FP, 0, REINSTATABLE, 0, "ipfs://manifest");
    }

    function test_anchorBatchWithURI_revertsWhenCallerNotAccredited() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, stranger, REVOCABLE));
        registry.anchorBatchWithURI(FP, 2, REVOCABLE, 0, "ipfs://manifest");
    }

    function test_anchorBatchWithURI_revertsWhenAlreadyAnchored() public {
        bytes32[] memory leaves = _fingerprints("uri", 3);
        bytes32 root = _anchorBatch(issuerA, leaves, REVOCABLE, 0);
        vm.prank(issuerB);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.AlreadyAnchored.selector, root, issuerA));
        registry.anchorBatchWithURI(root, 3, REVOCABLE, 0, "ipfs://other");
    }

    // ================================================================== revoke

    function test_revoke_recordsRevocationAndEmits() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.warp(T0 + 100);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IFingerprintRegistry.Revoked(FP, issuerA, bytes32(0), 7, REPLACEMENT);
        vm.prank(issuerA);
        registry.revoke(FP, 7, REPLACEMENT);

        IFingerprintRegistry.Revocation memory revocation = registry.revocationOf(bytes32(0), FP);
        assertEq(revocation.revokedAt, T0 + 100, "revokedAt");
        assertEq(revocation.reason, 7, "reason");
        assertEq(revocation.supersededBy, REPLACEMENT, "supersededBy");

        IFingerprintRegistry.Verification memory v = registry.verify(FP);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Revoked, "verify");
        assertEq(v.issuer, issuerA, "issuer");
        assertEq(v.schemaId, reinstatableSchema, "schemaId");
        assertEq(v.anchoredAt, T0, "anchoredAt");
        assertEq(v.revokedAt, T0 + 100, "revokedAt");
        assertEq(v.revocationReason, 7, "reason");
        assertEq(v.supersededBy, REPLACEMENT, "supersededBy");
    }

    function test_revoke_withoutReplacementLeavesSupersededByZero() public {
        _anchor(issuerA, FP, REVOCABLE, 0);
        vm.prank(issuerA);
        registry.revoke(FP, type(uint16).max, bytes32(0));
        IFingerprintRegistry.Verification memory v = registry.verify(FP);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Revoked, "verify");
        assertEq(v.revocationReason, type(uint16).max, "reason");
        assertEq(v.supersededBy, bytes32(0), "supersededBy");
    }

    function test_revoke_revertsWhenIssuerAccreditationWithdrawn() public {
        _anchor(issuerA, FP, REVOCABLE, 0);
        vm.warp(T0 + 10);
        _withdraw(issuerA, revocableSchema, T0 + 10);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, issuerA, REVOCABLE));
        registry.revoke(FP, 2, bytes32(0));
        IFingerprintRegistry.Verification memory v = registry.verify(FP);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Valid, "anchored before effectiveFrom, not revoked");
        assertEq(v.revokedAt, 0, "revokedAt");
    }

    function test_revoke_checksOwnershipBeforeAccreditation() public {
        _anchor(issuerA, FP, REVOCABLE, 0);
        _withdraw(issuerA, revocableSchema, T0);
        vm.prank(issuerB);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.NotRecordIssuer.selector, FP, issuerA, issuerB));
        registry.revoke(FP, 1, bytes32(0));
    }

    function test_revoke_requiresAccreditationForTheRecordsSchemaOnly() public {
        _anchor(issuerA, FP, REVOCABLE, 0);
        _withdraw(issuerA, reinstatableSchema, T0); // another schema
        vm.prank(issuerA);
        registry.revoke(FP, 1, bytes32(0));
        _assertStatus(registry.verify(FP), IFingerprintRegistry.VerificationStatus.Revoked, "verify");
    }

    function test_revoke_allowedAgainAfterReaccreditation() public {
        _anchor(issuerA, FP, REVOCABLE, 0);
        vm.warp(T0 + 10);
        _withdraw(issuerA, revocableSchema, T0 + 10);
        vm.warp(T0 + 20);
        _accredit(issuerA, revocableSchema);
        vm.prank(issuerA);
        registry.revoke(FP, 2, bytes32(0));
        IFingerprintRegistry.Verification memory v = registry.verify(FP);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Revoked, "verify");
        assertEq(v.revokedAt, T0 + 20, "revokedAt");
    }

    function test_revoke_revertsWhenNotAnchored() public {
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.NotAnchored.selector, FP));
        registry.revoke(FP, 1, bytes32(0));
    }

    function test_revoke_revertsForAnotherAccreditedIssuer() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.prank(issuerB);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.NotRecordIssuer.selector, FP, issuerA, issuerB));
        registry.revoke(FP, 1, bytes32(0));
        _assertStatus(registry.verify(FP), IFingerprintRegistry.VerificationStatus.Valid, "still valid");
    }

    function test_revoke_revertsForStranger() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.NotRecordIssuer.selector, FP, issuerA, stranger));
        registry.revoke(FP, 1, bytes32(0));
    }

    function test_revoke_revertsForAccessManagerAdmin() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.NotRecordIssuer.selector, FP, issuerA, operator));
        registry.revoke(FP, 1, bytes32(0));
    }

    function test_revoke_revertsWhenSchemaNotRevocable() public {
        _anchor(issuerA, FP, FINAL, 0);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.SchemaNotRevocable.selector, finalSchema));
        registry.revoke(FP, 1, bytes32(0));
    }

    function test_revoke_revertsWhenReasonZero() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.InvalidRevocationReason.selector));
        registry.revoke(FP, 0, REPLACEMENT);
    }

    function test_revoke_revertsWhenAlreadyRevoked() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.prank(issuerA);
        registry.revoke(FP, 1, bytes32(0));
        vm.warp(T0 + 5);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.AlreadyRevoked.selector, FP));
        registry.revoke(FP, 2, REPLACEMENT);
        IFingerprintRegistry.Revocation memory revocation = registry.revocationOf(bytes32(0), FP);
        assertEq(revocation.revokedAt, T0, "revokedAt unchanged");
        assertEq(revocation.reason, 1, "reason unchanged");
        assertEq(revocation.supersededBy, bytes32(0), "supersededBy unchanged");
    }

    function test_revoke_revertsWhenTimestampOutOfRange() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        uint256 tooLate = uint256(type(uint32).max) + 1;
        vm.warp(tooLate);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.TimestampOutOfRange.selector, tooLate));
        registry.revoke(FP, 1, bytes32(0));
    }

    function test_revoke_doesNotTouchBatchLeafWithSameFingerprint() public {
        bytes32[] memory leaves = _fingerprints("both", 2);
        _anchor(issuerA, leaves[0], REINSTATABLE, 0);
        bytes32 root = _anchorBatch(issuerA, leaves, REINSTATABLE, 0);
        bytes32[] memory proof = leaves.proof(0);
        vm.prank(issuerA);
        registry.revoke(leaves[0], 1, bytes32(0));
        _assertStatus(registry.verify(leaves[0]), IFingerprintRegistry.VerificationStatus.Revoked, "single");
        _assertStatus(
            registry.verifyLeaf(root, leaves[0], proof),
            IFingerprintRegistry.VerificationStatus.Valid,
            "leaf"
        );
    }

    // ================================================================== revokeLeaf

    function test_revokeLeaf_recordsRevocationAndEmits() public {
        bytes32[] memory leaves = _fingerprints("leafs", 5);
        bytes32 root = _anchorBatch(issuerA, leaves, REINSTATABLE, 0);
        bytes32[] memory proof = leaves.proof(4); // the promoted odd leaf
        bytes32[] memory otherProof = leaves.proof(1);
        vm.warp(T0 + 50);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IFingerprintRegistry.Revoked(leaves[4], issuerA, root, 3, REPLACEMENT);
        vm.prank(issuerA);
        registry.revokeLeaf(root, leaves[4], proof, 3, REPLACEMENT);

        IFingerprintRegistry.Revocation memory revocation = registry.revocationOf(root, leaves[4]);
        assertEq(revocation.revokedAt, T0 + 50, "revokedAt");
        assertEq(revocation.reason, 3, "reason");
        assertEq(revocation.supersededBy, REPLACEMENT, "supersededBy");
        assertEq(registry.revocationOf(bytes32(0), leaves[4]).revokedAt, 0, "single namespace untouched");

        IFingerprintRegistry.Verification memory v = registry.verifyLeaf(root, leaves[4], proof);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Revoked, "revoked leaf");
        assertEq(v.issuer, issuerA, "issuer");
        assertEq(v.revokedAt, T0 + 50, "revokedAt");
        assertEq(v.revocationReason, 3, "reason");
        assertEq(v.supersededBy, REPLACEMENT, "supersededBy");
        _assertStatus(
            registry.verifyLeaf(root, leaves[1], otherProof),
            IFingerprintRegistry.VerificationStatus.Valid,
            "sibling"
        );
    }

    function test_revokeLeaf_revertsWhenRootNotAnchored() public {
        bytes32[] memory leaves = _fingerprints("leafs", 2);
        bytes32 root = leaves.root();
        bytes32[] memory proof = leaves.proof(0);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.NotAnchored.selector, root));
        registry.revokeLeaf(root, leaves[0], proof, 1, bytes32(0));
    }

    function test_revokeLeaf_revertsOnInvalidProof() public {
        bytes32[] memory leaves = _fingerprints("leafs", 4);
        bytes32 root = _anchorBatch(issuerA, leaves, REINSTATABLE, 0);
        bytes32[] memory wrongProof = leaves.proof(1);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.InvalidProof.selector, root, leaves[0]));
        registry.revokeLeaf(root, leaves[0], wrongProof, 1, bytes32(0));
    }

    function test_revokeLeaf_revertsForFingerprintOutsideBatch() public {
        bytes32[] memory leaves = _fingerprints("leafs", 4);
        bytes32 root = _anchorBatch(issuerA, leaves, REINSTATABLE, 0);
        bytes32[] memory proof = leaves.proof(0);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.InvalidProof.selector, root, FP));
        registry.revokeLeaf(root, FP, proof, 1, bytes32(0));
    }

    function test_revokeLeaf_revertsForAnotherAccreditedIssuer() public {
        bytes32[] memory leaves = _fingerprints("leafs", 3);
        bytes32 root = _anchorBatch(issuerA, leaves, REINSTATABLE, 0);
        bytes32[] memory proof = leaves.proof(2);
        vm.prank(issuerB);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.NotRecordIssuer.selector, root, issuerA, issuerB));
        registry.revokeLeaf(root, leaves[2], proof, 1, bytes32(0));
    }

    function test_revokeLeaf_revertsWhenIssuerAccreditationWithdrawn() public {
        bytes32[] memory leaves = _fingerprints("leafs", 3);
        bytes32 root = _anchorBatch(issuerA, leaves, REVOCABLE, 0);
        bytes32[] memory proof = leaves.proof(1);
        _withdraw(issuerA, revocableSchema, T0);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, issuerA, REVOCABLE));
        registry.revokeLeaf(root, leaves[1], proof, 1, bytes32(0));
        assertEq(registry.revocationOf(root, leaves[1]).revokedAt, 0, "not revoked");
    }

    function test_revokeLeaf_revertsWhenSchemaNotRevocable() public {
        bytes32[] memory leaves = _fingerprints("leafs", 3);
        bytes32 root = _anchorBatch(issuerA, leaves, FINAL, 0);
        bytes32[] memory proof = leaves.proof(0);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.SchemaNotRevocable.selector, finalSchema));
        registry.revokeLeaf(root, leaves[0], proof, 1, bytes32(0));
    }

    function test_revokeLeaf_revertsWhenReasonZero() public {
        bytes32[] memory leaves = _fingerprints("leafs", 3);
        bytes32 root = _anchorBatch(issuerA, leaves, REVOCABLE, 0);
        bytes32[] memory proof = leaves.proof(0);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.InvalidRevocationReason.selector));
        registry.revokeLeaf(root, leaves[0], proof, 0, bytes32(0));
    }

    function test_revokeLeaf_revertsWhenAlreadyRevoked() public {
        bytes32[] memory leaves = _fingerprints("leafs", 3);
        bytes32 root = _anchorBatch(issuerA, leaves, REVOCABLE, 0);
        bytes32[] memory proof = leaves.proof(1);
        vm.prank(issuerA);
        registry.revokeLeaf(root, leaves[1], proof, 1, bytes32(0));
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.AlreadyRevoked.selector, leaves[1]));
        registry.revokeLeaf(root, leaves[1], proof, 2, bytes32(0));
    }

    // ================================================================== reinstate

    function test_reinstate_liftsRevocationAndEmits() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.prank(issuerA);
        registry.revoke(FP, 4, REPLACEMENT);
        vm.warp(T0 + 7);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IFingerprintRegistry.Reinstated(FP, issuerA, bytes32(0));
        vm.prank(issuerA);
        registry.reinstate(FP);

        // The revocation stays stored, lifted by the reinstatement's time.
        IFingerprintRegistry.Revocation memory revocation = registry.revocationOf(bytes32(0), FP);
        assertEq(revocation.revokedAt, T0, "revokedAt");
        assertEq(revocation.reason, 4, "reason");
        assertEq(revocation.reinstatedAt, T0 + 7, "reinstatedAt");
        assertEq(revocation.supersededBy, REPLACEMENT, "supersededBy");
        IFingerprintRegistry.Verification memory v = registry.verify(FP);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Valid, "verify");
        assertEq(v.revokedAt, 0, "verify.revokedAt");
        assertEq(v.revocationReason, 0, "verify.revocationReason");
        assertEq(v.supersededBy, bytes32(0), "verify.supersededBy");
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.NotRevoked.selector, FP));
        registry.reinstate(FP);
    }

    function test_reinstate_thenRevokeAgainStartsFresh() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.prank(issuerA);
        registry.revoke(FP, 4, REPLACEMENT);
        vm.prank(issuerA);
        registry.reinstate(FP);
        vm.warp(T0 + 9);
        vm.prank(issuerA);
        registry.revoke(FP, 5, bytes32(0));
        IFingerprintRegistry.Verification memory v = registry.verify(FP);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Revoked, "verify");
        assertEq(v.revokedAt, T0 + 9, "revokedAt");
        assertEq(v.revocationReason, 5, "reason");
        assertEq(v.supersededBy, bytes32(0), "old supersededBy gone");
        IFingerprintRegistry.Revocation memory revocation = registry.revocationOf(bytes32(0), FP);
        assertEq(revocation.reinstatedAt, 0, "reinstatement cleared");
        assertEq(revocation.supersededBy, bytes32(0), "stored supersededBy cleared");
    }

    function test_reinstate_thenRevokeAgainWithReplacement() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.prank(issuerA);
        registry.revoke(FP, 4, bytes32(0));
        vm.prank(issuerA);
        registry.reinstate(FP);
        vm.prank(issuerA);
        registry.revoke(FP, 2, REPLACEMENT);
        assertEq(registry.verify(FP).supersededBy, REPLACEMENT, "supersededBy");
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.AlreadyRevoked.selector, FP));
        registry.revoke(FP, 2, bytes32(0));
    }

    /// A stolen key reinstates a revoked record; the committee then withdraws the issuer's
    /// accreditation backdated to before the theft: the reinstatement no longer counts, for good.
    function test_reinstate_byWithdrawnKeyDoesNotCount() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.prank(issuerA);
        registry.revoke(FP, 4, REPLACEMENT);
        vm.warp(T0 + 1_000);
        vm.prank(issuerA); // the thief
        registry.reinstate(FP);
        _assertStatus(registry.verify(FP), IFingerprintRegistry.VerificationStatus.Valid, "before the withdrawal");

        vm.warp(T0 + 2_000);
        _withdraw(issuerA, reinstatableSchema, T0 + 1_000);
        IFingerprintRegistry.Verification memory v = registry.verify(FP);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Revoked, "after the withdrawal");
        assertEq(v.revokedAt, T0, "the genuine revocation's time");
        assertEq(v.revocationReason, 4, "the genuine revocation's reason");
        assertEq(v.supersededBy, REPLACEMENT, "the genuine revocation's replacement");

        // Re-accredited (the key recovered), the issuer sees the record as revoked: it may reinstate it
        // itself, but not revoke it again.
        vm.warp(T0 + 3_000);
        _accredit(issuerA, reinstatableSchema);
        _assertStatus(registry.verify(FP), IFingerprintRegistry.VerificationStatus.Revoked, "after re-accreditation");
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.AlreadyRevoked.selector, FP));
        registry.revoke(FP, 1, bytes32(0));
        vm.prank(issuerA);
        registry.reinstate(FP);
        _assertStatus(registry.verify(FP), IFingerprintRegistry.VerificationStatus.Valid, "reinstated by the issuer");
    }

    /// A reinstatement before the untrusted window began, or after it closed, stands.
    function test_reinstate_outsideTheWindowStands() public {
        bytes32 before = _fp("before");
        bytes32 afterwards = _fp("afterwards");
        _anchor(issuerA, before, REINSTATABLE, 0);
        _anchor(issuerA, afterwards, REINSTATABLE, 0);
        vm.startPrank(issuerA);
        registry.revoke(before, 4, bytes32(0));
        registry.revoke(afterwards, 4, bytes32(0));
        vm.warp(T0 + 99);
        registry.reinstate(before);
        vm.stopPrank();
        vm.warp(T0 + 200);
        _withdraw(issuerA, reinstatableSchema, T0 + 100);
        vm.warp(T0 + 300);
        _accredit(issuerA, reinstatableSchema);
        vm.prank(issuerA);
        registry.reinstate(afterwards); // at T0 + 300, the window's end (exclusive)
        _assertStatus(registry.verify(before), IFingerprintRegistry.VerificationStatus.Valid, "before the window");
        _assertStatus(registry.verify(afterwards), IFingerprintRegistry.VerificationStatus.Valid, "after the window");
    }

    function test_reinstate_revertsWhenNotAnchored() public {
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.NotAnchored.selector, FP));
        registry.reinstate(FP);
    }

    function test_reinstate_revertsForAnotherAccreditedIssuer() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.prank(issuerA);
        registry.revoke(FP, 1, bytes32(0));
        vm.prank(issuerB);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.NotRecordIssuer.selector, FP, issuerA, issuerB));
        registry.reinstate(FP);
        _assertStatus(registry.verify(FP), IFingerprintRegistry.VerificationStatus.Revoked, "still revoked");
    }

    function test_reinstate_revertsWhenIssuerAccreditationWithdrawn() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.prank(issuerA);
        registry.revoke(FP, 1, bytes32(0));
        vm.warp(T0 + 10);
        _withdraw(issuerA, reinstatableSchema, T0 + 5); // a stolen key must not un-revoke
        vm.prank(issuerA);
        vm.expectRevert(
            abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, issuerA, REINSTATABLE)
        );
        registry.reinstate(FP);
        _assertStatus(registry.verify(FP), IFingerprintRegistry.VerificationStatus.Revoked, "still revoked");
    }

    function test_reinstate_revertsWhenSchemaOnlyRevocable() public {
        _anchor(issuerA, FP, REVOCABLE, 0);
        vm.prank(issuerA);
        registry.revoke(FP, 1, bytes32(0));
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.SchemaNotReinstatable.selector, revocableSchema));
        registry.reinstate(FP);
    }

    function test_reinstate_revertsWhenSchemaFinal() public {
        _anchor(issuerA, FP, FINAL, 0);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.SchemaNotReinstatable.selector, finalSchema));
        registry.reinstate(FP);
    }

    function test_reinstate_revertsWhenNotRevoked() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.NotRevoked.selector, FP));
        registry.reinstate(FP);
    }

    // ================================================================== reinstateLeaf

    function test_reinstateLeaf_clearsRevocationAndEmits() public {
        bytes32[] memory leaves = _fingerprints("re", 6);
        bytes32 root = _anchorBatch(issuerB, leaves, REINSTATABLE, 0);
        bytes32[] memory proof = leaves.proof(3);
        vm.prank(issuerB);
        registry.revokeLeaf(root, leaves[3], proof, 9, REPLACEMENT);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IFingerprintRegistry.Reinstated(leaves[3], issuerB, root);
        vm.prank(issuerB);
        registry.reinstateLeaf(root, leaves[3], proof);

        assertEq(registry.revocationOf(root, leaves[3]).revokedAt, T0, "revokedAt kept");
        assertEq(registry.revocationOf(root, leaves[3]).reinstatedAt, T0, "reinstatedAt");
        IFingerprintRegistry.Verification memory v = registry.verifyLeaf(root, leaves[3], proof);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Valid, "verifyLeaf");
        assertEq(v.revokedAt, 0, "verifyLeaf.revokedAt");
        assertEq(v.supersededBy, bytes32(0), "verifyLeaf.supersededBy");
    }

    function test_reinstateLeaf_byWithdrawnKeyDoesNotCount() public {
        bytes32[] memory leaves = _fingerprints("stolen", 4);
        bytes32 root = _anchorBatch(issuerB, leaves, REINSTATABLE, 0);
        bytes32[] memory proof = leaves.proof(1);
        vm.prank(issuerB);
        registry.revokeLeaf(root, leaves[1], proof, 9, bytes32(0));
        vm.warp(T0 + 500);
        vm.prank(issuerB); // the thief
        registry.reinstateLeaf(root, leaves[1], proof);
        vm.warp(T0 + 600);
        _withdraw(issuerB, reinstatableSchema, T0 + 400);
        IFingerprintRegistry.Verification memory v = registry.verifyLeaf(root, leaves[1], proof);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Revoked, "verifyLeaf");
        assertEq(v.revocationReason, 9, "reason");
        // The batch's other leaves were anchored before the window: still valid.
        _assertStatus(
            registry.verifyLeaf(root, leaves[0], leaves.proof(0)),
            IFingerprintRegistry.VerificationStatus.Valid,
            "other leaf"
        );
    }

    function test_reinstateLeaf_revertsWhenRootNotAnchored() public {
        bytes32[] memory leaves = _fingerprints("re", 2);
        bytes32 root = leaves.root();
        bytes32[] memory proof = leaves.proof(1);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.NotAnchored.selector, root));
        registry.reinstateLeaf(root, leaves[1], proof);
    }

    function test_reinstateLeaf_revertsOnInvalidProof() public {
        bytes32[] memory leaves = _fingerprints("re", 4);
        bytes32 root = _anchorBatch(issuerA, leaves, REINSTATABLE, 0);
        bytes32[] memory proof = leaves.proof(2);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.InvalidProof.selector, root, leaves[3]));
        registry.reinstateLeaf(root, leaves[3], proof);
    }

    function test_reinstateLeaf_revertsForAnotherAccreditedIssuer() public {
        bytes32[] memory leaves = _fingerprints("re", 4);
        bytes32 root = _anchorBatch(issuerA, leaves, REINSTATABLE, 0);
        bytes32[] memory proof = leaves.proof(2);
        vm.prank(issuerA);
        registry.revokeLeaf(root, leaves[2], proof, 1, bytes32(0));
        vm.prank(issuerB);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.NotRecordIssuer.selector, root, issuerA, issuerB));
        registry.reinstateLeaf(root, leaves[2], proof);
    }

    function test_reinstateLeaf_revertsWhenIssuerAccreditationWithdrawn() public {
        bytes32[] memory leaves = _fingerprints("re", 4);
        bytes32 root = _anchorBatch(issuerB, leaves, REINSTATABLE, 0);
        bytes32[] memory proof = leaves.proof(3);
        vm.prank(issuerB);
        registry.revokeLeaf(root, leaves[3], proof, 1, bytes32(0));
        _withdraw(issuerB, reinstatableSchema, T0);
        vm.prank(issuerB);
        vm.expectRevert(
            abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, issuerB, REINSTATABLE)
        );
        registry.reinstateLeaf(root, leaves[3], proof);
        _assertStatus(
            registry.verifyLeaf(root, leaves[3], proof),
            IFingerprintRegistry.VerificationStatus.Revoked,
            "still revoked"
        );
    }

    function test_reinstateLeaf_revertsWhenSchemaNotReinstatable() public {
        bytes32[] memory leaves = _fingerprints("re", 4);
        bytes32 root = _anchorBatch(issuerA, leaves, REVOCABLE, 0);
        bytes32[] memory proof = leaves.proof(2);
        vm.prank(issuerA);
        registry.revokeLeaf(root, leaves[2], proof, 1, bytes32(0));
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.SchemaNotReinstatable.selector, revocableSchema));
        registry.reinstateLeaf(root, leaves[2], proof);
    }

    function test_reinstateLeaf_revertsWhenNotRevoked() public {
        bytes32[] memory leaves = _fingerprints("re", 4);
        bytes32 root = _anchorBatch(issuerA, leaves, REINSTATABLE, 0);
        bytes32[] memory proof = leaves.proof(0);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.NotRevoked.selector, leaves[0]));
        registry.reinstateLeaf(root, leaves[0], proof);
    }

    // ================================================================== verify

    function test_verify_notAnchoredReturnsEmptyResult() public view {
        IFingerprintRegistry.Verification memory v = registry.verify(FP);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.NotAnchored, "verify");
        _assertEmptyVerification(v, "not anchored");
    }

    function test_verify_validReturnsEveryField() public {
        uint256 expiry = T0 + 1 days;
        _anchor(issuerB, FP, REVOCABLE, expiry);
        vm.warp(T0 + 1 hours);
        IFingerprintRegistry.Verification memory v = registry.verify(FP);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Valid, "verify");
        assertEq(v.issuer, issuerB, "issuer");
        assertEq(v.schemaId, revocableSchema, "schemaId");
        assertEq(v.anchoredAt, T0, "anchoredAt");
        assertEq(v.expiresAt, expiry, "expiresAt");
        assertEq(v.revokedAt, 0, "revokedAt");
        assertEq(v.revocationReason, 0, "reason");
        assertEq(v.supersededBy, bytes32(0), "supersededBy");
    }

    function test_verify_expiredExactlyAtExpiresAt() public {
        uint256 expiry = T0 + 1000;
        _anchor(issuerA, FP, REINSTATABLE, expiry);
        vm.warp(expiry - 1);
        _assertStatus(registry.verify(FP), IFingerprintRegistry.VerificationStatus.Valid, "one second before");
        vm.warp(expiry);
        IFingerprintRegistry.Verification memory v = registry.verify(FP);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Expired, "at expiresAt");
        assertEq(v.issuer, issuerA, "issuer still reported");
        assertEq(v.expiresAt, expiry, "expiresAt");
        vm.warp(expiry + 365 days);
        _assertStatus(registry.verify(FP), IFingerprintRegistry.VerificationStatus.Expired, "long after");
    }

    function test_verify_neverExpiresWithZeroExpiry() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.warp(type(uint32).max);
        _assertStatus(registry.verify(FP), IFingerprintRegistry.VerificationStatus.Valid, "2106");
    }

    function test_verify_revokedTakesPrecedenceOverExpiredAndUnaccredited() public {
        _anchor(issuerA, FP, REINSTATABLE, T0 + 10);
        vm.prank(issuerA);
        registry.revoke(FP, 1, bytes32(0));
        _withdraw(issuerA, reinstatableSchema, T0);
        vm.warp(T0 + 20);
        _assertStatus(registry.verify(FP), IFingerprintRegistry.VerificationStatus.Revoked, "revoked first");
    }

    function test_verify_unaccreditedTakesPrecedenceOverExpired() public {
        _anchor(issuerA, FP, REINSTATABLE, T0 + 10);
        _withdraw(issuerA, reinstatableSchema, T0);
        vm.warp(T0 + 20);
        _assertStatus(registry.verify(FP), IFingerprintRegistry.VerificationStatus.Unaccredited, "unaccredited");
    }

    function test_verify_withdrawalAffectsRecordsFromEffectiveFromOnly() public {
        bytes32 before = _fp("before");
        bytes32 atStart = _fp("at-start");
        bytes32 inside = _fp("inside");
        _anchor(issuerA, before, REINSTATABLE, 0); // T0
        vm.warp(T0 + 100);
        _anchor(issuerA, atStart, REINSTATABLE, 0); // T0 + 100
        vm.warp(T0 + 200);
        _anchor(issuerA, inside, REINSTATABLE, 0); // T0 + 200
        vm.warp(T0 + 300);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IIssuerAccreditation.AccreditationWithdrawn(issuerA, reinstatableSchema, uint64(T0 + 100));
        _withdraw(issuerA, reinstatableSchema, T0 + 100); // key compromise discovered late

        _assertStatus(registry.verify(before), IFingerprintRegistry.VerificationStatus.Valid, "before");
        IFingerprintRegistry.Verification memory v = registry.verify(atStart);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Unaccredited, "at effectiveFrom");
        assertEq(v.issuer, issuerA, "issuer reported");
        _assertStatus(registry.verify(inside), IFingerprintRegistry.VerificationStatus.Unaccredited, "inside");

        // Another issuer's and another schema's records are unaffected.
        bytes32 otherIssuer = _fp("other-issuer");
        bytes32 otherSchema = _fp("other-schema");
        vm.warp(T0 + 150);
        _anchor(issuerB, otherIssuer, REINSTATABLE, 0);
        _anchor(issuerA, otherSchema, REVOCABLE, 0);
        _assertStatus(registry.verify(otherIssuer), IFingerprintRegistry.VerificationStatus.Valid, "other issuer");
        _assertStatus(registry.verify(otherSchema), IFingerprintRegistry.VerificationStatus.Valid, "other schema");
    }

    function test_verify_reaccreditationClosesWindow() public {
        bytes32 early = _fp("early");
        bytes32 compromised = _fp("compromised");
        bytes32 later = _fp("later");
        _anchor(issuerA, early, REINSTATABLE, 0);
        vm.warp(T0 + 100);
        _anchor(issuerA, compromised, REINSTATABLE, 0);
        vm.warp(T0 + 200);
        _withdraw(issuerA, reinstatableSchema, T0 + 50);
        vm.warp(T0 + 300);
        _accredit(issuerA, reinstatableSchema);

        IIssuerAccreditation.Accreditation memory a = registry.accreditation(issuerA, reinstatableSchema);
        assertTrue(a.active, "active");
        assertEq(a.accreditedAt, T0 + 300, "accreditedAt");
        assertEq(a.withdrawals, 1, "withdrawals");
        IIssuerAccreditation.UntrustedWindow[] memory windows = registry.untrustedWindows(issuerA, reinstatableSchema);
        assertEq(windows.length, 1, "one window");
        assertEq(windows[0].from, T0 + 50, "window.from");
        assertEq(windows[0].until, T0 + 300, "window.until");

        _anchor(issuerA, later, REINSTATABLE, 0); // at T0 + 300 == window.until
        _assertStatus(registry.verify(early), IFingerprintRegistry.VerificationStatus.Valid, "early");
        _assertStatus(registry.verify(compromised), IFingerprintRegistry.VerificationStatus.Unaccredited, "window");
        _assertStatus(registry.verify(later), IFingerprintRegistry.VerificationStatus.Valid, "after window");
    }

    function test_verify_withdrawalEffectiveNowHitsSameSecondAnchors() public {
        vm.warp(T0 + 10);
        _anchor(issuerA, FP, REINSTATABLE, 0);
        _withdraw(issuerA, reinstatableSchema, T0 + 10);
        _assertStatus(registry.verify(FP), IFingerprintRegistry.VerificationStatus.Unaccredited, "same second");
    }

    // ================================================================== verifyLeaf

    function test_verifyLeaf_validForEveryLeafOfOddTree() public {
        bytes32[] memory leaves = _fingerprints("odd", 7);
        uint256 expiry = T0 + 10 days;
        bytes32 root = _anchorBatch(issuerA, leaves, REVOCABLE, expiry);
        for (uint256 i; i < leaves.length; ++i) {
            IFingerprintRegistry.Verification memory v = registry.verifyLeaf(root, leaves[i], leaves.proof(i));
            _assertStatus(v, IFingerprintRegistry.VerificationStatus.Valid, "leaf");
            assertEq(v.issuer, issuerA, "issuer");
            assertEq(v.schemaId, revocableSchema, "schemaId");
            assertEq(v.anchoredAt, T0, "anchoredAt");
            assertEq(v.expiresAt, expiry, "expiresAt");
        }
    }

    function test_verifyLeaf_singleLeafBatchHasEmptyProof() public {
        bytes32[] memory leaves = _fingerprints("solo", 1);
        bytes32 root = _anchorBatch(issuerA, leaves, REVOCABLE, 0);
        bytes32 expectedRoot = sha256(abi.encode(sha256(abi.encode(leaves[0]))));
        assertEq(root, expectedRoot, "root is the leaf");
        bytes32[] memory proof = new bytes32[](0);
        _assertStatus(
            registry.verifyLeaf(root, leaves[0], proof),
            IFingerprintRegistry.VerificationStatus.Valid,
            "solo"
        );
    }

    function test_verifyLeaf_matchesHandBuiltThreeLeafTree() public {
        bytes32[] memory leaves = _fingerprints("three", 3);
        bytes32 l0 = sha256(abi.encode(sha256(abi.encode(leaves[0]))));
        bytes32 l1 = sha256(abi.encode(sha256(abi.encode(leaves[1]))));
        bytes32 l2 = sha256(abi.encode(sha256(abi.encode(leaves[2]))));
        bytes32 n01 = l0 < l1 ? sha256(abi.encode(l0, l1)) : sha256(abi.encode(l1, l0));
        bytes32 expectedRoot = n01 < l2 ? sha256(abi.encode(n01, l2)) : sha256(abi.encode(l2, n01));
        bytes32 root = _anchorBatch(issuerA, leaves, REVOCABLE, 0);
        assertEq(root, expectedRoot, "root");

        bytes32[] memory proof = new bytes32[](1);
        proof[0] = n01; // the promoted leaf needs one sibling only
        _assertStatus(registry.verifyLeaf(root, leaves[2], proof), IFingerprintRegistry.VerificationStatus.Valid, "l2");
    }

    /// docs/fingerprint-spec.md §6, "merkle" and "singleLeaf" vectors.
    function test_verifyLeaf_matchesSpecTestVectors() public {
        bytes32[] memory fps = new bytes32[](5);
        fps[0] = 0xd2dbf006f96dd05044a8f63d8f118f23925ba4cc5750f8b6c8e287fd506c8188;
        fps[1] = 0x4140bf0e8569ed03ec838871ff2f190e9b3ea86bc083d7e9901049f75f00e855;
        fps[2] = 0x649837ddcb7e1967086d7d35aaef7b975c513815d96fc6e70015e93a2bfe0f9a;
        fps[3] = 0x9fde56c376760bd399b82eb8569229a2dff19219411ac71154dfeab2cf502454;
        fps[4] = 0x697f943b9ec5f90eddda8ae7473f5eb688187e3467f312fefa8677dde255042c;
        assertEq(fps[0], sha256("leaf-0"), "fingerprint derivation");
        assertEq(fps[4], sha256("leaf-4"), "fingerprint derivation");
        assertEq(
            MerkleTestTree.leaf(fps[2]),
            0x164799b5e85b8dc040aa9796ece8cb26d7d7638cc131965d648d8e807691a2fa,
            "leaf 2"
        );
        bytes32 specRoot = 0x0c69f41ae86e13032d93ce8da557c3dd816511c0501fc5534ccd5f76475dc22a;

        bytes32[] memory proof4 = new bytes32[](1);
        proof4[0] = 0x18192edfbd65a7206b02a3d4694b228a942fa523b714ac2e5ff415226d966570;
        bytes32[] memory proof2 = new bytes32[](3);
        proof2[0] = 0xeab9f0a566c4ad37705ebfc6cb73cc1474e256cebaec9a2e8c7795f9ae317abb;
        proof2[1] = 0xb41347e0f385b29fd8c1e4e65cd9594de8306d0e11300bd5da485cf203b64be5;
        proof2[2] = 0x875d2787017e43d025147b658d33903f827082965114f01cdee8cba1a99d4c11;
        assertEq(fps.proof(4), proof4, "reference proof 4");
        assertEq(fps.proof(2), proof2, "reference proof 2");

        bytes32 root = _anchorBatch(issuerA, fps, REVOCABLE, 0);
        assertEq(root, specRoot, "reference root");
        _assertStatus(registry.verifyLeaf(root, fps[4], proof4), IFingerprintRegistry.VerificationStatus.Valid, "4");
        _assertStatus(registry.verifyLeaf(root, fps[2], proof2), IFingerprintRegistry.VerificationStatus.Valid, "2");

        bytes32[] memory single = new bytes32[](1);
        single[0] = fps[0];
        bytes32 singleRoot = _anchorBatch(issuerB, single, REVOCABLE, 0);
        assertEq(singleRoot, 0x4f420d4f5a5807917c1150bf96336e58bf4e8042b2f4938f9edbbdbc2a752dbd, "single root");
        _assertStatus(
            registry.verifyLeaf(singleRoot, fps[0], new bytes32[](0)),
            IFingerprintRegistry.VerificationStatus.Valid,
            "1"
        );
    }

    function test_verifyLeaf_badProofForWrongProof() public {
        bytes32[] memory leaves = _fingerprints("bad", 4);
        bytes32 root = _anchorBatch(issuerA, leaves, REVOCABLE, 0);
        IFingerprintRegistry.Verification memory v = registry.verifyLeaf(root, leaves[0], leaves.proof(3));
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.BadProof, "wrong proof");
        _assertEmptyVerification(v, "bad proof");
        bytes32[] memory empty = new bytes32[](0);
        _assertStatus(
            registry.verifyLeaf(root, leaves[0], empty),
            IFingerprintRegistry.VerificationStatus.BadProof,
            "no proof"
        );
    }

    function test_verifyLeaf_badProofForFingerprintOutsideBatch() public {
        bytes32[] memory leaves = _fingerprints("bad", 4);
        bytes32 root = _anchorBatch(issuerA, leaves, REVOCABLE, 0);
        _assertStatus(
            registry.verifyLeaf(root, FP, leaves.proof(0)),
            IFingerprintRegistry.VerificationStatus.BadProof,
            "outside"
        );
    }

    function test_verifyLeaf_innerNodeCannotPassAsLeaf() public {
        bytes32[] memory leaves = _fingerprints("inner", 4);
        bytes32 root = _anchorBatch(issuerA, leaves, REVOCABLE, 0);
        bytes32 l0 = MerkleTestTree.leaf(leaves[0]);
        bytes32 l1 = MerkleTestTree.leaf(leaves[1]);
        bytes32 l2 = MerkleTestTree.leaf(leaves[2]);
        bytes32 l3 = MerkleTestTree.leaf(leaves[3]);
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = MerkleTestTree.node(l2, l3);
        // Presenting the inner node n01 (or its hash input) as a fingerprint must fail.
        bytes32 n01 = MerkleTestTree.node(l0, l1);
        _assertStatus(registry.verifyLeaf(root, n01, proof), IFingerprintRegistry.VerificationStatus.BadProof, "n01");
        _assertStatus(
            registry.verifyLeaf(root, l0, leaves.proof(0)),
            IFingerprintRegistry.VerificationStatus.BadProof,
            "l0"
        );
    }

    function test_verifyLeaf_notAnchoredForUnknownRoot() public view {
        bytes32[] memory leaves = _fingerprints("unknown", 4);
        bytes32 root = leaves.root();
        IFingerprintRegistry.Verification memory v = registry.verifyLeaf(root, leaves[0], leaves.proof(0));
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.NotAnchored, "real proof");
        _assertEmptyVerification(v, "unknown root");
        _assertStatus(
            registry.verifyLeaf(root, FP, leaves.proof(1)),
            IFingerprintRegistry.VerificationStatus.NotAnchored,
            "garbage"
        );
    }

    function test_verifyLeaf_notAnchoredForSingleAnchorUsedAsRoot() public {
        bytes32[] memory leaves = _fingerprints("single", 2);
        bytes32 root = leaves.root();
        _anchor(issuerA, root, REVOCABLE, 0);
        _assertStatus(
            registry.verifyLeaf(root, leaves[0], leaves.proof(0)),
            IFingerprintRegistry.VerificationStatus.NotAnchored,
            "single anchor is no batch"
        );
    }

    function test_verifyLeaf_expiredAndUnaccredited() public {
        bytes32[] memory leaves = _fingerprints("states", 3);
        bytes32 root = _anchorBatch(issuerA, leaves, REINSTATABLE, T0 + 100);
        bytes32[] memory proof = leaves.proof(1);
        vm.warp(T0 + 100);
        _assertStatus(
            registry.verifyLeaf(root, leaves[1], proof),
            IFingerprintRegistry.VerificationStatus.Expired,
            "expired"
        );
        _withdraw(issuerA, reinstatableSchema, T0);
        _assertStatus(
            registry.verifyLeaf(root, leaves[1], proof),
            IFingerprintRegistry.VerificationStatus.Unaccredited,
            "unaccredited"
        );
    }

    // ================================================================== squatting

    function test_squatting_revokingOwnCopyDoesNotAffectOriginal() public {
        bytes32 victim = FP;
        _anchor(issuerA, victim, REINSTATABLE, 0);

        bytes32[] memory squatted = new bytes32[](3);
        squatted[0] = _fp("b-1");
        squatted[1] = victim;
        squatted[2] = _fp("b-2");
        vm.warp(T0 + 10);
        bytes32 root = _anchorBatch(issuerB, squatted, REINSTATABLE, 0);
        bytes32[] memory proof = squatted.proof(1);
        vm.prank(issuerB);
        registry.revokeLeaf(root, victim, proof, 1, bytes32(0));

        IFingerprintRegistry.Verification memory original = registry.verify(victim);
        _assertStatus(original, IFingerprintRegistry.VerificationStatus.Valid, "original");
        assertEq(original.issuer, issuerA, "original issuer");
        assertEq(original.anchoredAt, T0, "original anchoredAt");
        assertEq(registry.revocationOf(bytes32(0), victim).revokedAt, 0, "original revocation");

        IFingerprintRegistry.Verification memory copy = registry.verifyLeaf(root, victim, proof);
        _assertStatus(copy, IFingerprintRegistry.VerificationStatus.Revoked, "squatter's copy");
        assertEq(copy.issuer, issuerB, "copy issuer");
    }

    function test_squatting_victimsOwnBatchUnaffected() public {
        bytes32[] memory mine = _fingerprints("a-batch", 4);
        bytes32 rootA = _anchorBatch(issuerA, mine, REINSTATABLE, 0);
        bytes32[] memory copy = new bytes32[](2);
        copy[0] = mine[2];
        copy[1] = _fp("b-own");
        bytes32 rootB = _anchorBatch(issuerB, copy, REINSTATABLE, 0);
        bytes32[] memory proofB = copy.proof(0);
        bytes32[] memory proofA = mine.proof(2);
        vm.prank(issuerB);
        registry.revokeLeaf(rootB, mine[2], proofB, 1, bytes32(0));

        IFingerprintRegistry.Verification memory v = registry.verifyLeaf(rootA, mine[2], proofA);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Valid, "victim leaf");
        assertEq(v.issuer, issuerA, "issuer");
        assertEq(registry.revocationOf(rootA, mine[2]).revokedAt, 0, "victim revocation");
    }

    function test_squatting_fingerprintAsOwnBatchRootDoesNotAffectOriginal() public {
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.prank(issuerB);
        registry.anchorBatch(FP, 1, REINSTATABLE, 0);
        IFingerprintRegistry.Verification memory v = registry.verify(FP);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Valid, "original");
        assertEq(v.issuer, issuerA, "issuer");
    }

    // ================================================================== accredit

    function test_accredit_activatesAndEmits() public {
        address issuerC = address(0xC);
        vm.warp(T0 + 42);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IIssuerAccreditation.IssuerAccredited(issuerC, revocableSchema);
        _accredit(issuerC, revocableSchema);

        IIssuerAccreditation.Accreditation memory a = registry.accreditation(issuerC, revocableSchema);
        assertTrue(a.active, "active");
        assertEq(a.accreditedAt, T0 + 42, "accreditedAt");
        assertEq(a.withdrawals, 0, "withdrawals");
        assertEq(registry.untrustedWindows(issuerC, revocableSchema).length, 0, "no window");
        IIssuerAccreditation.Accreditation memory byIndex = registry.accreditationByIndex(issuerC, REVOCABLE);
        assertTrue(byIndex.active, "byIndex.active");
        assertEq(byIndex.accreditedAt, T0 + 42, "byIndex.accreditedAt");
        assertTrue(registry.isAccredited(issuerC, revocableSchema), "isAccredited");
        assertFalse(registry.isAccredited(issuerC, reinstatableSchema), "other schema");

        _anchor(issuerC, FP, REVOCABLE, 0);
        assertEq(registry.anchorOf(FP).issuer, issuerC, "can anchor");
    }

    function test_accredit_revertsWhenAlreadyAccredited() public {
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(IIssuerAccreditation.AlreadyAccredited.selector, issuerA, reinstatableSchema)
        );
        registry.accredit(issuerA, reinstatableSchema);
    }

    function test_accredit_revertsForZeroIssuer() public {
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IIssuerAccreditation.InvalidIssuer.selector));
        registry.accredit(address(0), reinstatableSchema);
    }

    function test_accredit_revertsForUnknownSchema() public {
        bytes32 unknown = schemas.schemaIdOf("nope", "1.0");
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(ISchemaRegistry.SchemaNotFound.selector, unknown));
        registry.accredit(issuerA, unknown);
    }

    function test_accredit_revertsForUnauthorizedCaller() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        registry.accredit(stranger, reinstatableSchema);
    }

    function test_accredit_revertsForAccreditedIssuerAccreditingOthers() public {
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, issuerA));
        registry.accredit(stranger, reinstatableSchema);
    }

    function test_accredit_revertsForSchemaAdminWithoutAccreditationRole() public {
        address schemaOnly = address(0x5C);
        vm.prank(admin);
        manager.grantRole(SCHEMA_ADMIN_ROLE, schemaOnly, 0);
        vm.prank(schemaOnly);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, schemaOnly));
        registry.accredit(stranger, reinstatableSchema);
    }

    function test_accredit_revertsWhenTimestampOutOfRange() public {
        uint256 tooLate = uint256(type(uint32).max) + 1;
        vm.warp(tooLate);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.TimestampOutOfRange.selector, tooLate));
        registry.accredit(stranger, reinstatableSchema);
    }

    function test_accredit_firstAccreditationOpensNoWindow() public {
        address issuerC = address(0xC);
        _accredit(issuerC, finalSchema);
        assertEq(registry.untrustedWindows(issuerC, finalSchema).length, 0, "no window");
        assertEq(registry.accreditation(issuerC, finalSchema).withdrawals, 0, "withdrawals");
    }

    function test_accredit_revertsWhenReaccreditingInTheSecondTheWindowBegan() public {
        vm.warp(T0 + 100);
        _withdraw(issuerA, finalSchema, T0 + 100);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IIssuerAccreditation.ReaccreditationTooEarly.selector,
                issuerA,
                finalSchema,
                uint64(T0 + 101)
            )
        );
        registry.accredit(issuerA, finalSchema);
        vm.warp(T0 + 101);
        _accredit(issuerA, finalSchema);
        assertTrue(registry.isAccredited(issuerA, finalSchema), "accredited one second later");
    }

    // ================================================================== withdrawAccreditation

    function test_withdrawAccreditation_deactivatesAndEmits() public {
        vm.warp(T0 + 500);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IIssuerAccreditation.AccreditationWithdrawn(issuerB, finalSchema, uint64(T0 + 400));
        _withdraw(issuerB, finalSchema, T0 + 400);

        IIssuerAccreditation.Accreditation memory a = registry.accreditation(issuerB, finalSchema);
        assertFalse(a.active, "active");
        assertEq(a.accreditedAt, T0, "accreditedAt kept");
        assertEq(a.withdrawals, 1, "withdrawals");
        IIssuerAccreditation.UntrustedWindow[] memory windows = registry.untrustedWindows(issuerB, finalSchema);
        assertEq(windows.length, 1, "one window");
        assertEq(windows[0].from, T0 + 400, "window.from");
        assertEq(windows[0].until, 0, "window open");
        assertFalse(registry.isAccredited(issuerB, finalSchema), "isAccredited");
        assertTrue(registry.isAccredited(issuerB, revocableSchema), "other schema");
    }

    function test_withdrawAccreditation_acceptsEffectiveFromAtAccreditedAt() public {
        vm.warp(T0 + 500);
        _withdraw(issuerB, finalSchema, T0);
        assertEq(registry.untrustedWindows(issuerB, finalSchema)[0].from, T0, "window.from");
    }

    function test_withdrawAccreditation_secondWithdrawalKeepsTheFirstWindow() public {
        vm.warp(T0 + 100);
        _withdraw(issuerA, finalSchema, T0 + 100);
        vm.warp(T0 + 200);
        _accredit(issuerA, finalSchema);
        vm.warp(T0 + 300);
        _withdraw(issuerA, finalSchema, T0 + 250);
        IIssuerAccreditation.Accreditation memory a = registry.accreditation(issuerA, finalSchema);
        assertEq(a.withdrawals, 2, "withdrawals");
        assertEq(a.accreditedAt, T0 + 200, "accreditedAt");
        IIssuerAccreditation.UntrustedWindow[] memory windows = registry.untrustedWindows(issuerA, finalSchema);
        assertEq(windows.length, 2, "two windows");
        assertEq(windows[0].from, T0 + 100, "first.from");
        assertEq(windows[0].until, T0 + 200, "first.until");
        assertEq(windows[1].from, T0 + 250, "second.from");
        assertEq(windows[1].until, 0, "second open");
    }

    function test_verify_recordsOfEveryWindowStayUnaccredited() public {
        // The sequence that used to lose the first window: backdated withdrawal, re-accreditation,
        // second withdrawal.
        bytes32 firstCompromise = _fp("first compromise");
        bytes32 between = _fp("between windows");
        bytes32 secondCompromise = _fp("second compromise");
        vm.warp(T0 + 100);
        _anchor(issuerA, firstCompromise, REINSTATABLE, 0);
        vm.warp(T0 + 150);
        _withdraw(issuerA, reinstatableSchema, T0 + 90);
        vm.warp(T0 + 200);
        _accredit(issuerA, reinstatableSchema);
        _anchor(issuerA, between, REINSTATABLE, 0);
        vm.warp(T0 + 300);
        _anchor(issuerA, secondCompromise, REINSTATABLE, 0);
        vm.warp(T0 + 350);
        _withdraw(issuerA, reinstatableSchema, T0 + 250);
        _assertStatus(registry.verify(firstCompromise), IFingerprintRegistry.VerificationStatus.Unaccredited, "first");
        _assertStatus(registry.verify(between), IFingerprintRegistry.VerificationStatus.Valid, "between");
        _assertStatus(
            registry.verify(secondCompromise),
            IFingerprintRegistry.VerificationStatus.Unaccredited,
            "second"
        );
    }

    function test_withdrawAccreditation_revertsWhenNeverAccredited() public {
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IIssuerAccreditation.NotAccredited.selector, stranger, finalSchema));
        registry.withdrawAccreditation(stranger, finalSchema, uint64(T0));
    }

    function test_withdrawAccreditation_revertsWhenAlreadyWithdrawn() public {
        _withdraw(issuerA, finalSchema, T0);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IIssuerAccreditation.NotAccredited.selector, issuerA, finalSchema));
        registry.withdrawAccreditation(issuerA, finalSchema, uint64(T0));
    }

    function test_withdrawAccreditation_revertsForUnknownSchema() public {
        bytes32 unknown = _fp("unknown schema");
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(ISchemaRegistry.SchemaNotFound.selector, unknown));
        registry.withdrawAccreditation(issuerA, unknown, uint64(T0));
    }

    function test_withdrawAccreditation_revertsWhenEffectiveFromInFuture() public {
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IIssuerAccreditation.InvalidWithdrawalTime.selector, uint64(T0 + 1)));
        registry.withdrawAccreditation(issuerA, finalSchema, uint64(T0 + 1));
    }

    function test_withdrawAccreditation_revertsWhenEffectiveFromBeforeAccreditedAt() public {
        vm.warp(T0 + 100);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IIssuerAccreditation.InvalidWithdrawalTime.selector, uint64(T0 - 1)));
        registry.withdrawAccreditation(issuerA, finalSchema, uint64(T0 - 1));
    }

    function test_withdrawAccreditation_revertsBeforeReaccreditation() public {
        vm.warp(T0 + 100);
        _withdraw(issuerA, finalSchema, T0 + 100);
        vm.warp(T0 + 200);
        _accredit(issuerA, finalSchema);
        vm.warp(T0 + 300);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IIssuerAccreditation.InvalidWithdrawalTime.selector, uint64(T0 + 199)));
        registry.withdrawAccreditation(issuerA, finalSchema, uint64(T0 + 199));
    }

    function test_withdrawAccreditation_revertsForUnauthorizedCaller() public {
        vm.prank(issuerB);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, issuerB));
        registry.withdrawAccreditation(issuerA, finalSchema, uint64(T0));
    }

    function test_withdrawAccreditation_revertsWhenTimestampOutOfRange() public {
        uint256 tooLate = uint256(type(uint32).max) + 1;
        vm.warp(tooLate);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.TimestampOutOfRange.selector, tooLate));
        registry.withdrawAccreditation(issuerA, finalSchema, uint64(T0));
    }

    // ================================================================== views

    function test_accreditation_revertsForUnknownSchema() public {
        bytes32 unknown = _fp("unknown schema");
        vm.expectRevert(abi.encodeWithSelector(ISchemaRegistry.SchemaNotFound.selector, unknown));
        registry.accreditation(issuerA, unknown);
    }

    function test_isAccredited_revertsForUnknownSchema() public {
        bytes32 unknown = _fp("unknown schema");
        vm.expectRevert(abi.encodeWithSelector(ISchemaRegistry.SchemaNotFound.selector, unknown));
        registry.isAccredited(issuerA, unknown);
    }

    function test_accreditationByIndex_zeroForUnknownPair() public view {
        IIssuerAccreditation.Accreditation memory a = registry.accreditationByIndex(stranger, 99);
        assertFalse(a.active, "active");
        assertEq(a.accreditedAt, 0, "accreditedAt");
    }

    function test_accreditationByIndex_matchesAccreditation() public view {
        IIssuerAccreditation.Accreditation memory byIndex = registry.accreditationByIndex(issuerA, REVOCABLE);
        IIssuerAccreditation.Accreditation memory byId = registry.accreditation(issuerA, revocableSchema);
        assertTrue(byIndex.active, "active");
        assertEq(byIndex.accreditedAt, byId.accreditedAt, "accreditedAt");
        assertEq(byIndex.accreditedAt, T0, "accreditedAt value");
    }

    function test_anchorOf_zeroWhenNotAnchored() public view {
        _assertRecord(registry.anchorOf(FP), address(0), 0, 0, 0);
    }

    function test_batchOf_zeroWhenNotAnchored() public view {
        _assertRecord(registry.batchOf(FP), address(0), 0, 0, 0);
    }

    function test_revocationOf_zeroWhenNotRevoked() public view {
        IFingerprintRegistry.Revocation memory r = registry.revocationOf(FP2, FP);
        assertEq(r.revokedAt, 0, "revokedAt");
        assertEq(r.reason, 0, "reason");
        assertEq(r.supersededBy, bytes32(0), "supersededBy");
    }

    function test_schemaRegistry_returnsConstructorArgument() public view {
        assertEq(registry.schemaRegistry(), address(schemas), "schemaRegistry");
    }

    function test_version_is010() public view {
        assertEq(registry.version(), "0.1.0", "version");
    }

    function test_authority_isAccessManager() public view {
        assertEq(registry.authority(), address(manager), "authority");
    }

    // ================================================================== fuzz

    function testFuzz_anchor_storesAnyFingerprintAndExpiry(
        bytes32 fingerprint,
        uint64 expirySeed,
        uint32 warpSeed
    ) public {
        vm.assume(fingerprint != bytes32(0));
        uint256 now_ = bound(warpSeed, T0, type(uint32).max - 1);
        vm.warp(now_);
        uint256 expiry = expirySeed % 5 == 0 ? 0 : bound(expirySeed, now_ + 1, type(uint32).max);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IFingerprintRegistry.Anchored(fingerprint, issuerA, REINSTATABLE, uint64(expiry));
        _anchor(issuerA, fingerprint, REINSTATABLE, expiry);

        _assertRecord(registry.anchorOf(fingerprint), issuerA, REINSTATABLE, now_, expiry);
        _assertStatus(registry.verify(fingerprint), IFingerprintRegistry.VerificationStatus.Valid, "valid");
        if (expiry != 0) {
            vm.warp(expiry);
            _assertStatus(registry.verify(fingerprint), IFingerprintRegistry.VerificationStatus.Expired, "expired");
        }

        vm.prank(issuerB);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.AlreadyAnchored.selector, fingerprint, issuerA));
        registry.anchor(fingerprint, REINSTATABLE, 0);
    }

    function testFuzz_anchor_revertsOnInvalidExpiry(uint64 expiry) public {
        vm.assume(expiry != 0);
        vm.assume(expiry <= T0 || expiry > type(uint32).max);
        vm.prank(issuerA);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.InvalidExpiry.selector, expiry));
        registry.anchor(FP, REINSTATABLE, expiry);
    }

    function testFuzz_anchor_revertsForUnaccreditedCaller(address caller, uint32 schemaIndex) public {
        vm.assume(caller != issuerA && caller != issuerB);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, caller, schemaIndex));
        registry.anchor(FP, schemaIndex, 0);
    }

    function testFuzz_verifyLeaf_validForRandomBatch(bytes32 seed, uint8 sizeSeed, uint8 indexSeed) public {
        uint256 size = bound(sizeSeed, 1, 32);
        uint256 index = bound(indexSeed, 0, size - 1);
        bytes32[] memory leaves = _fingerprints(seed, size);
        (bytes32 root, bytes32[] memory proof) = leaves.rootAndProof(index);
        vm.prank(issuerA);
        registry.anchorBatch(root, uint32(size), REVOCABLE, 0);

        IFingerprintRegistry.Verification memory v = registry.verifyLeaf(root, leaves[index], proof);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Valid, "valid leaf");
        assertEq(v.issuer, issuerA, "issuer");
        assertEq(v.schemaId, revocableSchema, "schemaId");
        assertLe(proof.length, 5, "proof depth for <= 32 leaves");
    }

    function testFuzz_verifyLeaf_badProofWhenProofAltered(
        bytes32 seed,
        uint8 sizeSeed,
        uint8 indexSeed,
        uint8 positionSeed,
        bytes32 mask
    ) public {
        vm.assume(mask != bytes32(0));
        uint256 size = bound(sizeSeed, 1, 32);
        uint256 index = bound(indexSeed, 0, size - 1);
        bytes32[] memory leaves = _fingerprints(seed, size);
        (bytes32 root, bytes32[] memory proof) = leaves.rootAndProof(index);
        vm.prank(issuerA);
        registry.anchorBatch(root, uint32(size), REVOCABLE, 0);

        bytes32[] memory altered;
        if (proof.length == 0) {
            altered = new bytes32[](1); // a single-leaf batch: any extra step breaks it
            altered[0] = mask;
        } else {
            altered = new bytes32[](proof.length);
            for (uint256 i; i < proof.length; ++i) {
                altered[i] = proof[i];
            }
            uint256 position = bound(positionSeed, 0, proof.length - 1);
            altered[position] ^= mask;
        }
        IFingerprintRegistry.Verification memory v = registry.verifyLeaf(root, leaves[index], altered);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.BadProof, "altered proof");
        _assertEmptyVerification(v, "altered proof");
    }

    function testFuzz_verifyLeaf_badProofWhenFingerprintAltered(
        bytes32 seed,
        uint8 sizeSeed,
        uint8 indexSeed,
        bytes32 mask
    ) public {
        vm.assume(mask != bytes32(0));
        uint256 size = bound(sizeSeed, 1, 32);
        uint256 index = bound(indexSeed, 0, size - 1);
        bytes32[] memory leaves = _fingerprints(seed, size);
        (bytes32 root, bytes32[] memory proof) = leaves.rootAndProof(index);
        vm.prank(issuerB);
        registry.anchorBatch(root, uint32(size), REVOCABLE, 0);

        bytes32 altered = leaves[index] ^ mask;
        _assertStatus(
            registry.verifyLeaf(root, altered, proof),
            IFingerprintRegistry.VerificationStatus.BadProof,
            "altered fp"
        );
        vm.prank(issuerB);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.InvalidProof.selector, root, altered));
        registry.revokeLeaf(root, altered, proof, 1, bytes32(0));
    }

    function testFuzz_revokeLeaf_revokesOnlyThatLeaf(
        bytes32 seed,
        uint8 sizeSeed,
        uint8 indexSeed,
        uint16 reason
    ) public {
        vm.assume(reason != 0);
        uint256 size = bound(sizeSeed, 2, 32);
        uint256 index = bound(indexSeed, 0, size - 1);
        uint256 other = (index + 1) % size;
        bytes32[] memory leaves = _fingerprints(seed, size);
        bytes32 root = _anchorBatch(issuerA, leaves, REINSTATABLE, 0);
        bytes32[] memory proof = leaves.proof(index);
        bytes32[] memory otherProof = leaves.proof(other);

        vm.prank(issuerA);
        registry.revokeLeaf(root, leaves[index], proof, reason, bytes32(0));

        IFingerprintRegistry.Verification memory v = registry.verifyLeaf(root, leaves[index], proof);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Revoked, "revoked");
        assertEq(v.revocationReason, reason, "reason");
        _assertStatus(
            registry.verifyLeaf(root, leaves[other], otherProof),
            IFingerprintRegistry.VerificationStatus.Valid,
            "other"
        );

        vm.prank(issuerA);
        registry.reinstateLeaf(root, leaves[index], proof);
        _assertStatus(
            registry.verifyLeaf(root, leaves[index], proof),
            IFingerprintRegistry.VerificationStatus.Valid,
            "reinstated"
        );
    }

    function testFuzz_revoke_storesAnyReason(
        bytes32 fingerprint,
        uint16 reason,
        bytes32 supersededBy,
        uint32 delay
    ) public {
        vm.assume(fingerprint != bytes32(0));
        _anchor(issuerA, fingerprint, REVOCABLE, 0);
        uint256 revokedAt = T0 + bound(delay, 0, 10 * 365 days);
        vm.warp(revokedAt);

        if (reason == 0) {
            vm.prank(issuerA);
            vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.InvalidRevocationReason.selector));
            registry.revoke(fingerprint, reason, supersededBy);
            _assertStatus(registry.verify(fingerprint), IFingerprintRegistry.VerificationStatus.Valid, "not revoked");
            return;
        }
        vm.expectEmit(true, true, true, true, address(registry));
        emit IFingerprintRegistry.Revoked(fingerprint, issuerA, bytes32(0), reason, supersededBy);
        vm.prank(issuerA);
        registry.revoke(fingerprint, reason, supersededBy);

        IFingerprintRegistry.Verification memory v = registry.verify(fingerprint);
        _assertStatus(v, IFingerprintRegistry.VerificationStatus.Revoked, "revoked");
        assertEq(v.revokedAt, revokedAt, "revokedAt");
        assertEq(v.revocationReason, reason, "reason");
        assertEq(v.supersededBy, supersededBy, "supersededBy");
    }

    function testFuzz_revoke_otherIssuerNeverSucceeds(bytes32 fingerprint, address caller, uint16 reason) public {
        vm.assume(fingerprint != bytes32(0) && caller != issuerA);
        _anchor(issuerA, fingerprint, REINSTATABLE, 0);
        vm.prank(caller);
        vm.expectRevert(
            abi.encodeWithSelector(IFingerprintRegistry.NotRecordIssuer.selector, fingerprint, issuerA, caller)
        );
        registry.revoke(fingerprint, reason, bytes32(0));
    }

    function testFuzz_verify_unaccreditedWindow(uint32 anchorDelay, uint32 fromDelay, uint32 reaccreditDelay) public {
        uint256 anchoredAt = T0 + bound(anchorDelay, 0, 1000);
        uint256 effectiveFrom = T0 + bound(fromDelay, 0, 1000);
        uint256 withdrawnAt = T0 + 1000;
        uint256 reaccreditedAt = withdrawnAt + bound(reaccreditDelay, 1, 1000);

        vm.warp(anchoredAt);
        _anchor(issuerA, FP, REINSTATABLE, 0);
        vm.warp(withdrawnAt);
        _withdraw(issuerA, reinstatableSchema, effectiveFrom);
        IFingerprintRegistry.VerificationStatus expected =
            anchoredAt >= effectiveFrom
                ? IFingerprintRegistry.VerificationStatus.Unaccredited
                : IFingerprintRegistry.VerificationStatus.Valid;
        _assertStatus(registry.verify(FP), expected, "after withdrawal");

        vm.warp(reaccreditedAt);
        _accredit(issuerA, reinstatableSchema);
        _assertStatus(registry.verify(FP), expected, "after re-accreditation");
        _anchor(issuerA, FP2, REINSTATABLE, 0);
        _assertStatus(registry.verify(FP2), IFingerprintRegistry.VerificationStatus.Valid, "new anchor");
    }
}
