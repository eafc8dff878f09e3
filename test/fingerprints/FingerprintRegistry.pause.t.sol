// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IFingerprintRegistry} from "../../contracts/interfaces/IFingerprintRegistry.sol";
import {IIssuerAccreditation} from "../../contracts/interfaces/IIssuerAccreditation.sol";
import {MerkleTestTree} from "../utils/MerkleTestTree.sol";
import {FingerprintRegistryFixture} from "./FingerprintRegistry.t.sol";

/// describe(FingerprintRegistry) › pause
/// @notice The consortium's emergency stop: `pause` (role 4 through the AccessManager) stops every
/// change to records and nothing else; the anchor paths learn of it from the accreditation slot.
contract FingerprintRegistryPauseTest is FingerprintRegistryFixture {
    using MerkleTestTree for bytes32[];

    bytes32 internal constant FP = keccak256("document-1");
    bytes32 internal constant FP2 = keccak256("document-2");

    bytes32[] internal leaves;
    bytes32 internal root;

    function setUp() public {
        _deploy();
        leaves = _fingerprints("pause-batch", 4);
        root = _anchorBatch(issuerA, leaves, REINSTATABLE, 0);
        _anchor(issuerA, FP, REINSTATABLE, 0);
    }

    function _pause() internal {
        vm.prank(pauser);
        registry.pause();
    }

    function _unpause() internal {
        vm.prank(pauser);
        registry.unpause();
    }

    function _expectPaused() internal {
        vm.expectRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
    }

    // ================================================================== who may pause

    function test_pause_emitsAndReports() public {
        assertFalse(registry.paused(), "running");
        vm.expectEmit(true, true, true, true, address(registry));
        emit Pausable.Paused(pauser);
        _pause();
        assertTrue(registry.paused(), "paused");

        vm.expectEmit(true, true, true, true, address(registry));
        emit Pausable.Unpaused(pauser);
        _unpause();
        assertFalse(registry.paused(), "running again");
    }

    function test_pause_revertsForUnauthorizedCallers() public {
        address[3] memory callers = [stranger, issuerA, operator];
        for (uint256 i; i < callers.length; ++i) {
            vm.prank(callers[i]);
            vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, callers[i]));
            registry.pause();
        }
        _pause();
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, operator));
        registry.unpause();
    }

    /// Closing the registry in the AccessManager blocks the pause too (docs/threat-model.md says:
    /// do not close it, pause instead).
    function test_pause_blockedByAClosedTarget() public {
        vm.prank(admin);
        manager.setTargetClosed(address(registry), true);
        vm.prank(pauser);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, pauser));
        registry.pause();
        // ...while anchoring, which is not `restricted`, goes on.
        _anchor(issuerA, FP2, REVOCABLE, 0);
    }

    function test_pause_revertsWhenPausedAlready() public {
        _pause();
        vm.prank(pauser);
        _expectPaused();
        registry.pause();
    }

    function test_unpause_revertsWhenRunning() public {
        vm.prank(pauser);
        vm.expectRevert(abi.encodeWithSelector(Pausable.ExpectedPause.selector));
        registry.unpause();
    }

    // ================================================================== what a pause stops

    function test_pause_stopsEveryAnchorPath() public {
        _pause();
        bytes32[] memory many = _fingerprints("pause-many", 3);
        bytes32 newRoot = MerkleTestTree.root(_fingerprints("pause-new-batch", 2));

        vm.prank(issuerA);
        _expectPaused();
        registry.anchor(FP2, REVOCABLE, 0);
        vm.prank(issuerB);
        _expectPaused();
        registry.anchorMany(many, FINAL, 0);
        vm.prank(issuerA);
        _expectPaused();
        registry.anchorBatch(newRoot, 2, REVOCABLE, 0);
        vm.prank(issuerB);
        _expectPaused();
        registry.anchorBatchWithURI(newRoot, 2, REVOCABLE, 0, "ipfs://manifest");

        assertEq(registry.anchorOf(FP2).issuer, address(0), "nothing anchored");
        assertEq(registry.anchorOf(many[0]).issuer, address(0), "nothing in the list anchored");
        assertEq(registry.batchOf(newRoot).issuer, address(0), "no batch anchored");
    }

    function test_pause_stopsRevocationAndReinstatement() public {
        // Proofs first: sha256 is a precompile call, which would consume a prank.
        bytes32[] memory proof = leaves.proof(1);
        bytes32[] memory revokedProof = leaves.proof(2);
        vm.prank(issuerA);
        registry.revokeLeaf(root, leaves[2], revokedProof, 1, bytes32(0));
        _pause();

        vm.prank(issuerA);
        _expectPaused();
        registry.revoke(FP, 1, bytes32(0));
        vm.prank(issuerA);
        _expectPaused();
        registry.revokeLeaf(root, leaves[1], proof, 1, bytes32(0));
        vm.prank(issuerA);
        _expectPaused();
        registry.reinstateLeaf(root, leaves[2], revokedProof);

        _unpause();
        vm.prank(issuerA);
        registry.revoke(FP, 1, bytes32(0));
        vm.prank(issuerA);
        registry.reinstateLeaf(root, leaves[2], revokedProof);

        _pause();
        vm.prank(issuerA);
        _expectPaused();
        registry.reinstate(FP);
        _unpause();
        vm.prank(issuerA);
        registry.reinstate(FP);
        _assertStatus(registry.verify(FP), IFingerprintRegistry.VerificationStatus.Valid, "reinstated");
    }

    function test_pause_keepsOtherRefusalsFirst() public {
        _pause();
        // Not accredited at all: the accreditation refusal, not the pause.
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, stranger, REVOCABLE));
        registry.anchor(FP2, REVOCABLE, 0);
        // Someone else's record: the ownership refusal.
        vm.prank(issuerB);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.NotRecordIssuer.selector, FP, issuerA, issuerB));
        registry.revoke(FP, 1, bytes32(0));
    }

    // ================================================================== what a pause leaves alone

    function test_pause_leavesVerificationAlone() public {
        _pause();
        _assertStatus(registry.verify(FP), IFingerprintRegistry.VerificationStatus.Valid, "single");
        _assertStatus(
            registry.verifyLeaf(root, leaves[3], leaves.proof(3)),
            IFingerprintRegistry.VerificationStatus.Valid,
            "leaf"
        );
        _assertStatus(registry.verify(FP2), IFingerprintRegistry.VerificationStatus.NotAnchored, "unknown");
    }

    function test_pause_leavesAccreditationOpen() public {
        _pause();
        vm.warp(T0 + 100);
        _withdraw(issuerB, revocableSchema, T0 + 50);
        IIssuerAccreditation.Accreditation memory withdrawn = registry.accreditation(issuerB, revocableSchema);
        assertFalse(withdrawn.active, "withdrawn while paused");
        assertFalse(withdrawn.paused, "a withdrawn accreditation does not carry the pause");

        address issuerC = address(0xC);
        _accredit(issuerC, revocableSchema);
        IIssuerAccreditation.Accreditation memory fresh = registry.accreditation(issuerC, revocableSchema);
        assertTrue(fresh.active && fresh.paused, "accredited while paused: active and paused");
        vm.prank(issuerC);
        _expectPaused();
        registry.anchor(FP2, REVOCABLE, 0);

        vm.warp(T0 + 200);
        _accredit(issuerB, revocableSchema);
        assertTrue(registry.accreditation(issuerB, revocableSchema).paused, "re-accredited while paused");

        _unpause();
        assertFalse(registry.accreditation(issuerC, revocableSchema).paused, "unpaused: fresh");
        assertFalse(registry.accreditation(issuerB, revocableSchema).paused, "unpaused: re-accredited");
        _anchor(issuerC, FP2, REVOCABLE, 0);
        assertEq(registry.anchorOf(FP2).issuer, issuerC, "anchors after the unpause");
    }

    function test_unpause_restoresEveryIssuer() public {
        _withdraw(issuerB, finalSchema, T0);
        _pause();
        for (uint32 schemaIndex = REINSTATABLE; schemaIndex <= FINAL; ++schemaIndex) {
            assertTrue(registry.accreditationByIndex(issuerA, schemaIndex).paused, "A carries the pause");
        }
        assertFalse(registry.accreditationByIndex(issuerB, FINAL).paused, "withdrawn: no pause");
        assertTrue(registry.isAccredited(issuerA, revocableSchema), "a pause is not a withdrawal");
        _unpause();
        for (uint32 schemaIndex = REINSTATABLE; schemaIndex <= FINAL; ++schemaIndex) {
            assertFalse(registry.accreditationByIndex(issuerA, schemaIndex).paused, "A is released");
            assertFalse(registry.accreditationByIndex(issuerB, schemaIndex).paused, "B is released");
        }
        assertFalse(registry.accreditationByIndex(issuerB, FINAL).active, "the withdrawal stays");
        _anchor(issuerB, FP2, REVOCABLE, 0);
        vm.prank(issuerB);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.IssuerNotAccredited.selector, issuerB, FINAL));
        registry.anchor(keccak256("other"), FINAL, 0);
    }

    /// One to four pause cycles, with an accreditation withdrawn and granted again during some of
    /// them: each pause stops the anchor, each unpause lets it through.
    function testFuzz_pauseCycles_anchorOnlyWhileRunning(uint8 cycles, uint256 seed) public {
        uint256 count = bound(cycles, 1, 4);
        for (uint256 i; i < count; ++i) {
            _pause();
            vm.warp(block.timestamp + 10);
            if ((seed >> i) & 1 == 1) {
                _withdraw(issuerB, revocableSchema, block.timestamp);
                vm.warp(block.timestamp + 1);
                _accredit(issuerB, revocableSchema);
            }
            vm.prank(issuerB);
            _expectPaused();
            registry.anchor(keccak256(abi.encode(seed, i)), REVOCABLE, 0);
            _unpause();
            _anchor(issuerB, keccak256(abi.encode(seed, i)), REVOCABLE, 0);
        }
        assertFalse(registry.accreditationByIndex(issuerB, REVOCABLE).paused, "released");
    }

    // ================================================================== the bound on a pause

    /// At most 2,000 accreditations are active at once, so a pause and an unpause each walk at most
    /// 2,000 of them, even when the set filled up while paused. (What that costs in gas, each
    /// slot cold, is measured by bench/gas.ts: inside one test every slot is warm.)
    function test_activeAccreditations_areCappedSoPauseAndUnpauseStayBounded() public {
        uint256 limit = 2_000;
        uint256 active = 6; // issuers A and B, three schemas each
        _pause(); // accreditations made while paused must be released by the unpause too
        for (uint256 i = active; i < limit; ++i) {
            _accredit(address(uint160(0x100000 + i)), revocableSchema);
        }
        address oneTooMany = address(0xFFFFF);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IFingerprintRegistry.TooManyAccreditations.selector, limit));
        registry.accredit(oneTooMany, revocableSchema);

        _unpause();
        assertFalse(registry.accreditationByIndex(address(uint160(0x100000 + limit - 1)), REVOCABLE).paused, "last");
        _pause();
        assertTrue(registry.accreditationByIndex(address(uint160(0x100000 + limit - 1)), REVOCABLE).paused, "last one");

        // A withdrawal frees a place (and leaves the set: the walk only covers active ones).
        _withdraw(address(uint160(0x100000 + active)), revocableSchema, block.timestamp);
        _accredit(oneTooMany, revocableSchema);
        assertTrue(registry.accreditation(oneTooMany, revocableSchema).paused, "born paused");
    }
}
