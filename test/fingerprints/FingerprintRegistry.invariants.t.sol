// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIssuerAccreditation} from "../../contracts/interfaces/IIssuerAccreditation.sol";
import {IFingerprintRegistry} from "../../contracts/interfaces/IFingerprintRegistry.sol";
import {MerkleTestTree} from "../utils/MerkleTestTree.sol";
import {FingerprintRegistryFixture} from "./FingerprintRegistry.t.sol";
import {FingerprintRegistryHandler} from "./FingerprintRegistryHandler.sol";

/// @notice Deploys the registry and a handler (three accredited issuers), seeds it, and points the
/// invariant fuzzer at the handler's actions only.
abstract contract FingerprintRegistryInvariantSetup is FingerprintRegistryFixture {
    /// Foundry's StdInvariant selector filter, as the EDR runner reads it from `targetSelectors()`.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    FingerprintRegistryHandler internal handler;
    uint256 internal seededCalls;
    address internal issuerC = address(0xC0FFEE);

    function setUp() public {
        _deploy();
        _accreditAll(issuerC);
        address[] memory issuers = new address[](3);
        issuers[0] = issuerA;
        issuers[1] = issuerB;
        issuers[2] = issuerC;
        bytes32[] memory schemaIds = new bytes32[](3);
        schemaIds[0] = reinstatableSchema;
        schemaIds[1] = revocableSchema;
        schemaIds[2] = finalSchema;
        handler = new FingerprintRegistryHandler(registry, operator, pauser, issuers, schemaIds, block.timestamp);
        _seedHandler();
        seededCalls = handler.calls();
        assertEq(handler.anchoredCount(), 9, "seeded anchors");
        assertEq(handler.batchCount(), 2, "seeded batches");
        assertEq(handler.successfulRevocations(), 3, "seeded revocations");
    }

    /// @dev Starts every run with records of each issuer under each schema, two batches and some
    /// revocations, so revoke/reinstate actions have targets from the first call.
    function _seedHandler() internal {
        for (uint256 i; i < 9; ++i) {
            // issuer i % 3, pool entry i, schema index (i / 3) + 1 (seed % 3 == i / 3)
            handler.anchor(i, i, i / 3, 1);
        }
        handler.anchorBatch(0, 20, 4, 0, false); // issuer A, reinstatable schema
        handler.anchorBatch(1, 0, 5, 1, true); // issuer B, revocable schema, squatting A's pool entry 0
        // Caller seed 1 picks the record's owner; these revoke A's and B's reinstatable records
        // and one leaf of A's batch.
        handler.revoke(1, 0, 9);
        handler.revoke(1, 1, 17);
        handler.revokeLeaf(1, 0, 2, 9, false);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](11);
        selectors[0] = FingerprintRegistryHandler.anchor.selector;
        selectors[1] = FingerprintRegistryHandler.anchorMany.selector;
        selectors[2] = FingerprintRegistryHandler.anchorBatch.selector;
        selectors[3] = FingerprintRegistryHandler.revoke.selector;
        selectors[4] = FingerprintRegistryHandler.reinstate.selector;
        selectors[5] = FingerprintRegistryHandler.revokeLeaf.selector;
        selectors[6] = FingerprintRegistryHandler.reinstateLeaf.selector;
        selectors[7] = FingerprintRegistryHandler.attackAnchor.selector;
        selectors[8] = FingerprintRegistryHandler.warp.selector;
        selectors[9] = FingerprintRegistryHandler.toggleAccreditation.selector;
        selectors[10] = FingerprintRegistryHandler.togglePause.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: selectors});
    }
}

