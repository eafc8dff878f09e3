// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";

import {FingerprintRegistry} from "../../contracts/fingerprints/FingerprintRegistry.sol";
import {DIDRegistry} from "../../contracts/identity/DIDRegistry.sol";
import {IssuerRegistry} from "../../contracts/identity/IssuerRegistry.sol";
import {IFingerprintRegistry} from "../../contracts/interfaces/IFingerprintRegistry.sol";
import {IIssuerAccreditation} from "../../contracts/interfaces/IIssuerAccreditation.sol";
import {IIssuerRegistry} from "../../contracts/interfaces/IIssuerRegistry.sol";
import {ISchemaRegistry} from "../../contracts/interfaces/ISchemaRegistry.sol";
import {SchemaRegistry} from "../../contracts/schemas/SchemaRegistry.sol";
import {Assertions} from "../utils/Assertions.sol";
import {CheatCodes} from "../utils/Vm.sol";

/// @notice Deploys the AccessManager (admin: the committee), SchemaRegistry, FingerprintRegistry,
/// DIDRegistry and IssuerRegistry wired as the Ignition modules do: register → role 1 and the six
/// issuer functions → role 3, both held by the committee; accredit / withdrawAccreditation → role 2,
/// held by the IssuerRegistry contract only. Registers three schemas (compact indexes 1, 2, 3).
/// @dev Pranks and expectRevert are consumed by the next external call (views included), so schema
/// indexes are constants and every expected value is computed before either cheatcode.
abstract contract IssuerRegistryFixture is CheatCodes, Assertions {
    uint64 internal constant SCHEMA_ADMIN_ROLE = 1;
    uint64 internal constant ACCREDITATION_ADMIN_ROLE = 2;
    uint64 internal constant ISSUER_ADMIN_ROLE = 3;
    uint256 internal constant T0 = 1_700_000_000;
    bytes32 internal constant VERI_KEY = "veriKey";

    /// Compact indexes of the schemas registered in `_deploy`.
    uint32 internal constant LAB_REPORT = 1;
    uint32 internal constant VACCINATION = 2;
    uint32 internal constant POLICY = 3;

    IIssuerRegistry.IssuerType internal constant HOSPITAL = IIssuerRegistry.IssuerType.Hospital;
    IIssuerRegistry.IssuerType internal constant LABORATORY = IIssuerRegistry.IssuerType.Laboratory;
    IIssuerRegistry.IssuerType internal constant INSURER = IIssuerRegistry.IssuerType.Insurer;

    AccessManager internal manager;
    SchemaRegistry internal schemas;
    FingerprintRegistry internal fingerprints;
    DIDRegistry internal dids;
    IssuerRegistry internal registry;

    address internal committee = _makeAddr("committee");
    address internal hospital = _makeAddr("hospital");
    address internal lab = _makeAddr("lab");
    address internal insurer = _makeAddr("insurer");
    address internal stranger = _makeAddr("stranger");

    bytes32 internal labReportSchema;
    bytes32 internal vaccinationSchema;
    bytes32 internal policySchema;

    function _deploy() internal {
        vm.warp(T0);
        manager = new AccessManager(committee);
        schemas = new SchemaRegistry(address(manager));
        fingerprints = new FingerprintRegistry(address(manager), schemas);
        dids = new DIDRegistry();
        registry = new IssuerRegistry(address(manager), dids, fingerprints);

        vm.startPrank(committee);
        manager.setTargetFunctionRole(address(schemas), _schemaAdminSelectors(), SCHEMA_ADMIN_ROLE);
        manager.setTargetFunctionRole(address(fingerprints), _accreditationSelectors(), ACCREDITATION_ADMIN_ROLE);
        manager.setTargetFunctionRole(address(registry), _issuerAdminSelectors(), ISSUER_ADMIN_ROLE);
        manager.grantRole(SCHEMA_ADMIN_ROLE, committee, 0);
        manager.grantRole(ACCREDITATION_ADMIN_ROLE, address(registry), 0);
        manager.grantRole(ISSUER_ADMIN_ROLE, committee, 0);
        labReportSchema = schemas.register(_definition("test.lab-report"));
        vaccinationSchema = schemas.register(_definition("test.vaccination"));
        policySchema = schemas.register(_definition("test.policy"));
        vm.stopPrank();
    }

    function _schemaAdminSelectors() internal pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](1);
        selectors[0] = SchemaRegistry.register.selector;
    }

    function _accreditationSelectors() internal pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](2);
        selectors[0] = FingerprintRegistry.accredit.selector;
        selectors[1] = FingerprintRegistry.withdrawAccreditation.selector;
    }

    function _issuerAdminSelectors() internal pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](6);
        selectors[0] = IssuerRegistry.recognize.selector;
        selectors[1] = IssuerRegistry.suspend.selector;
        selectors[2] = IssuerRegistry.reinstate.selector;
        selectors[3] = IssuerRegistry.remove.selector;
        selectors[4] = IssuerRegistry.grantSchema.selector;
        selectors[5] = IssuerRegistry.revokeSchema.selector;
    }

    function _definition(string memory name) internal pure returns (ISchemaRegistry.SchemaDefinition memory) {
        return
            ISchemaRegistry.SchemaDefinition({
                name: name,
                version: "1.0",
                definitionURI: string.concat("https://schemas.example/", name),
                definitionHash: bytes32(0),
                revocable: true,
                reinstatable: true
            });
    }

    function _makeAddr(string memory name) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked("crossproof.test.", name)))));
    }

    // ---------------------------------------------------------------- actions

    function _apply(address account, address did, IIssuerRegistry.IssuerType issuerType) internal {
        vm.prank(account);
        registry.applyForRecognition(did, issuerType, "Queen Mary Hospital", "HK");
    }

    function _applyAs(
        address account,
        address did,
        IIssuerRegistry.IssuerType issuerType,
        string memory name,
        string memory jurisdiction
    ) internal {
        vm.prank(account);
        registry.applyForRecognition(did, issuerType, name, jurisdiction);
    }

    function _addVeriKey(address did, address delegate, uint256 validity) internal {
        vm.prank(did);
        dids.addDelegate(did, VERI_KEY, delegate, validity);
    }

    function _recognize(address account) internal {
        vm.prank(committee);
        registry.recognize(account);
    }

    function _suspend(address account, uint256 effectiveFrom) internal {
        vm.prank(committee);
        registry.suspend(account, uint64(effectiveFrom));
    }

    function _reinstate(address account) internal {
        vm.prank(committee);
        registry.reinstate(account);
    }

    function _remove(address account, uint256 effectiveFrom) internal {
        vm.prank(committee);
        registry.remove(account, uint64(effectiveFrom));
    }

    function _grant(address account, bytes32 schemaId) internal {
        vm.prank(committee);
        registry.grantSchema(account, schemaId);
    }

    function _revoke(address account, bytes32 schemaId, uint256 effectiveFrom) internal {
        vm.prank(committee);
        registry.revokeSchema(account, schemaId, uint64(effectiveFrom));
    }

    /// @dev Registers `count` more schemas (`prefix`-aa, -ba, …) and grants them all to `account`.
    function _grantMany(
        address account,
        string memory prefix,
        uint256 count
    ) internal returns (bytes32[] memory granted) {
        granted = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            vm.prank(committee);
            bytes memory suffix = abi.encodePacked(bytes1(uint8(97 + (i % 26))), bytes1(uint8(97 + i / 26)));
            granted[i] = schemas.register(_definition(string.concat(prefix, "-", string(suffix))));
            _grant(account, granted[i]);
        }
    }

    /// @dev Applies with its own DID, is recognised and granted the lab-report and vaccination schemas.
    function _onboard(address account) internal {
        _apply(account, account, HOSPITAL);
        _recognize(account);
        _grant(account, labReportSchema);
        _grant(account, vaccinationSchema);
    }

    function _anchor(address account, bytes32 fingerprint, uint32 schemaIndex) internal {
        vm.prank(account);
        fingerprints.anchor(fingerprint, schemaIndex, 0);
    }

    function _expectAnchorRejected(address account, bytes32 fingerprint, uint32 schemaIndex) internal {
        vm.prank(account);
        vm.expectRevert(
            abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, account, schemaIndex)
        );
        fingerprints.anchor(fingerprint, schemaIndex, 0);
    }

    // ---------------------------------------------------------------- assertions

    function _assertStatus(
        address account,
        IIssuerRegistry.IssuerStatus expected,
        string memory message
    ) internal view {
        assertEq(uint256(registry.issuer(account).status), uint256(expected), string.concat(message, " (status)"));
        assertEq(
            registry.isRecognized(account),
            expected == IIssuerRegistry.IssuerStatus.Recognized,
            string.concat(message, " (isRecognized)")
        );
    }

    function _assertVerifies(
        bytes32 fingerprint,
        IFingerprintRegistry.VerificationStatus expected,
        string memory message
    ) internal view {
        assertEq(uint256(fingerprints.verify(fingerprint).status), uint256(expected), message);
    }

    function _assertAddresses(address[] memory actual, address[] memory expected, string memory message) internal pure {
        assertEq(actual.length, expected.length, string.concat(message, " (length)"));
        for (uint256 i; i < actual.length; ++i) {
            assertEq(actual[i], expected[i], message);
        }
    }

    function _assertWindow(
        address account,
        bytes32 schemaId,
        uint256 index,
        uint256 from,
        uint256 until,
        string memory message
    ) internal view {
        IIssuerAccreditation.UntrustedWindow[] memory windows = fingerprints.untrustedWindows(account, schemaId);
        assertGt(windows.length, index, string.concat(message, " (window count)"));
        assertEq(windows[index].from, from, string.concat(message, " (from)"));
        assertEq(windows[index].until, until, string.concat(message, " (until)"));
    }

    function _invalidStatus(address account, IIssuerRegistry.IssuerStatus status) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IIssuerRegistry.InvalidIssuerStatus.selector, account, status);
    }

    function _unauthorized(address caller) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, caller);
    }

    function _list(address a) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = a;
    }

    function _list(address a, address b) internal pure returns (address[] memory list) {
        list = new address[](2);
        list[0] = a;
        list[1] = b;
    }

    function _list(address a, address b, address c) internal pure returns (address[] memory list) {
        list = new address[](3);
        list[0] = a;
        list[1] = b;
        list[2] = c;
    }

    function _ids(bytes32 a) internal pure returns (bytes32[] memory list) {
        list = new bytes32[](1);
        list[0] = a;
    }

    function _ids(bytes32 a, bytes32 b) internal pure returns (bytes32[] memory list) {
        list = new bytes32[](2);
        list[0] = a;
        list[1] = b;
    }

    function _repeat(bytes1 char, uint256 length) internal pure returns (string memory) {
        bytes memory buffer = new bytes(length);
        for (uint256 i; i < length; ++i) buffer[i] = char;
        return string(buffer);
    }
}

