// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConsentRegistry} from "../../contracts/interfaces/IConsentRegistry.sol";
import {ConsentRegistryFixture} from "./ConsentRegistry.t.sol";
import {ConsentRegistryHandler} from "./ConsentRegistryHandler.sol";

/// @notice Deploys the AccessManager and ConsentRegistry of the unit tests and a handler with four
/// owners (three EOAs and an ERC-1271 wallet), three grantees, two purposes and three schemas; seeds a
/// consent in each state (exhausted, unlimited and used through the trusted consumer, not yet valid,
/// revoked, expired) and points the invariant fuzzer at the handler only.
abstract contract ConsentRegistryInvariantSetup is ConsentRegistryFixture {
    /// Foundry's StdInvariant selector filter, as the EDR runner reads it from `targetSelectors()`.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    /// termsSeed layout: see ConsentRegistryHandler._makeTerms.
    uint256 private constant BEFORE_NOW = 1 << 48;
    uint256 private constant NON_EMPTY_PERIOD = 1 << 96;

    ConsentRegistryHandler internal handler;
    uint256 internal seededCalls;
    bytes32[] internal seeded;

    function setUp() public override {
        super.setUp();
        uint256[] memory keys = new uint256[](4);
        (keys[0], keys[1], keys[2], keys[3]) = (ALICE_KEY, BOB_KEY, DAVE_KEY, CAROL_KEY); // carol: the wallet
        address[] memory granteeList = new address[](3);
        (granteeList[0], granteeList[1], granteeList[2]) = (bank, otherBank, _makeAddr("third-bank"));
        bytes32[] memory purposeList = new bytes32[](2);
        (purposeList[0], purposeList[1]) = (PURPOSE, OTHER_PURPOSE);
        bytes32[] memory schemaList = new bytes32[](3);
        (schemaList[0], schemaList[1], schemaList[2]) = (INCOME, CREDIT_HISTORY, HEALTH);
        handler = new ConsentRegistryHandler(
            registry,
            committee,
            orderBook,
            stranger,
            relayer,
            keys,
            granteeList,
            purposeList,
            schemaList
        );
        _seedHandler();
        seededCalls = handler.calls();
        assertEq(handler.violations(), 0, string.concat("seed violation: ", handler.lastProblem()));
        assertEq(handler.unexpectedFailures(), 0, string.concat("seed failure: ", handler.lastProblem()));
        assertEq(handler.successfulGrants(), 5, "five consents seeded");
    }

    /// @dev Consents (all at T0): 0 alice → bank, purpose 0, schemas {0, 1}, 1 day, 2 uses, used
    /// twice (exhausted); 1 bob → other bank by signature, purpose 1, all schemas, from an hour ago
    /// for 2 days, unlimited, used by the trusted consumer; 2 the wallet → bank, purpose 0, schema 0,
    /// from in a day, 1 use; 3 alice → third bank by signature, schema 2, revoked; 4 the wallet by
    /// signature → other bank, schema 1, one hour, expired by a two-hour warp.
    function _seedHandler() internal {
        handler.setTrust(1); // trusted
        handler.grant(0, 0, _termsSeed(0, 3, 0, 1 days, 2));
        handler.grantBySig(1, 1, _termsSeed(1, 7, BEFORE_NOW | (1 hours << 16), 2 days, 0), 0);
        handler.grant(3, 0, _termsSeed(0, 1, 1 days << 16, 1 days, 1));
        handler.grantBySig(0, 2, _termsSeed(0, 4, 0, 2 days, 3), 0);
        handler.grantBySig(3, 1, _termsSeed(0, 2, 0, 1 hours, 0), 0);
        handler.consume(0, 0, 1, 2); // grantee, its purpose, a scope schema
        handler.consume(0, 1, 1, 3);
        handler.consume(1, 2, 1, 2); // the trusted consumer for the grantee
        handler.revoke(3, 1); // by the owner
        handler.warp(_warpSeed(2 hours));
        bytes32[] memory ids = handler.consentIds();
        assertEq(ids.length, 5, "ids");
        assertEq(registry.consent(ids[0]).uses, 2, "consent 0 exhausted");
        assertEq(registry.consent(ids[1]).uses, 1, "consent 1 used by the trusted consumer");
        assertFalse(handler.inPeriod(ids[2]), "consent 2 not yet valid");
        assertGt(registry.consent(ids[3]).revokedAt, 0, "consent 3 revoked");
        assertFalse(handler.inPeriod(ids[4]), "consent 4 expired");
        assertEq(registry.consent(ids[4]).owner, address(handler.wallet()), "consent 4 by the wallet");
    }

    /// @dev A valid termsSeed: purpose index, scope mask, validFrom bits (offset << 16 | BEFORE_NOW),
    /// a duration of `duration` seconds and `maxUses`.
    function _termsSeed(
        uint256 purpose,
        uint256 mask,
        uint256 fromBits,
        uint256 duration,
        uint256 maxUses
    ) internal pure returns (uint256) {
        return purpose | (mask << 8) | fromBits | ((duration - 1) << 64) | NON_EMPTY_PERIOD | (maxUses << 104);
    }

    /// @dev A seed for which the handler's warp takes `step` (<= 1 day) seconds (its "up to a day" branch).
    function _warpSeed(uint256 step) internal pure returns (uint256 seed) {
        for (uint256 low; low < 4; ++low) {
            seed = ((step - 1) << 2) | low;
            if (seed % 3 == 2) return seed;
        }
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](9);
        selectors[0] = ConsentRegistryHandler.grant.selector;
        selectors[1] = ConsentRegistryHandler.grantBySig.selector;
        selectors[2] = ConsentRegistryHandler.revoke.selector;
        selectors[3] = ConsentRegistryHandler.revokeBySig.selector;
        selectors[4] = ConsentRegistryHandler.consume.selector;
        selectors[5] = ConsentRegistryHandler.setTrust.selector;
        selectors[6] = ConsentRegistryHandler.attackTrust.selector;
        selectors[7] = ConsentRegistryHandler.warp.selector;
        selectors[8] = ConsentRegistryHandler.consumeAtBoundary.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: selectors});
    }
}