/// describe(FingerprintRegistry) › invariants
contract FingerprintRegistryInvariantTest is FingerprintRegistryInvariantSetup {
    using MerkleTestTree for bytes32[];

    /// A record never changes issuer (nor anchoring time) once anchored; batch roots neither.
    function invariant_recordsNeverChangeIssuer() public view {
        uint256 count = handler.anchoredCount();
        for (uint256 i; i < count; ++i) {
            bytes32 fingerprint = handler.anchoredAt(i);
            IFingerprintRegistry.AnchorRecord memory record = registry.anchorOf(fingerprint);
            assertEq(record.issuer, handler.firstIssuer(fingerprint), "anchorOf.issuer");
            assertEq(record.anchoredAt, handler.ghostAnchoredAt(fingerprint), "anchorOf.anchoredAt");
            assertEq(record.schemaIndex, handler.ghostSchema(fingerprint), "anchorOf.schemaIndex");
        }
        uint256 batches = handler.batchCount();
        for (uint256 i; i < batches; ++i) {
            (bytes32 root, address issuer, ) = handler.batch(i);
            assertEq(registry.batchOf(root).issuer, issuer, "batchOf.issuer");
        }
    }

    /// A revoked record never verifies Valid, and verify reports Revoked exactly for the records
    /// their own issuer revoked — never for records whose fingerprint someone squatted and revoked.
    function invariant_revokedNeverVerifiesValid() public view {
        uint256 count = handler.anchoredCount();
        for (uint256 i; i < count; ++i) {
            bytes32 fingerprint = handler.anchoredAt(i);
            IFingerprintRegistry.Verification memory v = registry.verify(fingerprint);
            IFingerprintRegistry.Revocation memory stored = registry.revocationOf(bytes32(0), fingerprint);
            assertEq(
                stored.revokedAt != 0 && stored.reinstatedAt == 0,
                handler.ghostRevoked(fingerprint),
                "revocationOf vs ghost"
            );
            // Revoked now: not reinstated since, or reinstated while the issuer was untrusted.
            bool revoked = handler.isRevokedNow(fingerprint);
            assertEq(
                v.status == IFingerprintRegistry.VerificationStatus.Revoked,
                revoked,
                "verify Revoked iff revoked"
            );
            if (revoked) assertTrue(v.status != IFingerprintRegistry.VerificationStatus.Valid, "revoked but Valid");
            assertEq(v.issuer, handler.firstIssuer(fingerprint), "verify.issuer");
        }
        uint256 batches = handler.batchCount();
        for (uint256 b; b < batches; ++b) {
            (bytes32 root, address issuer, bytes32[] memory leaves) = handler.batch(b);
            for (uint256 i; i < leaves.length; ++i) {
                IFingerprintRegistry.Verification memory v = registry.verifyLeaf(root, leaves[i], leaves.proof(i));
                bool revoked = handler.isLeafRevokedNow(root, leaves[i]);
                assertTrue(v.status != IFingerprintRegistry.VerificationStatus.BadProof, "reference proof rejected");
                assertEq(
                    v.status == IFingerprintRegistry.VerificationStatus.Revoked,
                    revoked,
                    "leaf Revoked iff revoked"
                );
                assertEq(v.issuer, issuer, "verifyLeaf.issuer");
            }
        }
    }

    /// Every accreditation matches the ghost, and carries the pause exactly while it is active and the
    /// registry is paused: the one slot the anchor paths read tells them of a pause.
    function invariant_accreditationsCarryThePause() public view {
        address[] memory issuers = handler.issuers();
        bool pausedNow = registry.paused();
        assertEq(pausedNow, handler.ghostPaused(), "paused vs ghost");
        for (uint256 i; i < issuers.length; ++i) {
            for (uint32 s = 1; s <= 3; ++s) {
                IIssuerAccreditation.Accreditation memory a = registry.accreditationByIndex(issuers[i], s);
                assertEq(a.active, handler.ghostAccredited(issuers[i], s), "active vs ghost");
                assertEq(a.paused, a.active && pausedNow, "paused == active && paused()");
            }
        }
    }

    /// The ghost counts of anchored fingerprints match the registry, in total and per issuer.
    function invariant_ghostCountsMatch() public view {
        address[] memory issuers = handler.issuers();
        uint256[] memory perIssuer = new uint256[](issuers.length);
        uint256 total;
        uint256 poolSize = handler.POOL_SIZE();
        for (uint256 i; i < poolSize; ++i) {
            address issuer = registry.anchorOf(handler.pool(i)).issuer;
            if (issuer == address(0)) continue;
            ++total;
            bool known;
            for (uint256 j; j < issuers.length; ++j) {
                if (issuers[j] == issuer) {
                    ++perIssuer[j];
                    known = true;
                }
            }
            assertTrue(known, "anchored by an account that is not an issuer");
        }
        assertEq(total, handler.anchoredCount(), "anchored fingerprints");
        for (uint256 j; j < issuers.length; ++j) {
            assertEq(perIssuer[j], handler.ghostAnchorsBy(issuers[j]), "anchored per issuer");
        }
    }

    /// No forbidden call ever succeeded, and no legitimate one failed.
    function invariant_noUnexpectedOutcome() public view {
        assertEq(handler.violations(), 0, string.concat("violation: ", handler.lastProblem()));
        assertEq(handler.unexpectedFailures(), 0, string.concat("unexpected failure: ", handler.lastProblem()));
    }
}

/// describe(FingerprintRegistry) › invariants › harness
/// @notice Proves the campaign really drives the handler. Kept apart from the invariants above:
/// the shrinker would otherwise reduce any of their failures to an empty sequence, which fails
/// this guard and hides the real message.
contract FingerprintRegistryHandlerDrivenTest is FingerprintRegistryInvariantSetup {
    /// Each action increments at most one of these counters, and always `calls`.
    function invariant_handlerCountersConsistent() public view {
        assertLe(
            handler.successfulRevocations() + handler.successfulReinstatements() + handler.foreignAttemptsRejected(),
            handler.calls(),
            "outcome counters vs calls"
        );
    }

    /// Each run must really call the handler (guards against a silently empty campaign).
    function afterInvariant() public view {
        assertGt(handler.calls(), seededCalls, "handler calls by the fuzzer");
    }
}
