// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {IIssuerRegistry} from "../../contracts/interfaces/IIssuerRegistry.sol";
import {SchemaRegistry} from "../../contracts/schemas/SchemaRegistry.sol";
import {IssuerRegistryFixture} from "./IssuerRegistry.t.sol";
import {IssuerRegistryHandler} from "./IssuerRegistryHandler.sol";

/// @notice Deploys the registries as the Ignition modules wire them and a handler with eight
/// candidate issuers and three outsiders, seeds every lifecycle state (recognised with schemas,
/// suspended, removed, applied, never applied) and points the invariant fuzzer at the handler only.
abstract contract IssuerRegistryInvariantSetup is IssuerRegistryFixture {
    /// Foundry's StdInvariant selector filter, as the EDR runner reads it from `targetSelectors()`.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    IssuerRegistryHandler internal handler;
    uint256 internal seededCalls;

    function setUp() public {
        _deploy();
        address[] memory candidates = new address[](8);
        for (uint256 i; i < candidates.length; ++i) {
            candidates[i] = _makeAddr(string.concat("issuer.", _digit(i)));
        }
        address[] memory outsiders = new address[](3);
        for (uint256 i; i < outsiders.length; ++i) {
            outsiders[i] = _makeAddr(string.concat("outsider.", _digit(i)));
        }
        bytes32[] memory ids = new bytes32[](3);
        ids[0] = labReportSchema;
        ids[1] = vaccinationSchema;
        ids[2] = policySchema;
        handler = new IssuerRegistryHandler(
            manager,
            registry,
            fingerprints,
            dids,
            committee,
            candidates,
            outsiders,
            ids
        );
        _seedHandler();
        seededCalls = handler.calls();
        assertEq(handler.violations(), 0, string.concat("seed violation: ", handler.lastProblem()));
        assertEq(handler.unexpectedFailures(), 0, string.concat("seed failure: ", handler.lastProblem()));
        assertEq(uint256(registry.issuer(candidates[0]).status), 2, "issuer 0 recognised");
        assertEq(uint256(registry.issuer(candidates[1]).status), 3, "issuer 1 suspended");
        assertEq(uint256(registry.issuer(candidates[2]).status), 4, "issuer 2 removed");
        assertEq(uint256(registry.issuer(candidates[3]).status), 1, "issuer 3 applied");
        assertEq(uint256(registry.issuer(candidates[4]).status), 2, "issuer 4 recognised");
        assertEq(uint256(registry.issuer(candidates[5]).status), 2, "issuer 5 recognised");
        assertEq(uint256(registry.issuer(candidates[6]).status), 0, "issuer 6 never applied");
    }

    /// @dev Issuer 0 recognised with two schemas, 1 suspended (backdated ten minutes), 2 removed
    /// after anchoring, 3 only applied, 4 recognised with one schema, 5 recognised with none, 6 and
    /// 7 never applied; outsider 0 holds role 3 and outsider 1 role 1.
    function _seedHandler() internal {
        handler.applyForRecognition(0, 1, false);
        handler.applyForRecognition(1, 2, true);
        handler.applyForRecognition(2, 3, false);
        handler.applyForRecognition(3, 4, true);
        handler.recognize(0);
        handler.recognize(1);
        handler.recognize(2);
        handler.grantSchema(0, 0);
        handler.grantSchema(0, 1);
        handler.grantSchema(1, 0);
        handler.grantSchema(2, 1);
        handler.grantSchema(2, 2);
        handler.applyForRecognition(4, 5, false);
        handler.recognize(4);
        handler.grantSchema(4, 2);
        handler.applyForRecognition(5, 9, true);
        handler.recognize(5);
        handler.anchor(0, 0, 0);
        handler.anchor(2, 1, 2);
        handler.warp((1 hours << 1) | 1); // one hour
        handler.suspend(1, (10 minutes << 3) | 1); // effective ten minutes ago
        handler.remove(2, 1); // effective now
        handler.committeeChangesRole(0, 1, 0); // role 3 to outsider 0
        handler.committeeChangesRole(0, 0, 1); // role 1 to outsider 1
    }

    function _digit(uint256 i) private pure returns (string memory) {
        bytes memory digit = new bytes(1);
        digit[0] = bytes1(uint8(48 + i));
        return string(digit);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](12);
        selectors[0] = IssuerRegistryHandler.applyForRecognition.selector;
        selectors[1] = IssuerRegistryHandler.recognize.selector;
        selectors[2] = IssuerRegistryHandler.suspend.selector;
        selectors[3] = IssuerRegistryHandler.reinstate.selector;
        selectors[4] = IssuerRegistryHandler.remove.selector;
        selectors[5] = IssuerRegistryHandler.grantSchema.selector;
        selectors[6] = IssuerRegistryHandler.revokeSchema.selector;
        selectors[7] = IssuerRegistryHandler.anchor.selector;
        selectors[8] = IssuerRegistryHandler.warp.selector;
        selectors[9] = IssuerRegistryHandler.committeeChangesRole.selector;
        selectors[10] = IssuerRegistryHandler.attackAccessManager.selector;
        selectors[11] = IssuerRegistryHandler.attackRestricted.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: selectors});
    }
}