/// describe(ConsentRegistry) › invariants
contract ConsentRegistryInvariantTest is ConsentRegistryInvariantSetup {
    /// (a) A revoked consent never authorises: isUsable is false for every purpose and schema, and no
    /// consume succeeded after its revocation.
    function invariant_revokedConsentNeverAuthorises() public view {
        assertEq(handler.consumesAfterRevocation(), 0, "consumed after revocation");
        bytes32[] memory ids = handler.consentIds();
        for (uint256 i; i < ids.length; ++i) {
            uint64 revokedAt = registry.consent(ids[i]).revokedAt;
            assertEq(revokedAt, handler.ghostRevokedAt(ids[i]), "revokedAt vs ghost");
            if (revokedAt != 0) _assertNeverUsable(ids[i], "revoked consent usable");
        }
    }

    /// (b) A consent outside its validity period (before validFrom, or from validUntil on) never
    /// authorises, and no consume succeeded outside it.
    function invariant_consentOutsideItsPeriodNeverAuthorises() public view {
        assertEq(handler.consumesOutsidePeriod(), 0, "consumed outside the period");
        bytes32[] memory ids = handler.consentIds();
        for (uint256 i; i < ids.length; ++i) {
            IConsentRegistry.ConsentTerms memory terms = registry.consent(ids[i]).terms;
            if (block.timestamp >= terms.validFrom && block.timestamp < terms.validUntil) continue;
            _assertNeverUsable(ids[i], "consent outside its period usable");
        }
    }

    /// (c) Uses never exceed maxUses when it is set, and an exhausted consent never authorises.
    function invariant_usesNeverExceedMaxUses() public view {
        assertEq(handler.consumesBeyondMaxUses(), 0, "consumed beyond maxUses");
        bytes32[] memory ids = handler.consentIds();
        for (uint256 i; i < ids.length; ++i) {
            IConsentRegistry.Consent memory stored = registry.consent(ids[i]);
            if (stored.terms.maxUses == 0) continue;
            assertLe(stored.uses, stored.terms.maxUses, "uses > maxUses");
            if (stored.uses == stored.terms.maxUses) _assertNeverUsable(ids[i], "exhausted consent usable");
        }
    }

    /// (d) The usage log is complete: ConsentConsumed events per consent equal consent().uses (and the
    /// handler's count of successful consumes), and no event names an unknown consent.
    function invariant_consumedEventsEqualUses() public view {
        bytes32[] memory ids = handler.consentIds();
        uint256 total;
        for (uint256 i; i < ids.length; ++i) {
            uint256 uses = registry.consent(ids[i]).uses;
            assertEq(handler.consumedEvents(ids[i]), uses, "ConsentConsumed events vs uses");
            assertEq(uses, handler.ghostUses(ids[i]), "uses vs ghost");
            total += uses;
        }
        assertEq(handler.totalConsumedEvents(), total, "events for unknown consents");
        assertEq(handler.successfulConsumes(), total, "successful consumes vs uses");
    }

    /// isUsable and isAuthorized agree with the handler's model for every consent, owner, grantee,
    /// purpose and schema (one never in scope included).
    function invariant_viewsMatchTheModel() public view {
        bytes32[] memory ids = handler.consentIds();
        bytes32[] memory purposes = handler.purposes();
        bytes32[] memory schemas = handler.probeSchemas();
        for (uint256 p; p < purposes.length; ++p) {
            for (uint256 s; s < schemas.length; ++s) {
                for (uint256 i; i < ids.length; ++i) {
                    assertEq(
                        registry.isUsable(ids[i], purposes[p], schemas[s]),
                        handler.modelUsable(ids[i], purposes[p], schemas[s]),
                        "isUsable vs model"
                    );
                }
                _assertAuthorizedMatchesModel(purposes[p], schemas[s]);
            }
        }
    }

    /// What was granted is what is stored, under the documented ids, listed by owner and grantee in
    /// order; nonces count the accepted signatures; trust is what the committee set.
    function invariant_storedConsentsMatchTheGhost() public view {
        bytes32[] memory ids = handler.consentIds();
        for (uint256 i; i < ids.length; ++i) {
            IConsentRegistry.Consent memory stored = registry.consent(ids[i]);
            assertEq(stored.owner, handler.ghostOwner(ids[i]), "owner");
            assertEq(stored.grantedAt, handler.ghostGrantedAt(ids[i]), "grantedAt");
            _assertTerms(stored.terms, handler.ghostTerms(ids[i]), "terms");
        }
        address[] memory ownerList = handler.owners();
        uint256 byOwners;
        for (uint256 o; o < ownerList.length; ++o) {
            uint256 count = handler.ghostGrantCount(ownerList[o]);
            assertEq(registry.consentCountByOwner(ownerList[o]), count, "count by owner");
            bytes32[] memory listed = registry.consentsByOwner(ownerList[o], 0, type(uint256).max);
            for (uint256 k; k < listed.length; ++k) {
                assertEq(listed[k], registry.consentIdOf(ownerList[o], k), "listed by owner in order");
            }
            assertEq(registry.nonces(ownerList[o]), handler.ghostNonce(ownerList[o]), "nonce");
            byOwners += count;
        }
        assertEq(byOwners, ids.length, "every consent has a tracked owner");
        address[] memory granteeList = handler.grantees();
        uint256 byGrantees;
        for (uint256 g; g < granteeList.length; ++g) {
            bytes32[] memory listed = registry.consentsByGrantee(granteeList[g], 0, type(uint256).max);
            for (uint256 k; k < listed.length; ++k) {
                assertEq(registry.consent(listed[k]).terms.grantee, granteeList[g], "listed under its grantee");
            }
            byGrantees += listed.length;
        }
        assertEq(byGrantees, ids.length, "every consent listed under one grantee");
        assertEq(registry.isTrustedConsumer(orderBook), handler.ghostTrusted(), "trusted consumer");
        assertFalse(registry.isTrustedConsumer(stranger), "rogue consumer never trusted");
    }

    /// No forbidden call ever succeeded, and no legitimate one failed.
    function invariant_noUnexpectedOutcome() public view {
        assertEq(handler.violations(), 0, string.concat("violation: ", handler.lastProblem()));
        assertEq(handler.unexpectedFailures(), 0, string.concat("unexpected failure: ", handler.lastProblem()));
        assertEq(handler.unauthorizedConsumes(), 0, "consumed by an unauthorised caller");
    }

    function _assertNeverUsable(bytes32 consentId, string memory message) private view {
        bytes32[] memory purposes = handler.purposes();
        bytes32[] memory schemas = handler.probeSchemas();
        for (uint256 p; p < purposes.length; ++p) {
            for (uint256 s; s < schemas.length; ++s) {
                assertFalse(registry.isUsable(consentId, purposes[p], schemas[s]), message);
            }
        }
    }

    function _assertAuthorizedMatchesModel(bytes32 purpose, bytes32 schemaId) private view {
        address[] memory ownerList = handler.owners();
        address[] memory granteeList = handler.grantees();
        for (uint256 o; o < ownerList.length; ++o) {
            for (uint256 g; g < granteeList.length; ++g) {
                assertEq(
                    registry.isAuthorized(ownerList[o], granteeList[g], purpose, schemaId),
                    handler.modelAuthorized(ownerList[o], granteeList[g], purpose, schemaId),
                    "isAuthorized vs model"
                );
            }
        }
    }
}

/// describe(ConsentRegistry) › invariants › harness
/// @notice Proves the campaign really drives the handler. Kept apart from the invariants above: the
/// shrinker would otherwise reduce any of their failures to an empty sequence, which fails this guard
/// and hides the real message.
contract ConsentRegistryHandlerDrivenTest is ConsentRegistryInvariantSetup {
    /// Each action succeeds at most once.
    function invariant_handlerCountersConsistent() public view {
        assertLe(
            handler.successfulGrants() + handler.successfulRevokes() + handler.successfulConsumes(),
            handler.calls(),
            "successes vs calls"
        );
        assertLe(handler.expectedRejections(), handler.calls(), "rejections vs calls");
    }

    /// Each run must really call the handler (guards against a silently empty campaign).
    function afterInvariant() public view {
        assertGt(handler.calls(), seededCalls, "handler calls by the fuzzer");
    }
}