/// describe(IssuerRegistry)
contract IssuerRegistryTest is IssuerRegistryFixture {
    bytes32 internal constant FP1 = keccak256("record-1");
    bytes32 internal constant FP2 = keccak256("record-2");
    bytes32 internal constant FP3 = keccak256("record-3");
    bytes32 internal constant FP4 = keccak256("record-4");

    IIssuerRegistry.IssuerStatus internal constant NONE = IIssuerRegistry.IssuerStatus.None;
    IIssuerRegistry.IssuerStatus internal constant APPLIED = IIssuerRegistry.IssuerStatus.Applied;
    IIssuerRegistry.IssuerStatus internal constant RECOGNIZED = IIssuerRegistry.IssuerStatus.Recognized;
    IIssuerRegistry.IssuerStatus internal constant SUSPENDED = IIssuerRegistry.IssuerStatus.Suspended;
    IIssuerRegistry.IssuerStatus internal constant REMOVED = IIssuerRegistry.IssuerStatus.Removed;

    IFingerprintRegistry.VerificationStatus internal constant VALID = IFingerprintRegistry.VerificationStatus.Valid;
    IFingerprintRegistry.VerificationStatus internal constant UNACCREDITED = IFingerprintRegistry
        .VerificationStatus
        .Unaccredited;

    function setUp() public {
        _deploy();
    }

    // ================================================================== wiring

    function test_wiring_matchesIgnitionRoles() public view {
        (bool member, ) = manager.hasRole(SCHEMA_ADMIN_ROLE, committee);
        assertTrue(member, "committee is schema admin");
        (member, ) = manager.hasRole(ISSUER_ADMIN_ROLE, committee);
        assertTrue(member, "committee is issuer admin");
        (member, ) = manager.hasRole(ACCREDITATION_ADMIN_ROLE, address(registry));
        assertTrue(member, "registry is accreditation admin");
        (member, ) = manager.hasRole(ACCREDITATION_ADMIN_ROLE, committee);
        assertFalse(member, "committee is not accreditation admin");
        (member, ) = manager.hasRole(manager.ADMIN_ROLE(), committee);
        assertTrue(member, "committee is the AccessManager admin");

        bytes4[] memory selectors = _issuerAdminSelectors();
        for (uint256 i; i < selectors.length; ++i) {
            assertEq(manager.getTargetFunctionRole(address(registry), selectors[i]), ISSUER_ADMIN_ROLE, "issuer fn");
        }
        assertEq(
            manager.getTargetFunctionRole(address(registry), IssuerRegistry.applyForRecognition.selector),
            manager.ADMIN_ROLE(),
            "applyForRecognition is not managed (not restricted)"
        );
        assertEq(registry.authority(), address(manager), "authority");
        assertEq(address(registry.didRegistry()), address(dids), "didRegistry");
        assertEq(address(registry.accreditationRegistry()), address(fingerprints), "accreditationRegistry");
        assertEq(registry.version(), "0.1.0", "version");
    }

    // ================================================================== applyForRecognition

    function test_apply_byDidOwner_storesRecordAndEmits() public {
        vm.warp(T0 + 5);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IIssuerRegistry.IssuerApplied(hospital, hospital, HOSPITAL, "Queen Mary Hospital", "HK");
        _apply(hospital, hospital, HOSPITAL);

        IIssuerRegistry.Issuer memory record = registry.issuer(hospital);
        assertEq(record.did, hospital, "did");
        assertEq(uint256(record.issuerType), uint256(HOSPITAL), "issuerType");
        assertEq(uint256(record.status), uint256(APPLIED), "status");
        assertEq(record.appliedAt, T0 + 5, "appliedAt");
        assertEq(record.statusChangedAt, T0 + 5, "statusChangedAt");
        assertEq(record.name, "Queen Mary Hospital", "name");
        assertEq(record.jurisdiction, "HK", "jurisdiction");
        assertFalse(registry.isRecognized(hospital), "not recognised yet");
        assertEq(registry.issuerCount(), 1, "issuerCount");
        assertEq(registry.schemaCountOf(hospital), 0, "no schema");
    }

    function test_apply_byNewOwnerOfTransferredDid() public {
        address did = _makeAddr("hospital.did");
        vm.prank(did);
        dids.changeOwner(did, hospital);

        _apply(hospital, did, HOSPITAL);
        assertEq(registry.issuer(hospital).did, did, "did");

        // The identity's own key no longer controls it.
        vm.prank(did);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.NotDIDController.selector, did, did));
        registry.applyForRecognition(did, HOSPITAL, "Queen Mary Hospital", "HK");
    }

    function test_apply_byVeriKeyDelegate() public {
        address did = _makeAddr("lab.did");
        _addVeriKey(did, lab, 1 days);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IIssuerRegistry.IssuerApplied(lab, did, LABORATORY, "Macau Central Lab", "MO");
        _applyAs(lab, did, LABORATORY, "Macau Central Lab", "MO");

        IIssuerRegistry.Issuer memory record = registry.issuer(lab);
        assertEq(record.did, did, "did");
        assertEq(uint256(record.issuerType), uint256(LABORATORY), "issuerType");
        assertEq(record.name, "Macau Central Lab", "name");
        assertEq(record.jurisdiction, "MO", "jurisdiction");
    }

    function test_apply_ownerAndDelegateOfOneDidBothApply() public {
        address did = _makeAddr("lab.did");
        _addVeriKey(did, lab, 1 days);
        _apply(did, did, LABORATORY);
        _apply(lab, did, LABORATORY);
        assertEq(registry.issuer(did).did, did, "owner's record");
        assertEq(registry.issuer(lab).did, did, "delegate's record");
        assertEq(registry.issuerCount(), 2, "issuerCount");
    }

    function test_apply_delegateValidUntilItsLastSecond() public {
        address did = _makeAddr("lab.did");
        _addVeriKey(did, lab, 1 hours);
        vm.warp(T0 + 1 hours - 1);
        _apply(lab, did, LABORATORY);
        _assertStatus(lab, APPLIED, "applied");
    }

    function test_apply_revertsForExpiredDelegate() public {
        address did = _makeAddr("lab.did");
        _addVeriKey(did, lab, 1 hours);
        vm.warp(T0 + 1 hours);
        vm.prank(lab);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.NotDIDController.selector, did, lab));
        registry.applyForRecognition(did, LABORATORY, "Macau Central Lab", "MO");
    }

    function test_apply_revertsForRevokedDelegate() public {
        address did = _makeAddr("lab.did");
        _addVeriKey(did, lab, 1 days);
        vm.warp(T0 + 10);
        vm.prank(did);
        dids.revokeDelegate(did, VERI_KEY, lab);
        vm.prank(lab);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.NotDIDController.selector, did, lab));
        registry.applyForRecognition(did, LABORATORY, "Macau Central Lab", "MO");
    }

    function test_apply_revertsForDelegateOfAnotherType() public {
        address did = _makeAddr("lab.did");
        vm.prank(did);
        dids.addDelegate(did, "sigAuth", lab, 1 days);
        vm.prank(lab);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.NotDIDController.selector, did, lab));
        registry.applyForRecognition(did, LABORATORY, "Macau Central Lab", "MO");
    }

    function test_apply_revertsForNonController() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.NotDIDController.selector, hospital, stranger));
        registry.applyForRecognition(hospital, HOSPITAL, "Queen Mary Hospital", "HK");
        assertEq(registry.issuerCount(), 0, "nothing stored");
    }

    function test_apply_revertsForDeactivatedDid() public {
        vm.prank(hospital);
        dids.changeOwner(hospital, address(0));
        vm.prank(hospital);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.NotDIDController.selector, hospital, hospital));
        registry.applyForRecognition(hospital, HOSPITAL, "Queen Mary Hospital", "HK");
    }

    /// DID control is checked once, at application: revoking the delegate later does not touch
    /// the issuer's recognition or accreditations (only the committee does).
    function test_apply_controlIsCheckedOnlyAtApplication() public {
        address did = _makeAddr("lab.did");
        _addVeriKey(did, lab, 1 days);
        _applyAs(lab, did, LABORATORY, "Macau Central Lab", "MO");
        _recognize(lab);
        _grant(lab, labReportSchema);
        vm.warp(T0 + 10);
        vm.prank(did);
        dids.revokeDelegate(did, VERI_KEY, lab);
        assertFalse(dids.validDelegate(did, VERI_KEY, lab), "delegate revoked");
        _assertStatus(lab, RECOGNIZED, "still recognised");
        _anchor(lab, FP1, LAB_REPORT);
        _assertVerifies(FP1, VALID, "still anchors");
    }

    function test_apply_revertsForUnspecifiedType() public {
        vm.prank(hospital);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.InvalidIssuerDetails.selector));
        registry.applyForRecognition(hospital, IIssuerRegistry.IssuerType.Unspecified, "Queen Mary Hospital", "HK");
    }

    function test_apply_revertsForTypeOutOfRange() public {
        bytes memory data = abi.encodeWithSelector(
            IssuerRegistry.applyForRecognition.selector,
            hospital,
            uint8(10),
            "Queen Mary Hospital",
            "HK"
        );
        vm.prank(hospital);
        (bool ok, ) = address(registry).call(data);
        assertFalse(ok, "type 10 accepted");
        assertEq(registry.issuerCount(), 0, "nothing stored");
    }

    function test_apply_revertsForEmptyName() public {
        vm.prank(hospital);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.InvalidIssuerDetails.selector));
        registry.applyForRecognition(hospital, HOSPITAL, "", "HK");
    }

    function test_apply_nameLengthBounds() public {
        string memory longest = _repeat("n", 128);
        string memory tooLong = _repeat("n", 129);
        vm.prank(lab);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.InvalidIssuerDetails.selector));
        registry.applyForRecognition(lab, LABORATORY, tooLong, "HK");

        _applyAs(lab, lab, LABORATORY, longest, "HK");
        assertEq(registry.issuer(lab).name, longest, "128-byte name");
        _applyAs(hospital, hospital, HOSPITAL, "Q", "HK");
        assertEq(registry.issuer(hospital).name, "Q", "1-byte name");
    }

    function test_apply_jurisdictionLengthBounds() public {
        string[3] memory rejected;
        rejected[1] = "H";
        rejected[2] = _repeat("J", 17);
        for (uint256 i; i < rejected.length; ++i) {
            vm.prank(hospital);
            vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.InvalidIssuerDetails.selector));
            registry.applyForRecognition(hospital, HOSPITAL, "Queen Mary Hospital", rejected[i]);
        }
        _applyAs(hospital, hospital, HOSPITAL, "Queen Mary Hospital", "HK");
        _applyAs(lab, lab, LABORATORY, "Lab", _repeat("J", 16));
        assertEq(registry.issuer(hospital).jurisdiction, "HK", "2 bytes");
        assertEq(registry.issuer(lab).jurisdiction, _repeat("J", 16), "16 bytes");
    }

    function test_apply_revertsWhenAlreadyApplied() public {
        _apply(hospital, hospital, HOSPITAL);
        address did = _makeAddr("lab.did");
        _addVeriKey(did, hospital, 1 days);
        vm.prank(hospital);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerAlreadyApplied.selector, hospital));
        registry.applyForRecognition(did, LABORATORY, "Another name", "MO");
        assertEq(registry.issuer(hospital).did, hospital, "record unchanged");
        assertEq(registry.issuerCount(), 1, "issuerCount");
    }

    function test_apply_revertsWhenRecognized() public {
        _apply(hospital, hospital, HOSPITAL);
        _recognize(hospital);
        vm.prank(hospital);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerAlreadyApplied.selector, hospital));
        registry.applyForRecognition(hospital, HOSPITAL, "Queen Mary Hospital", "HK");
        _assertStatus(hospital, RECOGNIZED, "still recognised");
    }

    function test_apply_revertsAfterRemoval() public {
        _apply(hospital, hospital, HOSPITAL);
        _remove(hospital, T0);
        vm.prank(hospital);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerAlreadyApplied.selector, hospital));
        registry.applyForRecognition(hospital, HOSPITAL, "Queen Mary Hospital", "HK");
        _assertStatus(hospital, REMOVED, "still removed");
        assertEq(registry.issuerCount(), 1, "listed once");
    }

    // ================================================================== views

    function test_views_unknownAccount() public view {
        IIssuerRegistry.Issuer memory record = registry.issuer(stranger);
        assertEq(record.did, address(0), "did");
        assertEq(uint256(record.status), uint256(NONE), "status");
        assertEq(uint256(record.issuerType), 0, "issuerType");
        assertEq(record.appliedAt, 0, "appliedAt");
        assertEq(bytes(record.name).length, 0, "name");
        assertFalse(registry.isRecognized(stranger), "isRecognized");
        assertEq(registry.schemaCountOf(stranger), 0, "schemaCountOf");
        assertEq(registry.schemasOf(stranger, 0, 10).length, 0, "schemasOf");
        assertEq(registry.issuerCount(), 0, "issuerCount");
        assertEq(registry.issuers(0, 10).length, 0, "issuers");
        assertEq(registry.issuersByType(HOSPITAL, 0, 10).length, 0, "issuersByType");
    }

    function test_views_issuersPaged() public {
        _apply(hospital, hospital, HOSPITAL);
        _apply(lab, lab, LABORATORY);
        _apply(insurer, insurer, HOSPITAL);

        assertEq(registry.issuerCount(), 3, "issuerCount");
        _assertAddresses(registry.issuers(0, 10), _list(hospital, lab, insurer), "all");
        _assertAddresses(registry.issuers(0, 3), _list(hospital, lab, insurer), "exact limit");
        _assertAddresses(registry.issuers(0, 2), _list(hospital, lab), "first page");
        _assertAddresses(registry.issuers(1, 1), _list(lab), "middle");
        _assertAddresses(registry.issuers(2, type(uint256).max), _list(insurer), "huge limit");
        assertEq(registry.issuers(0, 0).length, 0, "zero limit");
        assertEq(registry.issuers(3, 1).length, 0, "offset at end");
        assertEq(registry.issuers(type(uint256).max, type(uint256).max).length, 0, "huge offset");
    }

    function test_views_issuersByTypePaged() public {
        _apply(hospital, hospital, HOSPITAL);
        _apply(lab, lab, LABORATORY);
        _apply(insurer, insurer, HOSPITAL);

        assertEq(registry.issuerCountByType(HOSPITAL), 2, "hospitals");
        assertEq(registry.issuerCountByType(LABORATORY), 1, "labs");
        assertEq(registry.issuerCountByType(INSURER), 0, "insurers");
        assertEq(registry.issuerCountByType(IIssuerRegistry.IssuerType.Unspecified), 0, "unspecified");
        _assertAddresses(registry.issuersByType(HOSPITAL, 0, 10), _list(hospital, insurer), "hospitals");
        _assertAddresses(registry.issuersByType(HOSPITAL, 1, 5), _list(insurer), "second hospital");
        _assertAddresses(registry.issuersByType(HOSPITAL, 0, 1), _list(hospital), "limit 1");
        _assertAddresses(registry.issuersByType(LABORATORY, 0, type(uint256).max), _list(lab), "labs");
        assertEq(registry.issuersByType(HOSPITAL, 2, 1).length, 0, "offset at end");
        assertEq(registry.issuersByType(HOSPITAL, 100, 1).length, 0, "offset beyond end");
        assertEq(registry.issuersByType(INSURER, 0, 10).length, 0, "empty type");
        assertEq(registry.issuersByType(HOSPITAL, 0, 0).length, 0, "zero limit");
    }

    function test_views_removedIssuersStayListed() public {
        _apply(hospital, hospital, HOSPITAL);
        _apply(lab, lab, LABORATORY);
        _remove(hospital, T0);
        _assertAddresses(registry.issuers(0, 10), _list(hospital, lab), "issuers");
        _assertAddresses(registry.issuersByType(HOSPITAL, 0, 10), _list(hospital), "by type");
    }

    function test_views_schemasOfPaged() public {
        _onboard(hospital);
        _grant(hospital, policySchema);
        assertEq(registry.schemaCountOf(hospital), 3, "schemaCountOf");
        bytes32[] memory all = registry.schemasOf(hospital, 0, 10);
        assertEq(all.length, 3, "all");
        assertEq(all[0], labReportSchema, "0");
        assertEq(all[1], vaccinationSchema, "1");
        assertEq(all[2], policySchema, "2");
        assertEq(registry.schemasOf(hospital, 1, 1), _ids(vaccinationSchema), "middle");
        assertEq(registry.schemasOf(hospital, 0, 2), _ids(labReportSchema, vaccinationSchema), "first page");
        assertEq(registry.schemasOf(hospital, 2, type(uint256).max), _ids(policySchema), "huge limit");
        assertEq(registry.schemasOf(hospital, 3, 1).length, 0, "offset at end");
        assertEq(registry.schemasOf(hospital, type(uint256).max, 1).length, 0, "huge offset");
        assertEq(registry.schemasOf(hospital, 0, 0).length, 0, "zero limit");
    }

    // ================================================================== committee only

    function _restrictedCalls(address account) internal view returns (bytes[] memory calls) {
        calls = new bytes[](6);
        calls[0] = abi.encodeCall(IssuerRegistry.recognize, (account));
        calls[1] = abi.encodeCall(IssuerRegistry.suspend, (account, uint64(block.timestamp)));
        calls[2] = abi.encodeCall(IssuerRegistry.reinstate, (account));
        calls[3] = abi.encodeCall(IssuerRegistry.remove, (account, uint64(block.timestamp)));
        calls[4] = abi.encodeCall(IssuerRegistry.grantSchema, (account, policySchema));
        calls[5] = abi.encodeCall(IssuerRegistry.revokeSchema, (account, labReportSchema, uint64(block.timestamp)));
    }

    function _assertRestricted(address caller, bytes memory data) internal {
        vm.prank(caller);
        (bool ok, bytes memory returned) = address(registry).call(data);
        assertFalse(ok, "restricted call succeeded");
        assertEq(keccak256(returned), keccak256(_unauthorized(caller)), "AccessManagedUnauthorized(caller)");
    }

    function test_restricted_revertForNonCommittee() public {
        _onboard(hospital);
        _apply(lab, lab, LABORATORY);
        address[3] memory callers = [stranger, hospital, address(registry)];
        for (uint256 c; c < callers.length; ++c) {
            bytes[] memory calls = _restrictedCalls(hospital);
            for (uint256 i; i < calls.length; ++i) _assertRestricted(callers[c], calls[i]);
            calls = _restrictedCalls(lab);
            for (uint256 i; i < calls.length; ++i) _assertRestricted(callers[c], calls[i]);
        }
        _assertStatus(hospital, RECOGNIZED, "hospital unchanged");
        _assertStatus(lab, APPLIED, "lab unchanged");
        assertEq(registry.schemaCountOf(hospital), 2, "schemas unchanged");
        assertTrue(fingerprints.isAccredited(hospital, labReportSchema), "accreditation unchanged");
    }

    function test_restricted_eachFunctionNamesTheCaller() public {
        _onboard(hospital);
        vm.startPrank(stranger);
        vm.expectRevert(_unauthorized(stranger));
        registry.recognize(hospital);
        vm.expectRevert(_unauthorized(stranger));
        registry.suspend(hospital, uint64(T0));
        vm.expectRevert(_unauthorized(stranger));
        registry.reinstate(hospital);
        vm.expectRevert(_unauthorized(stranger));
        registry.remove(hospital, uint64(T0));
        vm.expectRevert(_unauthorized(stranger));
        registry.grantSchema(hospital, policySchema);
        vm.expectRevert(_unauthorized(stranger));
        registry.revokeSchema(hospital, labReportSchema, uint64(T0));
        vm.stopPrank();
    }

    function test_restricted_schemaAdminRoleIsNotEnough() public {
        vm.prank(committee);
        manager.grantRole(SCHEMA_ADMIN_ROLE, stranger, 0);
        _apply(hospital, hospital, HOSPITAL);
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger));
        registry.recognize(hospital);
    }

    function test_restricted_anotherIssuerAdminMayAct() public {
        address deputy = _makeAddr("deputy");
        vm.prank(committee);
        manager.grantRole(ISSUER_ADMIN_ROLE, deputy, 0);
        _apply(hospital, hospital, HOSPITAL);
        vm.prank(deputy);
        registry.recognize(hospital);
        _assertStatus(hospital, RECOGNIZED, "recognised by a role-3 holder");
    }

    function test_restricted_viaManagerExecuteRejected() public {
        _apply(hospital, hospital, HOSPITAL);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessManager.AccessManagerUnauthorizedCall.selector,
                stranger,
                address(registry),
                IssuerRegistry.recognize.selector
            )
        );
        manager.execute(address(registry), abi.encodeCall(IssuerRegistry.recognize, (hospital)));
    }

    function test_accreditation_committeeCannotAccreditDirectly() public {
        vm.prank(committee);
        vm.expectRevert(_unauthorized(committee));
        fingerprints.accredit(hospital, labReportSchema);

        vm.prank(committee);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessManager.AccessManagerUnauthorizedCall.selector,
                committee,
                address(fingerprints),
                FingerprintRegistry.accredit.selector
            )
        );
        manager.execute(
            address(fingerprints),
            abi.encodeCall(FingerprintRegistry.accredit, (hospital, labReportSchema))
        );
        assertFalse(fingerprints.isAccredited(hospital, labReportSchema), "not accredited");
    }

    function test_accreditation_committeeCannotWithdrawDirectly() public {
        _onboard(hospital);
        vm.prank(committee);
        vm.expectRevert(_unauthorized(committee));
        fingerprints.withdrawAccreditation(hospital, labReportSchema, uint64(T0));
        vm.prank(hospital);
        vm.expectRevert(_unauthorized(hospital));
        fingerprints.withdrawAccreditation(hospital, labReportSchema, uint64(T0));
        assertTrue(fingerprints.isAccredited(hospital, labReportSchema), "still accredited");
    }

    function test_accessManager_strangerCannotChangeRoles() public {
        vm.startPrank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessManager.AccessManagerUnauthorizedAccount.selector, stranger, uint64(0))
        );
        manager.grantRole(ISSUER_ADMIN_ROLE, stranger, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessManager.AccessManagerUnauthorizedAccount.selector, stranger, uint64(0))
        );
        manager.revokeRole(ACCREDITATION_ADMIN_ROLE, address(registry));
        vm.expectRevert(
            abi.encodeWithSelector(IAccessManager.AccessManagerUnauthorizedAccount.selector, stranger, uint64(0))
        );
        manager.setTargetFunctionRole(address(registry), _issuerAdminSelectors(), type(uint64).max);
        vm.stopPrank();
        (bool member, ) = manager.hasRole(ISSUER_ADMIN_ROLE, stranger);
        assertFalse(member, "stranger not issuer admin");
    }

    // ================================================================== recognize

    function test_recognize_fromApplied() public {
        _apply(hospital, hospital, HOSPITAL);
        vm.warp(T0 + 100);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IIssuerRegistry.IssuerRecognized(hospital);
        _recognize(hospital);

        IIssuerRegistry.Issuer memory record = registry.issuer(hospital);
        assertEq(uint256(record.status), uint256(RECOGNIZED), "status");
        assertEq(record.appliedAt, T0, "appliedAt unchanged");
        assertEq(record.statusChangedAt, T0 + 100, "statusChangedAt");
        assertTrue(registry.isRecognized(hospital), "isRecognized");
        // Recognition alone accredits nothing.
        assertFalse(fingerprints.isAccredited(hospital, labReportSchema), "no schema yet");
        _expectAnchorRejected(hospital, FP1, LAB_REPORT);
    }

    function test_recognize_revertsUnlessApplied() public {
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(stranger, NONE));
        registry.recognize(stranger);

        _apply(hospital, hospital, HOSPITAL);
        _recognize(hospital);
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, RECOGNIZED));
        registry.recognize(hospital);

        _suspend(hospital, T0);
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, SUSPENDED));
        registry.recognize(hospital);

        _remove(hospital, T0);
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, REMOVED));
        registry.recognize(hospital);
    }

    // ================================================================== grantSchema

    function test_grantSchema_accreditsOnTheFingerprintRegistry() public {
        _apply(hospital, hospital, HOSPITAL);
        _recognize(hospital);
        vm.expectEmit(true, true, true, true, address(fingerprints));
        emit IIssuerAccreditation.IssuerAccredited(hospital, labReportSchema);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IIssuerRegistry.SchemaGranted(hospital, labReportSchema);
        _grant(hospital, labReportSchema);

        assertTrue(fingerprints.isAccredited(hospital, labReportSchema), "accredited");
        assertEq(fingerprints.accreditation(hospital, labReportSchema).accreditedAt, T0, "accreditedAt");
        assertFalse(fingerprints.isAccredited(hospital, vaccinationSchema), "other schema");
        assertEq(registry.schemasOf(hospital, 0, 10), _ids(labReportSchema), "schemasOf");

        _anchor(hospital, FP1, LAB_REPORT);
        _assertVerifies(FP1, VALID, "anchored record");
        assertEq(fingerprints.verify(FP1).issuer, hospital, "issuer");
        assertEq(fingerprints.verify(FP1).schemaId, labReportSchema, "schemaId");
        assertEq(schemas.indexOf(labReportSchema), LAB_REPORT, "compact index");
        _expectAnchorRejected(hospital, FP2, VACCINATION);
    }

    function test_grantSchema_revertsUnlessRecognized() public {
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, NONE));
        registry.grantSchema(hospital, labReportSchema);

        _apply(hospital, hospital, HOSPITAL);
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, APPLIED));
        registry.grantSchema(hospital, labReportSchema);

        _recognize(hospital);
        _suspend(hospital, T0);
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, SUSPENDED));
        registry.grantSchema(hospital, labReportSchema);

        _remove(hospital, T0);
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, REMOVED));
        registry.grantSchema(hospital, labReportSchema);
        assertFalse(fingerprints.isAccredited(hospital, labReportSchema), "never accredited");
    }

    function test_grantSchema_revertsWhenAlreadyGranted() public {
        _onboard(hospital);
        vm.prank(committee);
        vm.expectRevert(
            abi.encodeWithSelector(IIssuerRegistry.SchemaAlreadyGranted.selector, hospital, labReportSchema)
        );
        registry.grantSchema(hospital, labReportSchema);
        assertEq(registry.schemaCountOf(hospital), 2, "schemaCountOf");
    }

    /// At most 64 schemas per issuer, so that suspend, reinstate and remove always fit a transaction.
    function test_grantSchema_revertsPastTheLimit() public {
        _onboard(hospital); // two schemas
        _grantMany(hospital, "test.kind", 62);
        assertEq(registry.schemaCountOf(hospital), 64, "64 held");
        vm.prank(committee);
        bytes32 oneMore = schemas.register(_definition("test.one-too-many"));
        vm.prank(committee);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.TooManySchemas.selector, hospital, 64));
        registry.grantSchema(hospital, oneMore);
        assertEq(registry.schemaCountOf(hospital), 64, "still 64");

        // At the limit, the loops run: suspend, reinstate and remove reach every schema.
        vm.warp(T0 + 10);
        _suspend(hospital, T0 + 5);
        vm.warp(T0 + 20);
        _reinstate(hospital);
        assertTrue(fingerprints.isAccredited(hospital, oneMore) == false, "never granted");
        _remove(hospital, T0 + 20);
        assertEq(registry.schemaCountOf(hospital), 0, "removal clears them");
        // A revoked schema makes room again, for a recognised issuer.
        _apply(lab, lab, HOSPITAL);
        _recognize(lab);
        bytes32[] memory held = _grantMany(lab, "test.lab-kind", 64);
        _revoke(lab, held[0], T0 + 20);
        _grant(lab, oneMore);
        assertEq(registry.schemaCountOf(lab), 64, "room made by a revocation");
    }

    function test_grantSchema_revertsForUnregisteredSchema() public {
        _apply(hospital, hospital, HOSPITAL);
        _recognize(hospital);
        bytes32 unknown = keccak256("not a schema");
        vm.prank(committee);
        vm.expectRevert(abi.encodeWithSelector(ISchemaRegistry.SchemaNotFound.selector, unknown));
        registry.grantSchema(hospital, unknown);
        assertEq(registry.schemaCountOf(hospital), 0, "nothing held");
    }

    // ================================================================== suspend

    function test_suspend_stopsAnchoringAndKeepsEarlierRecordsValid() public {
        _onboard(hospital);
        vm.warp(T0 + 10);
        _anchor(hospital, FP1, LAB_REPORT);
        _anchor(hospital, FP2, VACCINATION);
        vm.warp(T0 + 20);

        vm.expectEmit(true, true, true, true, address(fingerprints));
        emit IIssuerAccreditation.AccreditationWithdrawn(hospital, labReportSchema, uint64(T0 + 20));
        vm.expectEmit(true, true, true, true, address(fingerprints));
        emit IIssuerAccreditation.AccreditationWithdrawn(hospital, vaccinationSchema, uint64(T0 + 20));
        vm.expectEmit(true, true, true, true, address(registry));
        emit IIssuerRegistry.IssuerSuspended(hospital, uint64(T0 + 20));
        _suspend(hospital, T0 + 20);

        _assertStatus(hospital, SUSPENDED, "suspended");
        assertEq(registry.issuer(hospital).statusChangedAt, T0 + 20, "statusChangedAt");
        assertFalse(fingerprints.isAccredited(hospital, labReportSchema), "lab report withdrawn");
        assertFalse(fingerprints.isAccredited(hospital, vaccinationSchema), "vaccination withdrawn");
        assertEq(registry.schemasOf(hospital, 0, 10), _ids(labReportSchema, vaccinationSchema), "schemas kept");
        _expectAnchorRejected(hospital, FP3, LAB_REPORT);
        _expectAnchorRejected(hospital, FP3, VACCINATION);
        _assertVerifies(FP1, VALID, "record before suspension");
        _assertVerifies(FP2, VALID, "record before suspension");
        _assertWindow(hospital, labReportSchema, 0, T0 + 20, 0, "open window");
    }

    function test_suspend_backdatedMakesLaterRecordsUnaccredited() public {
        _onboard(hospital);
        vm.warp(T0 + 10);
        _anchor(hospital, FP1, LAB_REPORT);
        vm.warp(T0 + 20);
        _anchor(hospital, FP2, LAB_REPORT);
        vm.warp(T0 + 30);
        _anchor(hospital, FP3, VACCINATION);
        vm.warp(T0 + 40);

        _suspend(hospital, T0 + 20);
        _assertVerifies(FP1, VALID, "before effectiveFrom");
        _assertVerifies(FP2, UNACCREDITED, "at effectiveFrom");
        _assertVerifies(FP3, UNACCREDITED, "after effectiveFrom");
        _assertWindow(hospital, vaccinationSchema, 0, T0 + 20, 0, "window");
    }

    function test_suspend_clampsEffectiveFromToEachAccreditation() public {
        _apply(hospital, hospital, HOSPITAL);
        _recognize(hospital);
        vm.warp(T0 + 100);
        _grant(hospital, labReportSchema);
        vm.warp(T0 + 200);
        _grant(hospital, vaccinationSchema);
        _anchor(hospital, FP1, VACCINATION);
        vm.warp(T0 + 300);

        // Earlier than the vaccination accreditation: no revert, that window starts at its accreditation.
        vm.expectEmit(true, true, true, true, address(fingerprints));
        emit IIssuerAccreditation.AccreditationWithdrawn(hospital, labReportSchema, uint64(T0 + 150));
        vm.expectEmit(true, true, true, true, address(fingerprints));
        emit IIssuerAccreditation.AccreditationWithdrawn(hospital, vaccinationSchema, uint64(T0 + 200));
        vm.expectEmit(true, true, true, true, address(registry));
        emit IIssuerRegistry.IssuerSuspended(hospital, uint64(T0 + 150));
        _suspend(hospital, T0 + 150);

        _assertWindow(hospital, labReportSchema, 0, T0 + 150, 0, "lab report: not clamped");
        _assertWindow(hospital, vaccinationSchema, 0, T0 + 200, 0, "vaccination: clamped");
        _assertVerifies(FP1, UNACCREDITED, "whole accreditation untrusted");
    }

    function test_suspend_effectiveFromZeroIsClamped() public {
        _onboard(hospital);
        vm.warp(T0 + 50);
        _suspend(hospital, 0);
        _assertWindow(hospital, labReportSchema, 0, T0, 0, "clamped to accreditedAt");
    }

    function test_suspend_withNoSchemaHeld() public {
        _apply(hospital, hospital, HOSPITAL);
        _recognize(hospital);
        _suspend(hospital, T0);
        _assertStatus(hospital, SUSPENDED, "suspended");
    }

    function test_suspend_revertsForFutureEffectiveFrom() public {
        _onboard(hospital);
        vm.prank(committee);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.InvalidEffectiveTime.selector, uint64(T0 + 1)));
        registry.suspend(hospital, uint64(T0 + 1));
        _assertStatus(hospital, RECOGNIZED, "unchanged");
    }

    function test_suspend_revertsUnlessRecognized() public {
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, NONE));
        registry.suspend(hospital, uint64(T0));

        _apply(hospital, hospital, HOSPITAL);
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, APPLIED));
        registry.suspend(hospital, uint64(T0));

        _recognize(hospital);
        _suspend(hospital, T0);
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, SUSPENDED));
        registry.suspend(hospital, uint64(T0));

        _remove(hospital, T0);
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, REMOVED));
        registry.suspend(hospital, uint64(T0));
    }

    // ================================================================== reinstate

    function test_reinstate_restoresEveryHeldSchema() public {
        _onboard(hospital);
        vm.warp(T0 + 10);
        _anchor(hospital, FP1, LAB_REPORT);
        vm.warp(T0 + 20);
        _suspend(hospital, T0 + 15);
        vm.warp(T0 + 21);

        vm.expectEmit(true, true, true, true, address(fingerprints));
        emit IIssuerAccreditation.IssuerAccredited(hospital, labReportSchema);
        vm.expectEmit(true, true, true, true, address(fingerprints));
        emit IIssuerAccreditation.IssuerAccredited(hospital, vaccinationSchema);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IIssuerRegistry.IssuerReinstated(hospital);
        _reinstate(hospital);

        _assertStatus(hospital, RECOGNIZED, "recognised again");
        assertEq(registry.issuer(hospital).statusChangedAt, T0 + 21, "statusChangedAt");
        assertTrue(fingerprints.isAccredited(hospital, labReportSchema), "lab report restored");
        assertTrue(fingerprints.isAccredited(hospital, vaccinationSchema), "vaccination restored");
        _assertWindow(hospital, labReportSchema, 0, T0 + 15, T0 + 21, "window closed");
        _anchor(hospital, FP2, LAB_REPORT);
        _anchor(hospital, FP3, VACCINATION);
        _assertVerifies(FP1, VALID, "before the window");
        _assertVerifies(FP2, VALID, "after reinstatement");
        _assertVerifies(FP3, VALID, "after reinstatement");
    }

    function test_reinstate_revertsInTheSecondOfSuspension() public {
        _onboard(hospital);
        vm.warp(T0 + 20);
        _suspend(hospital, T0 + 20);
        vm.prank(committee);
        vm.expectRevert(
            abi.encodeWithSelector(
                IIssuerAccreditation.ReaccreditationTooEarly.selector,
                hospital,
                labReportSchema,
                uint64(T0 + 21)
            )
        );
        registry.reinstate(hospital);
        _assertStatus(hospital, SUSPENDED, "still suspended");

        vm.warp(T0 + 21);
        _reinstate(hospital);
        _assertStatus(hospital, RECOGNIZED, "reinstated one second later");
    }

    function test_reinstate_sameSecondWorksWhenBackdated() public {
        _onboard(hospital);
        vm.warp(T0 + 20);
        _suspend(hospital, T0 + 10);
        _reinstate(hospital);
        _assertStatus(hospital, RECOGNIZED, "reinstated");
        _assertWindow(hospital, labReportSchema, 0, T0 + 10, T0 + 20, "window");
    }

    function test_reinstate_revertsUnlessSuspended() public {
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, NONE));
        registry.reinstate(hospital);

        _apply(hospital, hospital, HOSPITAL);
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, APPLIED));
        registry.reinstate(hospital);

        _recognize(hospital);
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, RECOGNIZED));
        registry.reinstate(hospital);
    }

    function test_reinstate_suspendAgainOpensASecondWindow() public {
        _onboard(hospital);
        vm.warp(T0 + 7);
        _anchor(hospital, FP2, LAB_REPORT);
        vm.warp(T0 + 10);
        _suspend(hospital, T0 + 10);
        vm.warp(T0 + 20);
        _reinstate(hospital);
        vm.warp(T0 + 30);
        _anchor(hospital, FP1, LAB_REPORT);
        vm.warp(T0 + 40);
        // Backdated before the reinstatement: clamped to it.
        _suspend(hospital, T0 + 5);
        _assertWindow(hospital, labReportSchema, 0, T0 + 10, T0 + 20, "first window");
        _assertWindow(hospital, labReportSchema, 1, T0 + 20, 0, "second window");
        _assertVerifies(FP1, UNACCREDITED, "anchored in the second window");
        // The clamp keeps a backdated suspension inside the current accreditation: a record of the
        // earlier accreditation, anchored after the requested effectiveFrom, stays Valid.
        _assertVerifies(FP2, VALID, "anchored at T0 + 7, before the first suspension");
    }

    // ================================================================== remove

    function test_remove_fromApplied() public {
        _apply(hospital, hospital, HOSPITAL);
        vm.warp(T0 + 5);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IIssuerRegistry.IssuerRemoved(hospital, uint64(T0 + 5));
        _remove(hospital, T0 + 5);
        _assertStatus(hospital, REMOVED, "removed");
        assertEq(registry.issuer(hospital).statusChangedAt, T0 + 5, "statusChangedAt");
        _assertFinal(hospital);
    }

    function test_remove_fromRecognized() public {
        _onboard(hospital);
        vm.warp(T0 + 10);
        _anchor(hospital, FP1, LAB_REPORT);
        vm.warp(T0 + 20);
        _anchor(hospital, FP2, LAB_REPORT);
        vm.warp(T0 + 30);

        vm.expectEmit(true, true, true, true, address(fingerprints));
        emit IIssuerAccreditation.AccreditationWithdrawn(hospital, labReportSchema, uint64(T0 + 15));
        vm.expectEmit(true, true, true, true, address(fingerprints));
        emit IIssuerAccreditation.AccreditationWithdrawn(hospital, vaccinationSchema, uint64(T0 + 15));
        vm.expectEmit(true, true, true, true, address(registry));
        emit IIssuerRegistry.IssuerRemoved(hospital, uint64(T0 + 15));
        _remove(hospital, T0 + 15);

        _assertStatus(hospital, REMOVED, "removed");
        assertFalse(fingerprints.isAccredited(hospital, labReportSchema), "lab report withdrawn");
        assertFalse(fingerprints.isAccredited(hospital, vaccinationSchema), "vaccination withdrawn");
        _assertVerifies(FP1, VALID, "before effectiveFrom");
        _assertVerifies(FP2, UNACCREDITED, "after effectiveFrom");
        _expectAnchorRejected(hospital, FP3, LAB_REPORT);
        _expectAnchorRejected(hospital, FP3, VACCINATION);
        _assertFinal(hospital);
    }

    function test_remove_fromSuspended() public {
        _onboard(hospital);
        vm.warp(T0 + 10);
        _suspend(hospital, T0 + 10);
        vm.warp(T0 + 20);
        _remove(hospital, T0 + 20);
        _assertStatus(hospital, REMOVED, "removed");
        assertFalse(fingerprints.isAccredited(hospital, labReportSchema), "lab report");
        assertFalse(fingerprints.isAccredited(hospital, vaccinationSchema), "vaccination");
        // The suspension's window stays open: nothing was re-accredited or withdrawn twice.
        assertEq(fingerprints.untrustedWindows(hospital, labReportSchema).length, 1, "one window");
        _assertWindow(hospital, labReportSchema, 0, T0 + 10, 0, "window");
        _expectAnchorRejected(hospital, FP1, LAB_REPORT);
        _assertFinal(hospital);
    }

    function test_remove_revertsForFutureEffectiveFrom() public {
        _onboard(hospital);
        vm.prank(committee);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.InvalidEffectiveTime.selector, uint64(T0 + 1)));
        registry.remove(hospital, uint64(T0 + 1));
        _assertStatus(hospital, RECOGNIZED, "unchanged");
    }

    function test_remove_revertsForNoneOrRemoved() public {
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, NONE));
        registry.remove(hospital, uint64(T0));

        _apply(hospital, hospital, HOSPITAL);
        _remove(hospital, T0);
        vm.prank(committee);
        vm.expectRevert(_invalidStatus(hospital, REMOVED));
        registry.remove(hospital, uint64(T0));
    }

    /// @dev A removed issuer holds nothing, can anchor nothing and no action brings it back.
    function _assertFinal(address account) internal {
        assertEq(registry.schemaCountOf(account), 0, "schemaCountOf");
        assertEq(registry.schemasOf(account, 0, 10).length, 0, "schemasOf");
        assertFalse(fingerprints.isAccredited(account, labReportSchema), "lab report");
        assertFalse(fingerprints.isAccredited(account, vaccinationSchema), "vaccination");
        assertFalse(fingerprints.isAccredited(account, policySchema), "policy");
        _expectAnchorRejected(account, keccak256("after removal"), LAB_REPORT);

        vm.warp(block.timestamp + 1 days);
        vm.startPrank(committee);
        vm.expectRevert(_invalidStatus(account, REMOVED));
        registry.reinstate(account);
        vm.expectRevert(_invalidStatus(account, REMOVED));
        registry.recognize(account);
        vm.expectRevert(_invalidStatus(account, REMOVED));
        registry.grantSchema(account, labReportSchema);
        vm.expectRevert(_invalidStatus(account, REMOVED));
        registry.suspend(account, uint64(block.timestamp));
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.SchemaNotGranted.selector, account, labReportSchema));
        registry.revokeSchema(account, labReportSchema, uint64(block.timestamp));
        vm.stopPrank();

        vm.prank(account);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerAlreadyApplied.selector, account));
        registry.applyForRecognition(account, HOSPITAL, "Queen Mary Hospital", "HK");
        _assertStatus(account, REMOVED, "still removed");
    }

    // ================================================================== revokeSchema

    function test_revokeSchema_whileRecognizedWithdrawsThatSchemaOnly() public {
        _onboard(hospital);
        vm.warp(T0 + 10);
        _anchor(hospital, FP1, LAB_REPORT);
        vm.warp(T0 + 20);
        _anchor(hospital, FP2, LAB_REPORT);
        vm.warp(T0 + 30);

        vm.expectEmit(true, true, true, true, address(fingerprints));
        emit IIssuerAccreditation.AccreditationWithdrawn(hospital, labReportSchema, uint64(T0 + 15));
        vm.expectEmit(true, true, true, true, address(registry));
        emit IIssuerRegistry.SchemaRevoked(hospital, labReportSchema, uint64(T0 + 15));
        _revoke(hospital, labReportSchema, T0 + 15);

        _assertStatus(hospital, RECOGNIZED, "still recognised");
        assertEq(registry.schemasOf(hospital, 0, 10), _ids(vaccinationSchema), "schemasOf");
        assertFalse(fingerprints.isAccredited(hospital, labReportSchema), "lab report withdrawn");
        assertTrue(fingerprints.isAccredited(hospital, vaccinationSchema), "vaccination kept");
        _expectAnchorRejected(hospital, FP3, LAB_REPORT);
        _anchor(hospital, FP3, VACCINATION);
        _assertVerifies(FP1, VALID, "before effectiveFrom");
        _assertVerifies(FP2, UNACCREDITED, "after effectiveFrom");
        _assertVerifies(FP3, VALID, "other schema");
    }

    function test_revokeSchema_clampsEffectiveFrom() public {
        _onboard(hospital);
        vm.warp(T0 + 30);
        _revoke(hospital, labReportSchema, 0);
        _assertWindow(hospital, labReportSchema, 0, T0, 0, "clamped to accreditedAt");
    }

    function test_revokeSchema_thenGrantAgain() public {
        _onboard(hospital);
        vm.warp(T0 + 10);
        _revoke(hospital, labReportSchema, T0 + 10);
        vm.prank(committee);
        vm.expectRevert(
            abi.encodeWithSelector(
                IIssuerAccreditation.ReaccreditationTooEarly.selector,
                hospital,
                labReportSchema,
                uint64(T0 + 11)
            )
        );
        registry.grantSchema(hospital, labReportSchema);
        assertEq(registry.schemaCountOf(hospital), 1, "grant rolled back");

        vm.warp(T0 + 11);
        _grant(hospital, labReportSchema);
        _anchor(hospital, FP1, LAB_REPORT);
        _assertVerifies(FP1, VALID, "anchored after re-grant");
        _assertWindow(hospital, labReportSchema, 0, T0 + 10, T0 + 11, "closed window");
    }

    function test_revokeSchema_whileSuspendedIsNotRestored() public {
        _onboard(hospital);
        vm.warp(T0 + 10);
        _suspend(hospital, T0 + 10);
        vm.warp(T0 + 20);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IIssuerRegistry.SchemaRevoked(hospital, labReportSchema, uint64(T0 + 20));
        vm.recordLogs();
        _revoke(hospital, labReportSchema, T0 + 20);
        assertEq(vm.getRecordedLogs().length, 1, "no withdrawal on the FingerprintRegistry");
        assertEq(registry.schemasOf(hospital, 0, 10), _ids(vaccinationSchema), "dropped");

        vm.warp(T0 + 30);
        _reinstate(hospital);
        assertFalse(fingerprints.isAccredited(hospital, labReportSchema), "not restored");
        assertTrue(fingerprints.isAccredited(hospital, vaccinationSchema), "restored");
        _assertWindow(hospital, labReportSchema, 0, T0 + 10, 0, "lab report window still open");
        _expectAnchorRejected(hospital, FP1, LAB_REPORT);
        _anchor(hospital, FP1, VACCINATION);
    }

    function test_revokeSchema_revertsWhenNotGranted() public {
        bytes memory notGranted = abi.encodeWithSelector(
            IIssuerRegistry.SchemaNotGranted.selector,
            hospital,
            labReportSchema
        );
        vm.prank(committee);
        vm.expectRevert(notGranted);
        registry.revokeSchema(hospital, labReportSchema, uint64(T0));

        _apply(hospital, hospital, HOSPITAL);
        vm.prank(committee);
        vm.expectRevert(notGranted);
        registry.revokeSchema(hospital, labReportSchema, uint64(T0));

        _recognize(hospital);
        _grant(hospital, vaccinationSchema);
        vm.prank(committee);
        vm.expectRevert(notGranted);
        registry.revokeSchema(hospital, labReportSchema, uint64(T0));

        _grant(hospital, labReportSchema);
        vm.warp(T0 + 1);
        _revoke(hospital, labReportSchema, T0 + 1);
        vm.prank(committee);
        vm.expectRevert(notGranted);
        registry.revokeSchema(hospital, labReportSchema, uint64(T0 + 1));
    }

    function test_revokeSchema_revertsForFutureEffectiveFrom() public {
        _onboard(hospital);
        vm.prank(committee);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.InvalidEffectiveTime.selector, uint64(T0 + 1)));
        registry.revokeSchema(hospital, labReportSchema, uint64(T0 + 1));
        assertTrue(fingerprints.isAccredited(hospital, labReportSchema), "unchanged");
    }

    // ================================================================== backdating a suspended issuer

    /// A suspension opened the untrusted windows at its start, and the FingerprintRegistry cannot move
    /// an open window back: removing a suspended issuer from an earlier time is refused, not ignored.
    function test_remove_suspendedIssuerRejectsATimeBeforeTheSuspension() public {
        _onboard(hospital);
        vm.warp(T0 + 10);
        _anchor(hospital, FP1, LAB_REPORT);
        vm.warp(T0 + 20);
        _suspend(hospital, T0 + 20);
        vm.warp(T0 + 30);

        vm.prank(committee);
        vm.expectRevert(
            abi.encodeWithSelector(IIssuerRegistry.EffectiveTimeBeforeSuspension.selector, hospital, uint64(T0 + 20))
        );
        registry.remove(hospital, uint64(T0 + 5));

        _remove(hospital, T0 + 20);
        _assertWindow(hospital, labReportSchema, 0, T0 + 20, 0, "window starts at the suspension");
        _assertVerifies(FP1, VALID, "anchored before the suspension");
    }

    /// Same rule for a schema revoked while suspended.
    function test_revokeSchema_whileSuspendedRejectsATimeBeforeTheSuspension() public {
        _onboard(hospital);
        vm.warp(T0 + 20);
        _suspend(hospital, T0 + 20);
        vm.warp(T0 + 30);

        vm.prank(committee);
        vm.expectRevert(
            abi.encodeWithSelector(IIssuerRegistry.EffectiveTimeBeforeSuspension.selector, hospital, uint64(T0 + 20))
        );
        registry.revokeSchema(hospital, labReportSchema, uint64(T0 + 5));

        _revoke(hospital, labReportSchema, T0 + 25);
        assertEq(registry.schemaCountOf(hospital), 1, "one schema left");
    }

    // ================================================================== fuzz

    function testFuzz_restricted_rejectsAnyNonCommittee(address caller, uint256 which) public {
        vm.assume(caller != committee && caller != address(vm));
        _onboard(hospital);
        bytes[] memory calls = _restrictedCalls(hospital);
        _assertRestricted(caller, calls[which % calls.length]);
        _assertStatus(hospital, RECOGNIZED, "unchanged");
        assertEq(registry.schemaCountOf(hospital), 2, "schemas unchanged");
        assertTrue(fingerprints.isAccredited(hospital, labReportSchema), "accreditation unchanged");
    }

    function testFuzz_accreditation_rejectsEveryoneButTheRegistry(address caller, bool withdraw) public {
        vm.assume(caller != address(registry) && caller != address(vm));
        _onboard(hospital);
        bytes memory data =
            withdraw
                ? abi.encodeCall(FingerprintRegistry.withdrawAccreditation, (hospital, labReportSchema, uint64(T0)))
                : abi.encodeCall(FingerprintRegistry.accredit, (hospital, policySchema));
        vm.prank(caller);
        (bool ok, bytes memory returned) = address(fingerprints).call(data);
        assertFalse(ok, "accreditation changed by another account");
        assertEq(keccak256(returned), keccak256(_unauthorized(caller)), "AccessManagedUnauthorized(caller)");
    }

    /// Records anchored at or after the (clamped) effectiveFrom verify Unaccredited, earlier ones Valid.
    function testFuzz_suspend_backdatedEffectiveFrom(uint256 seed) public {
        uint256 accreditedAt = T0 + 1000;
        uint256 effectiveFrom = bound(seed, accreditedAt - 2000, accreditedAt + 4000);
        bytes32[] memory records = _anchorEverySecondThousand(accreditedAt);
        _suspend(hospital, effectiveFrom);
        _assertUntrustedFrom(records, accreditedAt, effectiveFrom < accreditedAt ? accreditedAt : effectiveFrom);
        _assertStatus(hospital, SUSPENDED, "suspended");
    }

    function testFuzz_remove_backdatedEffectiveFrom(uint256 seed) public {
        uint256 accreditedAt = T0 + 1000;
        uint256 effectiveFrom = bound(seed, 0, accreditedAt + 4000);
        bytes32[] memory records = _anchorEverySecondThousand(accreditedAt);
        _remove(hospital, effectiveFrom);
        _assertUntrustedFrom(records, accreditedAt, effectiveFrom < accreditedAt ? accreditedAt : effectiveFrom);
        assertEq(registry.schemaCountOf(hospital), 0, "nothing held");
    }

    function testFuzz_revokeSchema_backdatedEffectiveFrom(uint256 seed) public {
        uint256 accreditedAt = T0 + 1000;
        uint256 effectiveFrom = bound(seed, accreditedAt - 2000, accreditedAt + 4000);
        bytes32[] memory records = _anchorEverySecondThousand(accreditedAt);
        _revoke(hospital, labReportSchema, effectiveFrom);
        _assertUntrustedFrom(records, accreditedAt, effectiveFrom < accreditedAt ? accreditedAt : effectiveFrom);
        assertTrue(fingerprints.isAccredited(hospital, vaccinationSchema), "other schema kept");
    }

    function testFuzz_suspend_rejectsFutureEffectiveFrom(uint64 effectiveFrom) public {
        _onboard(hospital);
        effectiveFrom = uint64(bound(effectiveFrom, T0 + 1, type(uint64).max));
        vm.prank(committee);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.InvalidEffectiveTime.selector, effectiveFrom));
        registry.suspend(hospital, effectiveFrom);
    }

    function testFuzz_apply_detailLengths(uint256 nameLength, uint256 jurisdictionLength, uint8 typeSeed) public {
        nameLength = bound(nameLength, 0, 160);
        jurisdictionLength = bound(jurisdictionLength, 0, 24);
        IIssuerRegistry.IssuerType issuerType = IIssuerRegistry.IssuerType(bound(typeSeed, 0, 9));
        bool valid =
            issuerType != IIssuerRegistry.IssuerType.Unspecified &&
                nameLength >= 1 &&
                nameLength <= 128 &&
                jurisdictionLength >= 2 &&
                jurisdictionLength <= 16;
        string memory name = _repeat("n", nameLength);
        string memory jurisdiction = _repeat("J", jurisdictionLength);
        if (!valid) vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.InvalidIssuerDetails.selector));
        _applyAs(hospital, hospital, issuerType, name, jurisdiction);
        assertEq(registry.issuerCount(), valid ? 1 : 0, "issuerCount");
        assertEq(registry.issuerCountByType(issuerType), valid ? 1 : 0, "issuerCountByType");
    }

    /// @dev Onboards the hospital with the lab-report schema granted at `accreditedAt`, anchors a
    /// lab report every 1000 s from it (five records), and leaves the clock at the last one.
    function _anchorEverySecondThousand(uint256 accreditedAt) internal returns (bytes32[] memory records) {
        _apply(hospital, hospital, HOSPITAL);
        _recognize(hospital);
        _grant(hospital, vaccinationSchema);
        vm.warp(accreditedAt);
        _grant(hospital, labReportSchema);
        records = new bytes32[](5);
        for (uint256 i; i < records.length; ++i) {
            vm.warp(accreditedAt + i * 1000);
            records[i] = keccak256(abi.encode("fuzz record", i));
            _anchor(hospital, records[i], LAB_REPORT);
        }
    }

    function _assertUntrustedFrom(bytes32[] memory records, uint256 accreditedAt, uint256 from) internal view {
        assertFalse(fingerprints.isAccredited(hospital, labReportSchema), "withdrawn");
        _assertWindow(hospital, labReportSchema, 0, from, 0, "window");
        for (uint256 i; i < records.length; ++i) {
            uint256 anchoredAt = accreditedAt + i * 1000;
            _assertVerifies(records[i], anchoredAt >= from ? UNACCREDITED : VALID, "record vs effectiveFrom");
        }
    }
}