/// describe(IssuerRegistry) › invariants
contract IssuerRegistryInvariantTest is IssuerRegistryInvariantSetup {
    /// (a) A removed issuer never anchors: no anchor succeeded while it was Removed, and it is
    /// accredited for no schema and holds none.
    function invariant_removedIssuerNeverAnchors() public view {
        address[] memory accounts = handler.issuers();
        bytes32[] memory ids = handler.schemaIds();
        for (uint256 i; i < accounts.length; ++i) {
            assertEq(handler.anchorsAfterRemoval(accounts[i]), 0, "anchored after removal");
            if (registry.issuer(accounts[i]).status != IIssuerRegistry.IssuerStatus.Removed) continue;
            assertEq(registry.schemaCountOf(accounts[i]), 0, "removed issuer holds a schema");
            for (uint256 s; s < ids.length; ++s) {
                assertFalse(fingerprints.isAccredited(accounts[i], ids[s]), "removed issuer accredited");
            }
        }
    }

    /// (b) Only the committee changes roles: every tracked account's membership of roles 0-3 is what
    /// the committee's own calls made it, and no role admin, guardian, grant delay, function role,
    /// closed flag, admin delay or authority moved.
    function invariant_onlyCommitteeChangesRoles() public view {
        address[] memory accounts = handler.trackedAccounts();
        for (uint256 a; a < accounts.length; ++a) {
            (bool isAdmin, ) = manager.hasRole(manager.ADMIN_ROLE(), accounts[a]);
            assertEq(isAdmin, accounts[a] == committee, "ADMIN_ROLE membership");
            for (uint64 roleId = 1; roleId <= 3; ++roleId) {
                (bool member, uint32 delay) = manager.hasRole(roleId, accounts[a]);
                assertEq(member, handler.ghostHasRole(roleId, accounts[a]), "role membership vs ghost");
                assertEq(delay, 0, "execution delay");
            }
        }
        for (uint64 roleId = 1; roleId <= 3; ++roleId) {
            assertEq(manager.getRoleAdmin(roleId), manager.ADMIN_ROLE(), "role admin");
            assertEq(manager.getRoleGuardian(roleId), manager.ADMIN_ROLE(), "role guardian");
            assertEq(manager.getRoleGrantDelay(roleId), 0, "grant delay");
        }
        _assertTargetUnchanged(address(registry));
        _assertTargetUnchanged(address(fingerprints));
        _assertTargetUnchanged(address(schemas));
        bytes4[] memory issuerSelectors = _issuerAdminSelectors();
        for (uint256 i; i < issuerSelectors.length; ++i) {
            assertEq(manager.getTargetFunctionRole(address(registry), issuerSelectors[i]), 3, "issuer fn role");
        }
        bytes4[] memory accreditation = _accreditationSelectors();
        for (uint256 i; i < accreditation.length; ++i) {
            assertEq(manager.getTargetFunctionRole(address(fingerprints), accreditation[i]), 2, "accreditation role");
        }
        assertEq(manager.getTargetFunctionRole(address(schemas), SchemaRegistry.register.selector), 1, "register");
    }

    /// (c) An issuer is accredited on the FingerprintRegistry for a schema iff it is Recognized and
    /// holds that schema in the IssuerRegistry; only Recognized and Suspended issuers hold any.
    function invariant_accreditedIffRecognizedAndHeld() public view {
        address[] memory accounts = handler.issuers();
        bytes32[] memory ids = handler.schemaIds();
        for (uint256 i; i < accounts.length; ++i) {
            IIssuerRegistry.IssuerStatus status = registry.issuer(accounts[i]).status;
            for (uint256 s; s < ids.length; ++s) {
                bool held = handler.holds(accounts[i], ids[s]);
                assertEq(
                    fingerprints.isAccredited(accounts[i], ids[s]),
                    status == IIssuerRegistry.IssuerStatus.Recognized && held,
                    "accredited iff recognised and held"
                );
            }
            if (status != IIssuerRegistry.IssuerStatus.Recognized && status != IIssuerRegistry.IssuerStatus.Suspended) {
                assertEq(registry.schemaCountOf(accounts[i]), 0, "schemas held outside Recognized/Suspended");
            }
        }
    }

    /// No forbidden call ever succeeded, and no legitimate one failed.
    function invariant_noUnexpectedOutcome() public view {
        assertEq(handler.violations(), 0, string.concat("violation: ", handler.lastProblem()));
        assertEq(handler.unexpectedFailures(), 0, string.concat("unexpected failure: ", handler.lastProblem()));
    }

    function _assertTargetUnchanged(address target) private view {
        assertFalse(manager.isTargetClosed(target), "target closed");
        assertEq(manager.getTargetAdminDelay(target), 0, "target admin delay");
        assertEq(IAccessManaged(target).authority(), address(manager), "authority");
    }
}

/// describe(IssuerRegistry) › invariants › harness
/// @notice Proves the campaign really drives the handler. Kept apart from the invariants above:
/// the shrinker would otherwise reduce any of their failures to an empty sequence, which fails
/// this guard and hides the real message.
contract IssuerRegistryHandlerDrivenTest is IssuerRegistryInvariantSetup {
    /// Each action increments at most one of these counters, and always `calls`.
    function invariant_handlerCountersConsistent() public view {
        assertLe(
            handler.expectedSuccesses() + handler.committeeRoleChanges() + handler.rejectedAttacks(),
            handler.calls(),
            "outcome counters vs calls"
        );
        assertLe(handler.successfulAnchors(), handler.calls(), "anchors vs calls");
    }

    /// Each run must really call the handler (guards against a silently empty campaign).
    function afterInvariant() public view {
        assertGt(handler.calls(), seededCalls, "handler calls by the fuzzer");
    }
}
