// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {IConsentRegistry} from "../../contracts/interfaces/IConsentRegistry.sol";
import {ERC1271WalletMock} from "../../contracts/mocks/ERC1271WalletMock.sol";
import {Assertions} from "../utils/Assertions.sol";
import {CheatCodes} from "../utils/Vm.sol";

/// @notice The EIP-712 requests of a ConsentRegistry, built independently of the contract: the domain
/// and the type strings are spelled out here exactly as `IConsentRegistry`'s NatSpec documents them,
/// and `bytes32[] scope` is encoded as EIP-712 encodes arrays (keccak256 of the concatenated elements).
/// Shared by the unit tests and the invariant handler.
library ConsentTypedData {
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 internal constant GRANT_TYPEHASH = keccak256(
        "Grant(address owner,address grantee,bytes32 purpose,bytes32[] scope,uint64 validFrom,"
        "uint64 validUntil,uint32 maxUses,uint256 nonce,uint256 deadline)"
    );
    bytes32 internal constant REVOKE_TYPEHASH = keccak256("Revoke(bytes32 consentId,uint256 nonce,uint256 deadline)");

    /// The documented consent id: keccak256(abi.encode(bytes32("crossproof.consent.v1"), owner, index)).
    function consentId(address owner, uint256 index) internal pure returns (bytes32) {
        return keccak256(abi.encode(bytes32("crossproof.consent.v1"), owner, index));
    }

    function domainSeparator(uint256 chainId, address verifyingContract) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    DOMAIN_TYPEHASH,
                    keccak256(bytes("Crossproof ConsentRegistry")),
                    keccak256(bytes("1")),
                    chainId,
                    verifyingContract
                )
            );
    }

    function digest(bytes32 structHash, uint256 chainId, address verifyingContract) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(chainId, verifyingContract), structHash));
    }

    function grantHash(
        address owner,
        IConsentRegistry.ConsentTerms memory terms,
        uint256 nonce,
        uint256 deadline
    ) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    GRANT_TYPEHASH,
                    owner,
                    terms.grantee,
                    terms.purpose,
                    keccak256(abi.encodePacked(terms.scope)),
                    terms.validFrom,
                    terms.validUntil,
                    terms.maxUses,
                    nonce,
                    deadline
                )
            );
    }

    function revokeHash(bytes32 consentId_, uint256 nonce, uint256 deadline) internal pure returns (bytes32) {
        return keccak256(abi.encode(REVOKE_TYPEHASH, consentId_, nonce, deadline));
    }
}

/// @notice Deploys an AccessManager (admin: the committee) and a ConsentRegistry managed by it at
/// time T0, and builds consent terms, signed requests and expected revert data.
/// @dev Pranks and expectRevert are consumed by the next external call (views included), so every
/// id, digest, signature and revert datum is computed before either cheatcode.
abstract contract ConsentRegistryFixture is CheatCodes, Assertions {
    uint256 internal constant T0 = 1_700_000_000;
    uint64 internal constant VALID_FROM = uint64(T0);
    uint64 internal constant VALID_UNTIL = uint64(T0 + 90 days);
    uint32 internal constant MAX_USES = 3;
    uint256 internal constant DEADLINE = T0 + 1 hours;
    /// Order of secp256k1: private keys live in [1, SECP256K1_N - 1].
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    uint256 internal constant MAX_SCOPE = 16;

    bytes32 internal constant PURPOSE = "credit-assessment";
    bytes32 internal constant OTHER_PURPOSE = "marketing";
    bytes32 internal constant INCOME = "schema.income-statement";
    bytes32 internal constant CREDIT_HISTORY = "schema.credit-history";
    /// Never in a scope.
    bytes32 internal constant HEALTH = "schema.health-record";
    bytes32 internal constant ORDER_REF = "credit-order-1";

    uint256 internal constant ALICE_KEY = 0xA11CE;
    uint256 internal constant BOB_KEY = 0xB0B;
    uint256 internal constant CAROL_KEY = 0xCA201;
    uint256 internal constant DAVE_KEY = 0xDA7E;
    uint256 internal constant MALLORY_KEY = 0xBAD;

    AccessManager internal manager;
    ConsentRegistry internal registry;

    address internal committee = _makeAddr("committee");
    address internal bank = _makeAddr("bank");
    address internal otherBank = _makeAddr("other-bank");
    address internal orderBook = _makeAddr("credit-order-book");
    address internal stranger = _makeAddr("stranger");
    address internal relayer = _makeAddr("relayer");
    address internal alice;
    address internal bob;
    address internal carol;
    address internal dave;
    address internal mallory;

    function setUp() public virtual {
        vm.warp(T0);
        manager = new AccessManager(committee);
        registry = new ConsentRegistry(address(manager));
        alice = vm.addr(ALICE_KEY);
        bob = vm.addr(BOB_KEY);
        carol = vm.addr(CAROL_KEY);
        dave = vm.addr(DAVE_KEY);
        mallory = vm.addr(MALLORY_KEY);
        // The order book stands for a contract: only contracts can be trusted as consumers. (A
        // single STOP byte: it is only ever pranked as a caller.)
        vm.etch(orderBook, hex"00");
    }

    function _makeAddr(string memory name) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked("crossproof.test.", name)))));
    }

    // ------------------------------------------------------------------ terms

    /// @dev bank, credit-assessment, [INCOME, CREDIT_HISTORY], [T0, T0 + 90 days), 3 uses. A fresh
    /// copy (scope included) on every call, so tests may tamper with it.
    function _terms() internal view returns (IConsentRegistry.ConsentTerms memory) {
        return _termsFor(bank);
    }

    function _termsFor(address grantee) internal pure returns (IConsentRegistry.ConsentTerms memory) {
        return
            IConsentRegistry.ConsentTerms({
                grantee: grantee,
                purpose: PURPOSE,
                scope: _list2(INCOME, CREDIT_HISTORY),
                validFrom: VALID_FROM,
                validUntil: VALID_UNTIL,
                maxUses: MAX_USES
            });
    }

    function _list1(bytes32 a) internal pure returns (bytes32[] memory scope) {
        scope = new bytes32[](1);
        scope[0] = a;
    }

    function _list2(bytes32 a, bytes32 b) internal pure returns (bytes32[] memory scope) {
        scope = new bytes32[](2);
        scope[0] = a;
        scope[1] = b;
    }

    /// @dev `length` distinct non-zero schema ids.
    function _scopeOf(uint256 length) internal pure returns (bytes32[] memory scope) {
        scope = new bytes32[](length);
        for (uint256 i; i < length; ++i) {
            scope[i] = keccak256(abi.encode("crossproof.test.schema", i));
        }
    }

    // ------------------------------------------------------------------ actions

    function _grant(address owner, IConsentRegistry.ConsentTerms memory terms) internal returns (bytes32) {
        vm.prank(owner);
        return registry.grant(terms);
    }

    /// @dev alice grants the default terms to the bank.
    function _grantDefault() internal returns (bytes32) {
        return _grant(alice, _terms());
    }

    function _grantExpectingRevert(
        address owner,
        IConsentRegistry.ConsentTerms memory terms,
        bytes memory revertData
    ) internal {
        vm.prank(owner);
        vm.expectRevert(revertData);
        registry.grant(terms);
    }

    function _revoke(address caller, bytes32 consentId) internal {
        vm.prank(caller);
        registry.revoke(consentId);
    }

    function _revokeExpectingRevert(address caller, bytes32 consentId, bytes memory revertData) internal {
        vm.prank(caller);
        vm.expectRevert(revertData);
        registry.revoke(consentId);
    }

    function _consume(address caller, bytes32 consentId, address grantee, bytes32 purpose, bytes32 schemaId) internal {
        vm.prank(caller);
        registry.consume(consentId, grantee, purpose, schemaId, ORDER_REF);
    }

    function _consumeExpectingRevert(
        address caller,
        bytes32 consentId,
        address grantee,
        bytes32 purpose,
        bytes32 schemaId,
        bytes memory revertData
    ) internal {
        vm.prank(caller);
        vm.expectRevert(revertData);
        registry.consume(consentId, grantee, purpose, schemaId, ORDER_REF);
    }

    /// @dev The bank uses `consentId` once for the default purpose and INCOME.
    function _use(bytes32 consentId) internal {
        _consume(bank, consentId, bank, PURPOSE, INCOME);
    }

    function _trust(address consumer, bool trusted) internal {
        vm.prank(committee);
        registry.setTrustedConsumer(consumer, trusted);
    }

    // ------------------------------------------------------------------ EIP-712

    /// @dev The digest `registry` expects on the current chain.
    function _digest(bytes32 structHash) internal view returns (bytes32) {
        return ConsentTypedData.digest(structHash, block.chainid, address(registry));
    }

    function _sign(uint256 privateKey, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(privateKey, digest);
        return abi.encodePacked(r, s, v);
    }

    function _signGrant(
        uint256 privateKey,
        address owner,
        IConsentRegistry.ConsentTerms memory terms,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (bytes memory) {
        return _sign(privateKey, _digest(ConsentTypedData.grantHash(owner, terms, nonce, deadline)));
    }

    function _signRevoke(
        uint256 privateKey,
        bytes32 consentId,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (bytes memory) {
        return _sign(privateKey, _digest(ConsentTypedData.revokeHash(consentId, nonce, deadline)));
    }

    function _grantBySig(
        ConsentRegistry target,
        address owner,
        IConsentRegistry.ConsentTerms memory terms,
        uint256 deadline,
        bytes memory signature
    ) internal returns (bytes32) {
        vm.prank(relayer);
        return target.grantBySig(owner, terms, deadline, signature);
    }

    function _grantBySigExpectingRevert(
        ConsentRegistry target,
        address owner,
        IConsentRegistry.ConsentTerms memory terms,
        uint256 deadline,
        bytes memory signature,
        bytes memory revertData
    ) internal {
        vm.prank(relayer);
        vm.expectRevert(revertData);
        target.grantBySig(owner, terms, deadline, signature);
    }

    function _revokeBySig(
        ConsentRegistry target,
        bytes32 consentId,
        uint256 deadline,
        bytes memory signature
    ) internal {
        vm.prank(relayer);
        target.revokeBySig(consentId, deadline, signature);
    }

    function _revokeBySigExpectingRevert(
        ConsentRegistry target,
        bytes32 consentId,
        uint256 deadline,
        bytes memory signature,
        bytes memory revertData
    ) internal {
        vm.prank(relayer);
        vm.expectRevert(revertData);
        target.revokeBySig(consentId, deadline, signature);
    }

    // ------------------------------------------------------------------ revert data

    function _invalidTerms() internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.InvalidConsentTerms.selector);
    }

    function _invalidSignature(address owner) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.InvalidSignature.selector, owner);
    }

    function _expired(uint256 deadline) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.SignatureExpired.selector, deadline);
    }

    function _notFound(bytes32 consentId) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.ConsentNotFound.selector, consentId);
    }

    function _notOwner(bytes32 consentId, address caller) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.NotConsentOwner.selector, consentId, caller);
    }

    function _alreadyRevoked(bytes32 consentId) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.ConsentAlreadyRevoked.selector, consentId);
    }

    function _unauthorizedConsumer(bytes32 consentId, address consumer) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.UnauthorizedConsumer.selector, consentId, consumer);
    }

    function _wasRevoked(bytes32 consentId, uint256 revokedAt) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.ConsentWasRevoked.selector, consentId, uint64(revokedAt));
    }

    function _notInForce(bytes32 consentId, uint64 validFrom, uint64 validUntil) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.ConsentNotInForce.selector, consentId, validFrom, validUntil);
    }

    function _exhausted(bytes32 consentId, uint32 maxUses) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.ConsentExhausted.selector, consentId, maxUses);
    }

    function _outOfScope(bytes32 consentId, bytes32 schemaId) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.OutOfScope.selector, consentId, schemaId);
    }

    function _purposeMismatch(bytes32 consentId, bytes32 purpose) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IConsentRegistry.PurposeMismatch.selector, consentId, purpose);
    }

    function _unauthorized(address caller) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, caller);
    }

    // ------------------------------------------------------------------ assertions

    function _assertTerms(
        IConsentRegistry.ConsentTerms memory actual,
        IConsentRegistry.ConsentTerms memory expected,
        string memory message
    ) internal pure {
        assertEq(actual.grantee, expected.grantee, string.concat(message, " (grantee)"));
        assertEq(actual.purpose, expected.purpose, string.concat(message, " (purpose)"));
        assertEq(actual.scope, expected.scope, string.concat(message, " (scope)"));
        assertEq(actual.validFrom, expected.validFrom, string.concat(message, " (validFrom)"));
        assertEq(actual.validUntil, expected.validUntil, string.concat(message, " (validUntil)"));
        assertEq(actual.maxUses, expected.maxUses, string.concat(message, " (maxUses)"));
    }

    function _assertUses(bytes32 consentId, uint256 expected, string memory message) internal view {
        assertEq(registry.consent(consentId).uses, expected, string.concat(message, " (uses)"));
    }

    /// @dev isUsable(consentId) and isAuthorized(alice, bank) for (`purpose`, `schemaId`) are both `expected`.
    function _assertUsable(
        bytes32 consentId,
        bytes32 purpose,
        bytes32 schemaId,
        bool expected,
        string memory message
    ) internal view {
        assertEq(registry.isUsable(consentId, purpose, schemaId), expected, string.concat(message, " (isUsable)"));
        assertEq(
            registry.isAuthorized(alice, bank, purpose, schemaId),
            expected,
            string.concat(message, " (isAuthorized)")
        );
    }
}

/// describe(ConsentRegistry: grant)
contract ConsentRegistryGrantTest is ConsentRegistryFixture {
    function test_grant_storesEveryField() public {
        vm.warp(T0 + 5);
        IConsentRegistry.ConsentTerms memory terms = _terms();
        bytes32 id = _grant(alice, terms);

        IConsentRegistry.Consent memory stored = registry.consent(id);
        assertEq(stored.owner, alice, "owner");
        assertEq(stored.grantedAt, T0 + 5, "grantedAt");
        assertEq(stored.revokedAt, 0, "revokedAt");
        assertEq(stored.uses, 0, "uses");
        _assertTerms(stored.terms, terms, "terms");
        assertEq(stored.terms.grantee, bank, "grantee is the bank");
        assertEq(stored.terms.purpose, bytes32("credit-assessment"), "purpose code");
        assertEq(stored.terms.scope.length, 2, "scope length");
        assertEq(stored.terms.scope[0], INCOME, "scope[0]");
        assertEq(stored.terms.scope[1], CREDIT_HISTORY, "scope[1]");
        assertEq(stored.terms.validFrom, T0, "validFrom");
        assertEq(stored.terms.validUntil, T0 + 90 days, "validUntil");
        assertEq(stored.terms.maxUses, 3, "maxUses");
        assertEq(registry.consentCountByOwner(alice), 1, "count by owner");
        assertEq(registry.consentCountByGrantee(bank), 1, "count by grantee");
        assertEq(registry.consentCountByOwner(bank), 0, "the grantee owns none");
        assertEq(registry.consentCountByGrantee(alice), 0, "the owner was granted none");
    }

    function test_grant_idIsTheDocumentedDerivation() public {
        for (uint256 i; i < 3; ++i) {
            bytes32 expected = keccak256(abi.encode(bytes32("crossproof.consent.v1"), alice, i));
            bytes32 id = _grantDefault();
            assertEq(id, expected, "returned id");
            assertEq(registry.consentIdOf(alice, i), expected, "consentIdOf");
            assertEq(registry.consent(id).owner, alice, "stored under that id");
        }
        bytes32 bobFirst = _grant(bob, _terms());
        assertEq(bobFirst, keccak256(abi.encode(bytes32("crossproof.consent.v1"), bob, uint256(0))), "bob's first");
        assertNotEq(bobFirst, registry.consentIdOf(alice, 0), "ids are per owner");
        // The id depends on neither the terms nor the registry: it is predictable before the grant.
        assertEq(
            registry.consentIdOf(alice, 3),
            keccak256(abi.encode(bytes32("crossproof.consent.v1"), alice, uint256(3))),
            "next id"
        );
        assertEq(_grant(alice, _termsFor(otherBank)), registry.consentIdOf(alice, 3), "next id granted");
        assertEq(registry.consentIdOf(alice, 0), ConsentTypedData.consentId(alice, 0), "library mirror");
    }

    function test_grant_emitsConsentGrantedWithOwnerAsRelayer() public {
        IConsentRegistry.ConsentTerms memory terms = _terms();
        bytes32 expectedId = ConsentTypedData.consentId(alice, 0);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsentRegistry.ConsentGranted(
            expectedId,
            alice,
            bank,
            PURPOSE,
            terms.scope,
            VALID_FROM,
            VALID_UNTIL,
            MAX_USES,
            alice
        );
        _grant(alice, terms);
    }

    function test_grant_byContractWalletThroughExecute() public {
        ERC1271WalletMock wallet = new ERC1271WalletMock(carol);
        IConsentRegistry.ConsentTerms memory terms = _terms();
        bytes32 expectedId = ConsentTypedData.consentId(address(wallet), 0);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsentRegistry.ConsentGranted(
            expectedId,
            address(wallet),
            bank,
            PURPOSE,
            terms.scope,
            VALID_FROM,
            VALID_UNTIL,
            MAX_USES,
            address(wallet)
        );
        vm.prank(carol);
        bytes memory returned = wallet.execute(address(registry), abi.encodeCall(IConsentRegistry.grant, (terms)));
        assertEq(abi.decode(returned, (bytes32)), expectedId, "returned id");
        assertEq(registry.consent(expectedId).owner, address(wallet), "owner is the wallet");
        assertEq(registry.consentCountByOwner(carol), 0, "not the wallet's key");
    }

    function test_grant_sameTermsTwiceMakeTwoConsents() public {
        bytes32 first = _grantDefault();
        bytes32 second = _grantDefault();
        assertNotEq(first, second, "distinct ids");
        _use(first);
        _assertUses(first, 1, "first");
        _assertUses(second, 0, "second untouched");
    }

    function test_grant_pagingByOwnerAndGrantee() public {
        bytes32 a0 = _grant(alice, _termsFor(bank));
        bytes32 a1 = _grant(alice, _termsFor(otherBank));
        bytes32 b0 = _grant(bob, _termsFor(bank));
        bytes32 a2 = _grant(alice, _termsFor(bank));
        bytes32 a3 = _grant(alice, _termsFor(bank));

        assertEq(registry.consentCountByOwner(alice), 4, "alice's count");
        assertEq(registry.consentCountByOwner(bob), 1, "bob's count");
        assertEq(registry.consentCountByGrantee(bank), 4, "bank's count");
        assertEq(registry.consentCountByGrantee(otherBank), 1, "other bank's count");

        bytes32[] memory all = new bytes32[](4);
        (all[0], all[1], all[2], all[3]) = (a0, a1, a2, a3);
        assertEq(registry.consentsByOwner(alice, 0, 10), all, "alice: all, oldest first");
        assertEq(registry.consentsByOwner(alice, 0, type(uint256).max), all, "alice: unbounded limit");
        assertEq(registry.consentsByOwner(alice, 1, 2), _list2(a1, a2), "alice: middle page");
        assertEq(registry.consentsByOwner(alice, 3, 5), _list1(a3), "alice: last page is short");
        assertEq(registry.consentsByOwner(alice, 4, 1).length, 0, "alice: offset at the end");
        assertEq(registry.consentsByOwner(alice, type(uint256).max, 1).length, 0, "alice: huge offset");
        assertEq(registry.consentsByOwner(alice, 0, 0).length, 0, "alice: zero limit");
        assertEq(registry.consentsByOwner(bob, 0, 10), _list1(b0), "bob");
        assertEq(registry.consentsByOwner(stranger, 0, 10).length, 0, "nobody");

        bytes32[] memory toBank = new bytes32[](4);
        (toBank[0], toBank[1], toBank[2], toBank[3]) = (a0, b0, a2, a3);
        assertEq(registry.consentsByGrantee(bank, 0, 10), toBank, "bank: every owner, oldest first");
        assertEq(registry.consentsByGrantee(bank, 1, 2), _list2(b0, a2), "bank: middle page");
        assertEq(registry.consentsByGrantee(otherBank, 0, 10), _list1(a1), "other bank");
        assertEq(registry.consentsByGrantee(bank, 9, 1).length, 0, "bank: offset past the end");
    }

    function test_grant_acceptsValidFromInThePast() public {
        vm.warp(T0 + 10 days);
        bytes32 id = _grantDefault(); // validFrom T0: backdated
        _assertUsable(id, PURPOSE, INCOME, true, "usable at once");
    }

    function test_grant_acceptsPeriodAlreadyOverButItNeverAuthorises() public {
        vm.warp(VALID_UNTIL);
        bytes32 id = _grantDefault();
        _assertUsable(id, PURPOSE, INCOME, false, "expired at grant");
        _consumeExpectingRevert(bank, id, bank, PURPOSE, INCOME, _notInForce(id, VALID_FROM, VALID_UNTIL));
    }

    function test_grant_acceptsShortestPeriod() public {
        IConsentRegistry.ConsentTerms memory terms = _terms();
        terms.validUntil = terms.validFrom + 1;
        bytes32 id = _grant(alice, terms);
        _use(id);
        vm.warp(T0 + 1);
        _assertUsable(id, PURPOSE, INCOME, false, "one second long");
    }

    function test_grant_accepts16Schemas() public {
        IConsentRegistry.ConsentTerms memory terms = _terms();
        terms.scope = _scopeOf(MAX_SCOPE);
        bytes32 id = _grant(alice, terms);
        assertEq(registry.consent(id).terms.scope, terms.scope, "all 16 stored");
        _consume(bank, id, bank, PURPOSE, terms.scope[15]);
        _consume(bank, id, bank, PURPOSE, terms.scope[0]);
        _assertUses(id, 2, "first and last in scope");
    }

    function test_grant_acceptsOneSchema() public {
        IConsentRegistry.ConsentTerms memory terms = _terms();
        terms.scope = _list1(HEALTH);
        bytes32 id = _grant(alice, terms);
        assertTrue(registry.isUsable(id, PURPOSE, HEALTH), "in scope");
        assertFalse(registry.isUsable(id, PURPOSE, INCOME), "not in scope");
    }

    // ================================================================== InvalidConsentTerms

    function test_grant_revertsForZeroGrantee() public {
        IConsentRegistry.ConsentTerms memory terms = _terms();
        terms.grantee = address(0);
        _grantExpectingRevert(alice, terms, _invalidTerms());
    }

    function test_grant_revertsWhenGranteeIsOwner() public {
        _grantExpectingRevert(alice, _termsFor(alice), _invalidTerms());
        _grantExpectingRevert(bank, _termsFor(bank), _invalidTerms());
    }

    function test_grant_revertsForZeroPurpose() public {
        IConsentRegistry.ConsentTerms memory terms = _terms();
        terms.purpose = bytes32(0);
        _grantExpectingRevert(alice, terms, _invalidTerms());
    }

    function test_grant_revertsForEmptyScope() public {
        IConsentRegistry.ConsentTerms memory terms = _terms();
        terms.scope = new bytes32[](0);
        _grantExpectingRevert(alice, terms, _invalidTerms());
    }

    function test_grant_revertsFor17Schemas() public {
        IConsentRegistry.ConsentTerms memory terms = _terms();
        terms.scope = _scopeOf(MAX_SCOPE + 1);
        _grantExpectingRevert(alice, terms, _invalidTerms());
        terms.scope = _scopeOf(64);
        _grantExpectingRevert(alice, terms, _invalidTerms());
    }

    function test_grant_revertsForZeroSchemaId() public {
        for (uint256 position; position < 3; ++position) {
            IConsentRegistry.ConsentTerms memory terms = _terms();
            terms.scope = _scopeOf(3);
            terms.scope[position] = bytes32(0);
            _grantExpectingRevert(alice, terms, _invalidTerms());
        }
        IConsentRegistry.ConsentTerms memory only = _terms();
        only.scope = new bytes32[](1); // [0x0]
        _grantExpectingRevert(alice, only, _invalidTerms());
    }

    function test_grant_revertsForDuplicateSchemaId() public {
        IConsentRegistry.ConsentTerms memory adjacent = _terms();
        adjacent.scope = _list2(INCOME, INCOME);
        _grantExpectingRevert(alice, adjacent, _invalidTerms());

        IConsentRegistry.ConsentTerms memory apart = _terms();
        apart.scope = _scopeOf(MAX_SCOPE);
        apart.scope[15] = apart.scope[0];
        _grantExpectingRevert(alice, apart, _invalidTerms());

        IConsentRegistry.ConsentTerms memory middle = _terms();
        middle.scope = _scopeOf(5);
        middle.scope[3] = middle.scope[1];
        _grantExpectingRevert(alice, middle, _invalidTerms());
    }

    function test_grant_revertsForEmptyPeriod() public {
        IConsentRegistry.ConsentTerms memory equal = _terms();
        equal.validUntil = equal.validFrom;
        _grantExpectingRevert(alice, equal, _invalidTerms());

        IConsentRegistry.ConsentTerms memory reversed = _terms();
        (reversed.validFrom, reversed.validUntil) = (VALID_UNTIL, VALID_FROM);
        _grantExpectingRevert(alice, reversed, _invalidTerms());

        IConsentRegistry.ConsentTerms memory zero = _terms();
        (zero.validFrom, zero.validUntil) = (0, 0);
        _grantExpectingRevert(alice, zero, _invalidTerms());
    }

    function test_grant_revertsLeaveNothingBehind() public {
        IConsentRegistry.ConsentTerms memory terms = _terms();
        terms.purpose = bytes32(0);
        _grantExpectingRevert(alice, terms, _invalidTerms());
        assertEq(registry.consentCountByOwner(alice), 0, "count by owner");
        assertEq(registry.consentCountByGrantee(bank), 0, "count by grantee");
        assertEq(_grantDefault(), registry.consentIdOf(alice, 0), "index 0 still free");
    }
}

/// describe(ConsentRegistry: signed grants and revocations, replay protection)
contract ConsentRegistrySignedTest is ConsentRegistryFixture {
    // ================================================================== domain

    function test_eip712Domain_isTheDocumentedDomain() public view {
        (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId_,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        ) = registry.eip712Domain();
        assertEq(uint256(uint8(fields)), 0x0f, "fields: name, version, chainId, verifyingContract");
        assertEq(name, "Crossproof ConsentRegistry", "name");
        assertEq(version, "1", "version");
        assertEq(chainId_, block.chainid, "chainId");
        assertEq(verifyingContract, address(registry), "verifyingContract");
        assertEq(salt, bytes32(0), "salt");
        assertEq(extensions.length, 0, "extensions");
    }

    // ================================================================== grantBySig

    function test_grantBySig_byRelayer() public {
        IConsentRegistry.ConsentTerms memory terms = _terms();
        // Spelled out in full once: EIP-712 digest of the Grant struct, `scope` as keccak256 of the
        // concatenated 32-byte elements.
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Grant(address owner,address grantee,bytes32 purpose,bytes32[] scope,uint64 validFrom,"
                    "uint64 validUntil,uint32 maxUses,uint256 nonce,uint256 deadline)"
                ),
                alice,
                bank,
                PURPOSE,
                keccak256(abi.encodePacked(INCOME, CREDIT_HISTORY)),
                VALID_FROM,
                VALID_UNTIL,
                MAX_USES,
                uint256(0),
                DEADLINE
            )
        );
        bytes32 digest = keccak256(
            abi.encodePacked(
                "\x19\x01",
                keccak256(
                    abi.encode(
                        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                        keccak256("Crossproof ConsentRegistry"),
                        keccak256("1"),
                        block.chainid,
                        address(registry)
                    )
                ),
                structHash
            )
        );
        bytes memory signature = _sign(ALICE_KEY, digest);
        bytes32 expectedId = ConsentTypedData.consentId(alice, 0);
        assertEq(registry.nonces(alice), 0, "nonce before");

        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsentRegistry.ConsentGranted(
            expectedId,
            alice,
            bank,
            PURPOSE,
            terms.scope,
            VALID_FROM,
            VALID_UNTIL,
            MAX_USES,
            relayer
        );
        bytes32 id = _grantBySig(registry, alice, terms, DEADLINE, signature);

        assertEq(id, expectedId, "id");
        IConsentRegistry.Consent memory stored = registry.consent(id);
        assertEq(stored.owner, alice, "owner is the signer, not the relayer");
        assertEq(stored.grantedAt, T0, "grantedAt");
        _assertTerms(stored.terms, terms, "terms");
        assertEq(registry.nonces(alice), 1, "nonce after");
        assertEq(registry.nonces(relayer), 0, "relayer's nonce");
        assertEq(registry.consentCountByOwner(relayer), 0, "relayer owns nothing");
    }

    function test_grantBySig_anyoneMaySubmit() public {
        bytes memory signature = _signGrant(ALICE_KEY, alice, _terms(), 0, DEADLINE);
        vm.prank(bank); // even the grantee
        bytes32 id = registry.grantBySig(alice, _terms(), DEADLINE, signature);
        assertEq(registry.consent(id).owner, alice, "owner");
    }

    function test_grantBySig_consecutiveNonces() public {
        for (uint256 i; i < 4; ++i) {
            bytes memory signature = _signGrant(ALICE_KEY, alice, _terms(), i, DEADLINE);
            bytes32 id = _grantBySig(registry, alice, _terms(), DEADLINE, signature);
            assertEq(id, ConsentTypedData.consentId(alice, i), "id");
            assertEq(registry.nonces(alice), i + 1, "nonce");
        }
    }

    function test_grantBySig_deadlineIsInclusive() public {
        bytes memory signature = _signGrant(ALICE_KEY, alice, _terms(), 0, DEADLINE);
        vm.warp(DEADLINE);
        _grantBySig(registry, alice, _terms(), DEADLINE, signature);
        assertEq(registry.nonces(alice), 1, "accepted at the deadline");
    }

    function test_grantBySig_unsignedGrantUsesNoNonce() public {
        bytes memory signature = _signGrant(ALICE_KEY, alice, _terms(), 0, DEADLINE);
        _grantDefault(); // index 0, nonce untouched
        _revoke(alice, registry.consentIdOf(alice, 0));
        assertEq(registry.nonces(alice), 0, "direct writes use no nonce");
        bytes32 id = _grantBySig(registry, alice, _terms(), DEADLINE, signature);
        assertEq(id, registry.consentIdOf(alice, 1), "index 1");
    }

    function test_grantBySig_noncesArePerOwner() public {
        bytes memory byAlice = _signGrant(ALICE_KEY, alice, _terms(), 0, DEADLINE);
        bytes memory byBob = _signGrant(BOB_KEY, bob, _terms(), 0, DEADLINE);
        _grantBySig(registry, alice, _terms(), DEADLINE, byAlice);
        _grantBySig(registry, bob, _terms(), DEADLINE, byBob);
        assertEq(registry.nonces(alice), 1, "alice");
        assertEq(registry.nonces(bob), 1, "bob");
    }

    function test_grantBySig_invalidTermsRevertAndUseNoNonce() public {
        IConsentRegistry.ConsentTerms memory terms = _termsFor(alice); // grantee == owner
        bytes memory signature = _signGrant(ALICE_KEY, alice, terms, 0, DEADLINE);
        _grantBySigExpectingRevert(registry, alice, terms, DEADLINE, signature, _invalidTerms());
        assertEq(registry.nonces(alice), 0, "nonce not used");
    }

    function test_grantBySig_zeroOwnerRejected() public {
        bytes memory signature = _signGrant(ALICE_KEY, address(0), _terms(), 0, DEADLINE);
        _grantBySigExpectingRevert(registry, address(0), _terms(), DEADLINE, signature, _invalidSignature(address(0)));
    }

    // ================================================================== revokeBySig

    function test_revokeBySig_byRelayer() public {
        vm.warp(T0 + 7);
        bytes32 id = _grantDefault();
        bytes32 digest = keccak256(
            abi.encodePacked(
                "\x19\x01",
                ConsentTypedData.domainSeparator(block.chainid, address(registry)),
                keccak256(
                    abi.encode(
                        keccak256("Revoke(bytes32 consentId,uint256 nonce,uint256 deadline)"),
                        id,
                        uint256(0),
                        DEADLINE
                    )
                )
            )
        );
        bytes memory signature = _sign(ALICE_KEY, digest);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsentRegistry.ConsentRevoked(id, alice, bank);
        _revokeBySig(registry, id, DEADLINE, signature);

        assertEq(registry.consent(id).revokedAt, T0 + 7, "revokedAt");
        assertEq(registry.nonces(alice), 1, "nonce");
        _assertUsable(id, PURPOSE, INCOME, false, "revoked");
        _consumeExpectingRevert(bank, id, bank, PURPOSE, INCOME, _wasRevoked(id, T0 + 7));
    }

    function test_revokeBySig_unknownConsentReverts() public {
        bytes32 unknown = registry.consentIdOf(alice, 0);
        bytes memory signature = _signRevoke(ALICE_KEY, unknown, 0, DEADLINE);
        _revokeBySigExpectingRevert(registry, unknown, DEADLINE, signature, _notFound(unknown));
        assertEq(registry.nonces(alice), 0, "nonce");
    }

    function test_revokeBySig_alreadyRevokedReverts() public {
        bytes32 id = _grantDefault();
        _revoke(alice, id);
        bytes memory signature = _signRevoke(ALICE_KEY, id, 0, DEADLINE);
        _revokeBySigExpectingRevert(registry, id, DEADLINE, signature, _alreadyRevoked(id));
        assertEq(registry.nonces(alice), 0, "nonce not used");
    }

    function test_revokeBySig_deadlineIsInclusive() public {
        bytes32 id = _grantDefault();
        bytes memory signature = _signRevoke(ALICE_KEY, id, 0, DEADLINE);
        vm.warp(DEADLINE);
        _revokeBySig(registry, id, DEADLINE, signature);
        assertEq(registry.consent(id).revokedAt, DEADLINE, "revoked at the deadline");
    }

    function test_signed_grantAndRevokeShareOneNonceSequence() public {
        bytes32 id = _grantDefault();
        // Both signed with nonce 0: whichever is relayed first invalidates the other.
        bytes memory revokeSig = _signRevoke(ALICE_KEY, id, 0, DEADLINE);
        bytes memory grantSig = _signGrant(ALICE_KEY, alice, _termsFor(otherBank), 0, DEADLINE);
        _grantBySig(registry, alice, _termsFor(otherBank), DEADLINE, grantSig);
        _revokeBySigExpectingRevert(registry, id, DEADLINE, revokeSig, _invalidSignature(alice));
        bytes memory fresh = _signRevoke(ALICE_KEY, id, 1, DEADLINE);
        _revokeBySig(registry, id, DEADLINE, fresh);
        assertEq(registry.nonces(alice), 2, "nonce");
    }

    // ================================================================== replay and forgery: grant

    function test_replay_grant_otherChainIdRejected() public {
        bytes32 digest = ConsentTypedData.digest(
            ConsentTypedData.grantHash(alice, _terms(), 0, DEADLINE),
            block.chainid + 1,
            address(registry)
        );
        bytes memory signature = _sign(ALICE_KEY, digest);
        _grantBySigExpectingRevert(registry, alice, _terms(), DEADLINE, signature, _invalidSignature(alice));
        assertEq(registry.nonces(alice), 0, "no nonce used");
    }

    function test_replay_grant_afterChainForkRejected() public {
        uint256 originalChain = block.chainid;
        bytes memory signature = _signGrant(ALICE_KEY, alice, _terms(), 0, DEADLINE);
        vm.chainId(originalChain + 7);
        _grantBySigExpectingRevert(registry, alice, _terms(), DEADLINE, signature, _invalidSignature(alice));
        vm.chainId(originalChain);
        _grantBySig(registry, alice, _terms(), DEADLINE, signature);
        assertEq(registry.consentCountByOwner(alice), 1, "accepted on its own chain");
    }

    function test_replay_grant_signatureForTheForkAcceptedOnlyThere() public {
        uint256 fork = block.chainid + 7;
        bytes32 digest = ConsentTypedData.digest(
            ConsentTypedData.grantHash(alice, _terms(), 0, DEADLINE),
            fork,
            address(registry)
        );
        bytes memory signature = _sign(ALICE_KEY, digest);
        _grantBySigExpectingRevert(registry, alice, _terms(), DEADLINE, signature, _invalidSignature(alice));
        vm.chainId(fork);
        _grantBySig(registry, alice, _terms(), DEADLINE, signature);
        assertEq(registry.nonces(alice), 1, "accepted with the fork's chain id");
    }

    function test_replay_grant_otherRegistryRejected() public {
        ConsentRegistry other = new ConsentRegistry(address(manager));
        bytes memory signature = _signGrant(ALICE_KEY, alice, _terms(), 0, DEADLINE); // for `registry`
        _grantBySigExpectingRevert(other, alice, _terms(), DEADLINE, signature, _invalidSignature(alice));
        _grantBySig(registry, alice, _terms(), DEADLINE, signature);
        _grantBySigExpectingRevert(other, alice, _terms(), DEADLINE, signature, _invalidSignature(alice));
        assertEq(other.nonces(alice), 0, "other registry's nonce");
        assertEq(other.consentCountByOwner(alice), 0, "nothing on the other registry");
        assertEq(registry.consentCountByOwner(alice), 1, "accepted where it was meant");
    }

    function test_replay_grant_reusedNonceRejected() public {
        bytes memory signature = _signGrant(ALICE_KEY, alice, _terms(), 0, DEADLINE);
        _grantBySig(registry, alice, _terms(), DEADLINE, signature);
        _grantBySigExpectingRevert(registry, alice, _terms(), DEADLINE, signature, _invalidSignature(alice));
        assertEq(registry.nonces(alice), 1, "replay used no nonce");
        assertEq(registry.consentCountByOwner(alice), 1, "one consent");
    }

    function test_replay_grant_futureNonceRejected() public {
        bytes memory signature = _signGrant(ALICE_KEY, alice, _terms(), 1, DEADLINE);
        _grantBySigExpectingRevert(registry, alice, _terms(), DEADLINE, signature, _invalidSignature(alice));
    }

    function test_replay_grant_expiredDeadlineRejected() public {
        uint256 deadline = T0 - 1;
        bytes memory signature = _signGrant(ALICE_KEY, alice, _terms(), 0, deadline);
        _grantBySigExpectingRevert(registry, alice, _terms(), deadline, signature, _expired(deadline));
        assertEq(registry.nonces(alice), 0, "no nonce used");
    }

    function test_replay_grant_deadlinePassedAfterSigningRejected() public {
        bytes memory signature = _signGrant(ALICE_KEY, alice, _terms(), 0, DEADLINE);
        vm.warp(DEADLINE + 1);
        _grantBySigExpectingRevert(registry, alice, _terms(), DEADLINE, signature, _expired(DEADLINE));
    }

    function test_replay_grant_extendedDeadlineRejected() public {
        bytes memory signature = _signGrant(ALICE_KEY, alice, _terms(), 0, DEADLINE);
        _grantBySigExpectingRevert(registry, alice, _terms(), DEADLINE + 1, signature, _invalidSignature(alice));
    }

    function test_replay_grant_wrongSignerRejected() public {
        uint256[3] memory keys = [BOB_KEY, MALLORY_KEY, CAROL_KEY];
        for (uint256 i; i < keys.length; ++i) {
            bytes memory signature = _signGrant(keys[i], alice, _terms(), 0, DEADLINE);
            _grantBySigExpectingRevert(registry, alice, _terms(), DEADLINE, signature, _invalidSignature(alice));
        }
        // Alice's own signature does not grant for bob either.
        bytes memory forAlice = _signGrant(ALICE_KEY, alice, _terms(), 0, DEADLINE);
        _grantBySigExpectingRevert(registry, bob, _terms(), DEADLINE, forAlice, _invalidSignature(bob));
        assertEq(registry.consentCountByOwner(bob), 0, "nothing for bob");
    }

    function test_replay_grant_tamperedTermsRejected() public {
        bytes memory signature = _signGrant(ALICE_KEY, alice, _terms(), 0, DEADLINE);
        bytes memory invalid = _invalidSignature(alice);
        IConsentRegistry.ConsentTerms memory terms;

        terms = _terms();
        terms.grantee = otherBank;
        _grantBySigExpectingRevert(registry, alice, terms, DEADLINE, signature, invalid);

        terms = _terms();
        terms.purpose = OTHER_PURPOSE;
        _grantBySigExpectingRevert(registry, alice, terms, DEADLINE, signature, invalid);

        terms = _terms();
        terms.scope = _list2(INCOME, HEALTH); // an element changed
        _grantBySigExpectingRevert(registry, alice, terms, DEADLINE, signature, invalid);

        terms = _terms();
        terms.scope = _list2(CREDIT_HISTORY, INCOME); // reordered
        _grantBySigExpectingRevert(registry, alice, terms, DEADLINE, signature, invalid);

        terms = _terms();
        terms.scope = _list1(INCOME); // shortened
        _grantBySigExpectingRevert(registry, alice, terms, DEADLINE, signature, invalid);

        terms = _terms();
        terms.scope = new bytes32[](3); // extended
        (terms.scope[0], terms.scope[1], terms.scope[2]) = (INCOME, CREDIT_HISTORY, HEALTH);
        _grantBySigExpectingRevert(registry, alice, terms, DEADLINE, signature, invalid);

        terms = _terms();
        terms.validFrom = VALID_FROM - 1;
        _grantBySigExpectingRevert(registry, alice, terms, DEADLINE, signature, invalid);

        terms = _terms();
        terms.validUntil = VALID_UNTIL + 1;
        _grantBySigExpectingRevert(registry, alice, terms, DEADLINE, signature, invalid);

        terms = _terms();
        terms.maxUses = 0; // unlimited instead of 3
        _grantBySigExpectingRevert(registry, alice, terms, DEADLINE, signature, invalid);

        terms = _terms();
        terms.maxUses = MAX_USES + 1;
        _grantBySigExpectingRevert(registry, alice, terms, DEADLINE, signature, invalid);

        assertEq(registry.nonces(alice), 0, "no nonce used");
        _grantBySig(registry, alice, _terms(), DEADLINE, signature);
        assertEq(registry.consentCountByOwner(alice), 1, "the untampered terms are accepted");
    }

    function test_replay_grant_malformedSignaturesRejected() public {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(
            ALICE_KEY,
            _digest(ConsentTypedData.grantHash(alice, _terms(), 0, DEADLINE))
        );
        bytes memory good = abi.encodePacked(r, s, v);
        // The same signature with s' = n - s and the other v: ecrecover accepts it, OZ's ECDSA does not.
        bytes memory malleable = abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), uint8(55 - v));
        bytes[4] memory bad = [bytes(""), abi.encodePacked(r, s), malleable, abi.encodePacked(good, uint8(0))];
        for (uint256 i; i < bad.length; ++i) {
            _grantBySigExpectingRevert(registry, alice, _terms(), DEADLINE, bad[i], _invalidSignature(alice));
        }
        _grantBySig(registry, alice, _terms(), DEADLINE, good);
    }

    function test_replay_grant_revokeSignatureIsNoGrantSignature() public {
        bytes32 id = registry.consentIdOf(alice, 0);
        bytes memory revokeSig = _signRevoke(ALICE_KEY, id, 0, DEADLINE);
        _grantBySigExpectingRevert(registry, alice, _terms(), DEADLINE, revokeSig, _invalidSignature(alice));
    }

    // ================================================================== replay and forgery: revoke

    function test_replay_revoke_otherChainIdRejected() public {
        bytes32 id = _grantDefault();
        bytes32 digest = ConsentTypedData.digest(
            ConsentTypedData.revokeHash(id, 0, DEADLINE),
            block.chainid + 1,
            address(registry)
        );
        bytes memory signature = _sign(ALICE_KEY, digest);
        _revokeBySigExpectingRevert(registry, id, DEADLINE, signature, _invalidSignature(alice));
        vm.chainId(block.chainid + 1);
        _revokeBySig(registry, id, DEADLINE, signature);
        assertGt(registry.consent(id).revokedAt, 0, "accepted on the chain it was signed for");
    }

    function test_replay_revoke_otherRegistryRejected() public {
        // The same owner's first consent has the same id on every registry: only the domain tells
        // the registries apart.
        ConsentRegistry other = new ConsentRegistry(address(manager));
        bytes32 id = _grantDefault();
        vm.prank(alice);
        bytes32 otherId = other.grant(_terms());
        assertEq(otherId, id, "same id on both registries");

        bytes memory signature = _signRevoke(ALICE_KEY, id, 0, DEADLINE); // for `registry`
        _revokeBySigExpectingRevert(other, id, DEADLINE, signature, _invalidSignature(alice));
        _revokeBySig(registry, id, DEADLINE, signature);
        assertEq(other.consent(id).revokedAt, 0, "still in force on the other registry");
        assertTrue(other.isUsable(id, PURPOSE, INCOME), "usable on the other registry");
    }

    function test_replay_revoke_reusedNonceRejected() public {
        bytes32 first = _grantDefault();
        bytes32 second = _grantDefault();
        bytes memory signature = _signRevoke(ALICE_KEY, first, 0, DEADLINE);
        _revokeBySig(registry, first, DEADLINE, signature);
        // The signature is checked (nonce 1 now) before the revocation state.
        _revokeBySigExpectingRevert(registry, first, DEADLINE, signature, _invalidSignature(alice));
        assertEq(registry.nonces(alice), 1, "replay used no nonce");
        assertEq(registry.consent(second).revokedAt, 0, "second untouched");
    }

    function test_replay_revoke_otherConsentRejected() public {
        bytes32 first = _grantDefault();
        bytes32 second = _grantDefault();
        bytes memory forFirst = _signRevoke(ALICE_KEY, first, 0, DEADLINE);
        _revokeBySigExpectingRevert(registry, second, DEADLINE, forFirst, _invalidSignature(alice));
        assertEq(registry.consent(second).revokedAt, 0, "second not revoked");
        // bob's consent with alice's signature for it: checked against bob.
        bytes32 bobs = _grant(bob, _terms());
        bytes memory aliceForBobs = _signRevoke(ALICE_KEY, bobs, 0, DEADLINE);
        _revokeBySigExpectingRevert(registry, bobs, DEADLINE, aliceForBobs, _invalidSignature(bob));
    }

    function test_replay_revoke_expiredDeadlineRejected() public {
        bytes32 id = _grantDefault();
        uint256 deadline = T0 - 1;
        bytes memory signature = _signRevoke(ALICE_KEY, id, 0, deadline);
        _revokeBySigExpectingRevert(registry, id, deadline, signature, _expired(deadline));
        bytes memory inTime = _signRevoke(ALICE_KEY, id, 0, DEADLINE);
        vm.warp(DEADLINE + 1);
        _revokeBySigExpectingRevert(registry, id, DEADLINE, inTime, _expired(DEADLINE));
        assertEq(registry.consent(id).revokedAt, 0, "not revoked");
    }

    function test_replay_revoke_extendedDeadlineRejected() public {
        bytes32 id = _grantDefault();
        bytes memory signature = _signRevoke(ALICE_KEY, id, 0, DEADLINE);
        _revokeBySigExpectingRevert(registry, id, DEADLINE + 1, signature, _invalidSignature(alice));
    }

    function test_replay_revoke_wrongSignerRejected() public {
        bytes32 id = _grantDefault();
        uint256[3] memory keys = [BOB_KEY, MALLORY_KEY, DAVE_KEY];
        for (uint256 i; i < keys.length; ++i) {
            bytes memory signature = _signRevoke(keys[i], id, 0, DEADLINE);
            _revokeBySigExpectingRevert(registry, id, DEADLINE, signature, _invalidSignature(alice));
        }
        assertEq(registry.consent(id).revokedAt, 0, "not revoked");
    }

    function test_replay_revoke_futureNonceRejected() public {
        bytes32 id = _grantDefault();
        bytes memory signature = _signRevoke(ALICE_KEY, id, 1, DEADLINE);
        _revokeBySigExpectingRevert(registry, id, DEADLINE, signature, _invalidSignature(alice));
    }

    function test_replay_revoke_grantSignatureIsNoRevokeSignature() public {
        bytes32 id = _grantDefault();
        bytes memory grantSig = _signGrant(ALICE_KEY, alice, _terms(), 0, DEADLINE);
        _revokeBySigExpectingRevert(registry, id, DEADLINE, grantSig, _invalidSignature(alice));
    }
}

/// describe(ConsentRegistry: owners that are ERC-1271 contract wallets)
contract ConsentRegistryERC1271Test is ConsentRegistryFixture {
    ERC1271WalletMock internal wallet; // controlled by carol's key
    ERC1271WalletMock internal otherWallet; // controlled by dave's key

    function setUp() public override {
        super.setUp();
        wallet = new ERC1271WalletMock(carol);
        otherWallet = new ERC1271WalletMock(dave);
    }

    function test_grantBySig_acceptsWalletOwnerSignature() public {
        address owner = address(wallet);
        bytes memory signature = _signGrant(CAROL_KEY, owner, _terms(), 0, DEADLINE);
        bytes32 expectedId = ConsentTypedData.consentId(owner, 0);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsentRegistry.ConsentGranted(
            expectedId,
            owner,
            bank,
            PURPOSE,
            _terms().scope,
            VALID_FROM,
            VALID_UNTIL,
            MAX_USES,
            relayer
        );
        bytes32 id = _grantBySig(registry, owner, _terms(), DEADLINE, signature);
        assertEq(id, expectedId, "id");
        assertEq(registry.consent(id).owner, owner, "owner is the wallet");
        assertEq(registry.nonces(owner), 1, "wallet's nonce");
        assertEq(registry.nonces(carol), 0, "key's nonce");
        _replayRejected(owner, signature);
    }

    function _replayRejected(address owner, bytes memory signature) private {
        _grantBySigExpectingRevert(registry, owner, _terms(), DEADLINE, signature, _invalidSignature(owner));
    }

    function test_grantBySig_rejectsSignatureValidForAnotherWallet() public {
        address owner = address(wallet);
        bytes32 digest = _digest(ConsentTypedData.grantHash(owner, _terms(), 0, DEADLINE));
        bytes memory signature = _sign(DAVE_KEY, digest);
        assertEq(
            otherWallet.isValidSignature(digest, signature),
            IERC1271.isValidSignature.selector,
            "valid for the other wallet"
        );
        _grantBySigExpectingRevert(registry, owner, _terms(), DEADLINE, signature, _invalidSignature(owner));
        assertEq(registry.consentCountByOwner(owner), 0, "nothing granted");
    }

    function test_grantBySig_rejectsRandomKey() public {
        address owner = address(wallet);
        bytes memory signature = _signGrant(MALLORY_KEY, owner, _terms(), 0, DEADLINE);
        _grantBySigExpectingRevert(registry, owner, _terms(), DEADLINE, signature, _invalidSignature(owner));
    }

    function test_grantBySig_walletSignatureForOtherChainRejected() public {
        address owner = address(wallet);
        bytes32 digest = ConsentTypedData.digest(
            ConsentTypedData.grantHash(owner, _terms(), 0, DEADLINE),
            block.chainid + 1,
            address(registry)
        );
        bytes memory signature = _sign(CAROL_KEY, digest);
        _grantBySigExpectingRevert(registry, owner, _terms(), DEADLINE, signature, _invalidSignature(owner));
    }

    function test_grantBySig_walletKeyDoesNotSignForItselfThroughTheWallet() public {
        // carol's signature grants for the wallet; carol's own consents need carol as the owner.
        bytes memory forWallet = _signGrant(CAROL_KEY, address(wallet), _terms(), 0, DEADLINE);
        _grantBySigExpectingRevert(registry, carol, _terms(), DEADLINE, forWallet, _invalidSignature(carol));
    }

    function test_revokeBySig_acceptsWalletOwnerSignature() public {
        vm.prank(carol);
        bytes memory returned = wallet.execute(address(registry), abi.encodeCall(IConsentRegistry.grant, (_terms())));
        bytes32 id = abi.decode(returned, (bytes32));
        bytes memory signature = _signRevoke(CAROL_KEY, id, 0, DEADLINE);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsentRegistry.ConsentRevoked(id, address(wallet), bank);
        _revokeBySig(registry, id, DEADLINE, signature);
        assertEq(registry.consent(id).revokedAt, T0, "revoked");
        assertEq(registry.nonces(address(wallet)), 1, "wallet's nonce");
    }

    function test_revokeBySig_rejectsOtherWalletAndRandomKey() public {
        vm.prank(carol);
        bytes memory returned = wallet.execute(address(registry), abi.encodeCall(IConsentRegistry.grant, (_terms())));
        bytes32 id = abi.decode(returned, (bytes32));
        bytes32 digest = _digest(ConsentTypedData.revokeHash(id, 0, DEADLINE));
        bytes memory byDave = _sign(DAVE_KEY, digest);
        assertEq(otherWallet.isValidSignature(digest, byDave), IERC1271.isValidSignature.selector, "other wallet");
        _revokeBySigExpectingRevert(registry, id, DEADLINE, byDave, _invalidSignature(address(wallet)));
        bytes memory byMallory = _sign(MALLORY_KEY, digest);
        _revokeBySigExpectingRevert(registry, id, DEADLINE, byMallory, _invalidSignature(address(wallet)));
        assertEq(registry.consent(id).revokedAt, 0, "not revoked");
    }

    function test_wallet_revokesThroughExecuteButItsKeyCannotDirectly() public {
        vm.prank(carol);
        bytes memory returned = wallet.execute(address(registry), abi.encodeCall(IConsentRegistry.grant, (_terms())));
        bytes32 id = abi.decode(returned, (bytes32));
        _revokeExpectingRevert(carol, id, _notOwner(id, carol));
        vm.prank(carol);
        wallet.execute(address(registry), abi.encodeCall(IConsentRegistry.revoke, (id)));
        assertEq(registry.consent(id).revokedAt, T0, "revoked by the wallet");
    }
}

/// describe(ConsentRegistry: revoke)
contract ConsentRegistryRevokeTest is ConsentRegistryFixture {
    function test_revoke_recordsTimeAndEmits() public {
        bytes32 id = _grantDefault();
        vm.warp(T0 + 1 days);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsentRegistry.ConsentRevoked(id, alice, bank);
        _revoke(alice, id);
        IConsentRegistry.Consent memory stored = registry.consent(id);
        assertEq(stored.revokedAt, T0 + 1 days, "revokedAt");
        assertEq(stored.owner, alice, "owner kept");
        assertEq(stored.grantedAt, T0, "grantedAt kept");
        _assertTerms(stored.terms, _terms(), "terms kept");
        _assertUsable(id, PURPOSE, INCOME, false, "revoked");
    }

    function test_revoke_keepsTheUseCount() public {
        bytes32 id = _grantDefault();
        _use(id);
        _use(id);
        _revoke(alice, id);
        _assertUses(id, 2, "uses kept");
    }

    function test_revoke_onlyByOwner() public {
        bytes32 id = _grantDefault();
        _trust(orderBook, true);
        address[6] memory others = [bank, orderBook, stranger, committee, bob, relayer];
        for (uint256 i; i < others.length; ++i) {
            _revokeExpectingRevert(others[i], id, _notOwner(id, others[i]));
        }
        assertEq(registry.consent(id).revokedAt, 0, "still in force");
        _assertUsable(id, PURPOSE, INCOME, true, "still usable");
    }

    function test_revoke_revertsWhenAlreadyRevoked() public {
        bytes32 id = _grantDefault();
        _revoke(alice, id);
        _revokeExpectingRevert(alice, id, _alreadyRevoked(id));
        vm.warp(T0 + 30 days);
        _revokeExpectingRevert(alice, id, _alreadyRevoked(id));
        assertEq(registry.consent(id).revokedAt, T0, "first revocation time kept");
    }

    function test_revoke_nonOwnerOfRevokedConsentGetsNotConsentOwner() public {
        bytes32 id = _grantDefault();
        _revoke(alice, id);
        _revokeExpectingRevert(bank, id, _notOwner(id, bank));
    }

    function test_revoke_revertsForUnknownConsent() public {
        bytes32 nextId = registry.consentIdOf(alice, 0);
        _revokeExpectingRevert(alice, nextId, _notFound(nextId));
        _revokeExpectingRevert(alice, bytes32(0), _notFound(bytes32(0)));
        _grantDefault();
        bytes32 notYet = registry.consentIdOf(alice, 1);
        _revokeExpectingRevert(alice, notYet, _notFound(notYet));
    }

    function test_revoke_isEffectiveInTheSameBlock() public {
        bytes32 id = _grantDefault();
        _trust(orderBook, true);
        _use(id); // same block, before
        _revoke(alice, id);
        _consumeExpectingRevert(bank, id, bank, PURPOSE, INCOME, _wasRevoked(id, T0));
        _consumeExpectingRevert(orderBook, id, bank, PURPOSE, INCOME, _wasRevoked(id, T0));
        _assertUsable(id, PURPOSE, INCOME, false, "same block");
        _assertUses(id, 1, "only the use before");
    }

    function test_revoke_leavesOtherConsentsUsable() public {
        bytes32 first = _grantDefault();
        bytes32 second = _grantDefault();
        bytes32 bobs = _grant(bob, _terms());
        _revoke(alice, first);
        assertFalse(registry.isUsable(first, PURPOSE, INCOME), "first");
        assertTrue(registry.isUsable(second, PURPOSE, INCOME), "second");
        assertTrue(registry.isUsable(bobs, PURPOSE, INCOME), "bob's");
        _use(second);
        _use(bobs);
    }

    function test_revoke_allowedBeforeValidFromAfterExpiryAndWhenExhausted() public {
        IConsentRegistry.ConsentTerms memory future = _terms();
        future.validFrom = uint64(T0 + 1 days);
        bytes32 notYet = _grant(alice, future);
        _revoke(alice, notYet);
        vm.warp(T0 + 1 days);
        _consumeExpectingRevert(bank, notYet, bank, PURPOSE, INCOME, _wasRevoked(notYet, T0));

        bytes32 exhausted = _grantDefault();
        for (uint256 i; i < MAX_USES; ++i) _use(exhausted);
        _revoke(alice, exhausted);

        bytes32 expiring = _grantDefault();
        vm.warp(VALID_UNTIL + 1);
        _revoke(alice, expiring);
        assertEq(registry.consent(expiring).revokedAt, VALID_UNTIL + 1, "revoked after expiry");
    }
}

/// describe(ConsentRegistry: consume and trusted consumers)
contract ConsentRegistryConsumeTest is ConsentRegistryFixture {
    // ================================================================== by the grantee

    function test_consume_byGranteeRecordsUseAndEmits() public {
        bytes32 id = _grantDefault();
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsentRegistry.ConsentConsumed(id, alice, bank, bank, INCOME, ORDER_REF, 1);
        _use(id);
        _assertUses(id, 1, "after one use");
        _assertUsable(id, PURPOSE, INCOME, true, "two uses left");
    }

    function test_consume_eachUseEmitsTheRunningCount() public {
        bytes32 id = _grantDefault();
        bytes32[3] memory schemas = [INCOME, CREDIT_HISTORY, INCOME];
        for (uint32 i; i < 3; ++i) {
            bytes32 ref = bytes32(uint256(0xA0 + i));
            vm.expectEmit(true, true, true, true, address(registry));
            emit IConsentRegistry.ConsentConsumed(id, alice, bank, bank, schemas[i], ref, i + 1);
            vm.prank(bank);
            registry.consume(id, bank, PURPOSE, schemas[i], ref);
        }
        _assertUses(id, 3, "three uses");
    }

    function test_consume_revertsForUnknownConsent() public {
        bytes32 unknown = registry.consentIdOf(alice, 0);
        _consumeExpectingRevert(bank, unknown, bank, PURPOSE, INCOME, _notFound(unknown));
        vm.prank(bank);
        vm.expectRevert(_notFound(unknown));
        registry.consent(unknown);
    }

    /// @dev Documents current behaviour, not a requirement: when the caller is the consent's
    /// grantee, the `grantee` argument is not checked (the NatSpec only requires it to match for a
    /// trusted consumer). The event always carries the stored grantee.
    /// The grantee argument must name the consent's grantee, even when the grantee itself calls.
    function test_consume_revertsWhenTheGranteeItselfNamesAnotherGrantee() public {
        bytes32 id = _grantDefault();
        _consumeExpectingRevert(bank, id, otherBank, PURPOSE, INCOME, _unauthorizedConsumer(id, bank));
        _consumeExpectingRevert(bank, id, address(0), PURPOSE, INCOME, _unauthorizedConsumer(id, bank));
        _assertUses(id, 0, "nothing recorded");
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsentRegistry.ConsentConsumed(id, alice, bank, bank, INCOME, ORDER_REF, 1);
        _consume(bank, id, bank, PURPOSE, INCOME);
    }

    // ================================================================== trusted consumers

    function test_setTrustedConsumer_byCommitteeEmits() public {
        assertFalse(registry.isTrustedConsumer(orderBook), "not trusted at first");
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsentRegistry.TrustedConsumerSet(orderBook, true);
        _trust(orderBook, true);
        assertTrue(registry.isTrustedConsumer(orderBook), "trusted");
        assertFalse(registry.isTrustedConsumer(stranger), "others not");

        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsentRegistry.TrustedConsumerSet(orderBook, false);
        _trust(orderBook, false);
        assertFalse(registry.isTrustedConsumer(orderBook), "distrusted");
    }

    function test_setTrustedConsumer_refusesToTrustAnAccountWithoutCode() public {
        address[3] memory keys = [bank, stranger, address(0)];
        for (uint256 i; i < keys.length; ++i) {
            vm.prank(committee);
            vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsumerNotAContract.selector, keys[i]));
            registry.setTrustedConsumer(keys[i], true);
            assertFalse(registry.isTrustedConsumer(keys[i]), "not trusted");
            // Distrusting one is allowed (and emits), whatever it is.
            vm.expectEmit(true, true, true, true, address(registry));
            emit IConsentRegistry.TrustedConsumerSet(keys[i], false);
            _trust(keys[i], false);
        }
    }

    function test_setTrustedConsumer_revertsForNonCommittee() public {
        address[6] memory callers = [alice, bank, orderBook, stranger, relayer, address(registry)];
        for (uint256 i; i < callers.length; ++i) {
            vm.prank(callers[i]);
            vm.expectRevert(_unauthorized(callers[i]));
            registry.setTrustedConsumer(orderBook, true);
        }
        assertFalse(registry.isTrustedConsumer(orderBook), "still untrusted");
        assertEq(registry.authority(), address(manager), "authority");
    }

    function test_setTrustedConsumer_byAFunctionRoleMember() public {
        uint64 consumerAdmin = 7;
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = IConsentRegistry.setTrustedConsumer.selector;
        vm.startPrank(committee);
        manager.setTargetFunctionRole(address(registry), selectors, consumerAdmin);
        manager.grantRole(consumerAdmin, stranger, 0);
        vm.stopPrank();
        vm.prank(stranger);
        registry.setTrustedConsumer(orderBook, true);
        assertTrue(registry.isTrustedConsumer(orderBook), "trusted by the role member");
        vm.prank(committee);
        vm.expectRevert(_unauthorized(committee)); // the admin holds no role 7
        registry.setTrustedConsumer(orderBook, false);
    }

    function test_consume_byTrustedConsumerForTheGrantee() public {
        bytes32 id = _grantDefault();
        _trust(orderBook, true);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsentRegistry.ConsentConsumed(id, alice, bank, orderBook, CREDIT_HISTORY, ORDER_REF, 1);
        _consume(orderBook, id, bank, PURPOSE, CREDIT_HISTORY);
        _assertUses(id, 1, "recorded");
    }

    function test_consume_trustedConsumerActingForAnotherGranteeReverts() public {
        bytes32 id = _grantDefault();
        _trust(orderBook, true);
        address[4] memory others = [otherBank, alice, orderBook, address(0)];
        for (uint256 i; i < others.length; ++i) {
            _consumeExpectingRevert(orderBook, id, others[i], PURPOSE, INCOME, _unauthorizedConsumer(id, orderBook));
        }
        _assertUses(id, 0, "nothing recorded");
    }

    function test_consume_untrustedThirdPartyReverts() public {
        bytes32 id = _grantDefault();
        _grant(bob, _termsFor(otherBank)); // otherBank is a grantee, of another consent
        address[6] memory callers = [stranger, orderBook, alice, otherBank, committee, relayer];
        for (uint256 i; i < callers.length; ++i) {
            _consumeExpectingRevert(callers[i], id, bank, PURPOSE, INCOME, _unauthorizedConsumer(id, callers[i]));
        }
        _assertUses(id, 0, "nothing recorded");
    }

    function test_consume_distrustedConsumerReverts() public {
        bytes32 id = _grantDefault();
        _trust(orderBook, true);
        _consume(orderBook, id, bank, PURPOSE, INCOME);
        _trust(orderBook, false);
        _consumeExpectingRevert(orderBook, id, bank, PURPOSE, INCOME, _unauthorizedConsumer(id, orderBook));
        _assertUses(id, 1, "one use");
    }

    function test_consume_granteeAndTrustedConsumerShareTheCount() public {
        bytes32 id = _grantDefault();
        _trust(orderBook, true);
        _use(id);
        _consume(orderBook, id, bank, PURPOSE, CREDIT_HISTORY);
        _use(id);
        _consumeExpectingRevert(orderBook, id, bank, PURPOSE, INCOME, _exhausted(id, MAX_USES));
        _consumeExpectingRevert(bank, id, bank, PURPOSE, INCOME, _exhausted(id, MAX_USES));
        _assertUses(id, 3, "three in total");
    }

    // ================================================================== validity period

    function test_consume_revertsBeforeValidFrom() public {
        IConsentRegistry.ConsentTerms memory terms = _terms();
        terms.validFrom = uint64(T0 + 1 days);
        bytes32 id = _grant(alice, terms);
        bytes memory notInForce = _notInForce(id, terms.validFrom, terms.validUntil);
        _consumeExpectingRevert(bank, id, bank, PURPOSE, INCOME, notInForce);
        _assertUsable(id, PURPOSE, INCOME, false, "at grant");
        vm.warp(terms.validFrom - 1);
        _consumeExpectingRevert(bank, id, bank, PURPOSE, INCOME, notInForce);
        _assertUsable(id, PURPOSE, INCOME, false, "a second before");
        vm.warp(terms.validFrom);
        _assertUsable(id, PURPOSE, INCOME, true, "at validFrom");
        _use(id);
    }

    function test_consume_revertsFromValidUntil() public {
        bytes32 id = _grantDefault();
        bytes memory notInForce = _notInForce(id, VALID_FROM, VALID_UNTIL);
        vm.warp(VALID_UNTIL - 1);
        _assertUsable(id, PURPOSE, INCOME, true, "a second before validUntil");
        _use(id);
        vm.warp(VALID_UNTIL);
        _assertUsable(id, PURPOSE, INCOME, false, "at validUntil");
        _consumeExpectingRevert(bank, id, bank, PURPOSE, INCOME, notInForce);
        vm.warp(VALID_UNTIL + 365 days);
        _assertUsable(id, PURPOSE, INCOME, false, "long after");
        _consumeExpectingRevert(bank, id, bank, PURPOSE, INCOME, notInForce);
        _assertUses(id, 1, "one use");
    }

    function test_consume_trustedConsumerAlsoBoundByThePeriod() public {
        bytes32 id = _grantDefault();
        _trust(orderBook, true);
        vm.warp(VALID_UNTIL);
        _consumeExpectingRevert(orderBook, id, bank, PURPOSE, INCOME, _notInForce(id, VALID_FROM, VALID_UNTIL));
    }

    // ================================================================== use limits

    function test_consume_revertsWhenExhausted() public {
        bytes32 id = _grantDefault();
        for (uint256 i; i < MAX_USES; ++i) {
            _assertUsable(id, PURPOSE, INCOME, true, "uses left");
            _use(id);
        }
        _assertUsable(id, PURPOSE, INCOME, false, "exhausted");
        _assertUsable(id, PURPOSE, CREDIT_HISTORY, false, "exhausted for every schema");
        _consumeExpectingRevert(bank, id, bank, PURPOSE, INCOME, _exhausted(id, MAX_USES));
        _assertUses(id, MAX_USES, "maxUses");
    }

    function test_consume_singleUse() public {
        IConsentRegistry.ConsentTerms memory terms = _terms();
        terms.maxUses = 1;
        bytes32 id = _grant(alice, terms);
        _use(id);
        _consumeExpectingRevert(bank, id, bank, PURPOSE, CREDIT_HISTORY, _exhausted(id, 1));
    }

    function test_consume_unlimitedWhenMaxUsesZero() public {
        IConsentRegistry.ConsentTerms memory terms = _terms();
        terms.maxUses = 0;
        bytes32 id = _grant(alice, terms);
        for (uint256 i; i < 100; ++i) _use(id);
        _assertUses(id, 100, "a hundred uses");
        _assertUsable(id, PURPOSE, INCOME, true, "still usable");
        vm.expectEmit(true, true, true, true, address(registry));
        emit IConsentRegistry.ConsentConsumed(id, alice, bank, bank, INCOME, ORDER_REF, 101);
        _use(id);
    }

    // ================================================================== purpose and scope

    function test_consume_revertsForWrongPurpose() public {
        bytes32 id = _grantDefault();
        _consumeExpectingRevert(bank, id, bank, OTHER_PURPOSE, INCOME, _purposeMismatch(id, OTHER_PURPOSE));
        _consumeExpectingRevert(bank, id, bank, bytes32(0), INCOME, _purposeMismatch(id, bytes32(0)));
        _assertUsable(id, OTHER_PURPOSE, INCOME, false, "other purpose");
        _assertUsable(id, PURPOSE, INCOME, true, "its purpose");
        _assertUses(id, 0, "nothing recorded");
    }

    function test_consume_revertsForSchemaOutOfScope() public {
        bytes32 id = _grantDefault();
        _consumeExpectingRevert(bank, id, bank, PURPOSE, HEALTH, _outOfScope(id, HEALTH));
        _consumeExpectingRevert(bank, id, bank, PURPOSE, bytes32(0), _outOfScope(id, bytes32(0)));
        _assertUsable(id, PURPOSE, HEALTH, false, "out of scope");
        _assertUsable(id, PURPOSE, CREDIT_HISTORY, true, "in scope");
        _assertUses(id, 0, "nothing recorded");
    }

    // ================================================================== revocation

    function test_consume_revertsAfterRevoke() public {
        bytes32 id = _grantDefault();
        _use(id);
        vm.warp(T0 + 3 days);
        _revoke(alice, id);
        vm.warp(T0 + 4 days);
        _consumeExpectingRevert(bank, id, bank, PURPOSE, INCOME, _wasRevoked(id, T0 + 3 days));
        _assertUsable(id, PURPOSE, INCOME, false, "revoked");
        _assertUses(id, 1, "one use");
    }

    // ================================================================== check order

    function test_consume_checkOrder() public {
        IConsentRegistry.ConsentTerms memory terms = _terms();
        terms.maxUses = 1;
        bytes32 id = _grant(alice, terms);
        _use(id);
        // Exhausted, so exhaustion comes before purpose and scope.
        _consumeExpectingRevert(bank, id, bank, OTHER_PURPOSE, HEALTH, _exhausted(id, 1));
        // Purpose before scope.
        bytes32 fresh = _grantDefault();
        _consumeExpectingRevert(bank, fresh, bank, OTHER_PURPOSE, HEALTH, _purposeMismatch(fresh, OTHER_PURPOSE));
        // Expired: the period before exhaustion.
        vm.warp(VALID_UNTIL);
        _consumeExpectingRevert(bank, id, bank, OTHER_PURPOSE, HEALTH, _notInForce(id, VALID_FROM, VALID_UNTIL));
        // Revoked: the revocation before the period.
        _revoke(alice, id);
        _consumeExpectingRevert(bank, id, bank, PURPOSE, INCOME, _wasRevoked(id, VALID_UNTIL));
        // The caller first of all.
        _consumeExpectingRevert(stranger, id, bank, PURPOSE, INCOME, _unauthorizedConsumer(id, stranger));
    }
}

/// describe(ConsentRegistry: views)
contract ConsentRegistryViewsTest is ConsentRegistryFixture {
    function test_version_isSet() public view {
        assertEq(registry.version(), "0.1.0", "version");
    }

    function test_authority_isTheAccessManager() public view {
        assertEq(registry.authority(), address(manager), "authority");
    }

    function test_consent_revertsForUnknownId() public {
        bytes32 unknown = keccak256("nothing");
        vm.expectRevert(_notFound(unknown));
        registry.consent(unknown);
    }

    function test_isUsable_falseForUnknownConsent() public view {
        assertFalse(registry.isUsable(registry.consentIdOf(alice, 0), PURPOSE, INCOME), "next id");
        assertFalse(registry.isUsable(bytes32(0), bytes32(0), bytes32(0)), "zero");
    }

    function test_isAuthorized_falseWithoutConsents() public view {
        assertFalse(registry.isAuthorized(alice, bank, PURPOSE, INCOME), "no consent");
    }

    function test_isAuthorized_trueOnlyForTheGranteeOwnerPurposeAndScope() public {
        _trust(orderBook, true);
        _grantDefault();
        assertTrue(registry.isAuthorized(alice, bank, PURPOSE, INCOME), "grantee, income");
        assertTrue(registry.isAuthorized(alice, bank, PURPOSE, CREDIT_HISTORY), "grantee, credit history");
        assertFalse(registry.isAuthorized(alice, otherBank, PURPOSE, INCOME), "other grantee");
        assertFalse(registry.isAuthorized(alice, orderBook, PURPOSE, INCOME), "the trusted consumer is no grantee");
        assertFalse(registry.isAuthorized(bob, bank, PURPOSE, INCOME), "other owner");
        assertFalse(registry.isAuthorized(bank, alice, PURPOSE, INCOME), "roles swapped");
        assertFalse(registry.isAuthorized(alice, bank, OTHER_PURPOSE, INCOME), "other purpose");
        assertFalse(registry.isAuthorized(alice, bank, PURPOSE, HEALTH), "out of scope");
    }

    function test_isUsable_andIsAuthorized_ineachSituation() public {
        bytes32 id = _grantDefault();
        _assertUsable(id, PURPOSE, INCOME, true, "usable");
        _assertUsable(id, OTHER_PURPOSE, INCOME, false, "wrong purpose");
        _assertUsable(id, PURPOSE, HEALTH, false, "out of scope");
        vm.warp(VALID_UNTIL);
        _assertUsable(id, PURPOSE, INCOME, false, "expired");
        vm.warp(VALID_FROM - 1);
        _assertUsable(id, PURPOSE, INCOME, false, "not yet valid");
        vm.warp(T0);
        for (uint256 i; i < MAX_USES; ++i) _use(id);
        _assertUsable(id, PURPOSE, INCOME, false, "exhausted");

        bytes32 revoked = _grant(alice, _termsFor(bank));
        _assertUsable(revoked, PURPOSE, INCOME, true, "second consent usable");
        _revoke(alice, revoked);
        _assertUsable(revoked, PURPOSE, INCOME, false, "revoked");
    }

    function test_isAuthorized_scansEveryConsentOfTheOwner() public {
        bytes32 revoked = _grantDefault();
        _revoke(alice, revoked);
        assertFalse(registry.isAuthorized(alice, bank, PURPOSE, INCOME), "only a revoked one");
        _grant(alice, _termsFor(otherBank)); // usable, but for another grantee
        assertFalse(registry.isAuthorized(alice, bank, PURPOSE, INCOME), "other grantee's");
        IConsentRegistry.ConsentTerms memory expiring = _terms();
        expiring.validUntil = uint64(T0 + 1 days);
        _grant(alice, expiring);
        bytes32 exhausted = _grantDefault();
        for (uint256 i; i < MAX_USES; ++i) _use(exhausted);
        // consents: [revoked, other grantee, expiring (valid), exhausted]
        assertTrue(registry.isAuthorized(alice, bank, PURPOSE, INCOME), "one revoked, one valid");
        assertFalse(registry.isUsable(exhausted, PURPOSE, INCOME), "exhausted one");
        vm.warp(T0 + 1 days);
        assertFalse(registry.isAuthorized(alice, bank, PURPOSE, INCOME), "valid one expired");
        bytes32 last = _grantDefault();
        assertTrue(registry.isAuthorized(alice, bank, PURPOSE, INCOME), "the newest is valid");
        _revoke(alice, last);
        assertFalse(registry.isAuthorized(alice, bank, PURPOSE, INCOME), "all unusable");
    }

    function test_isAuthorized_matchesScopeAcrossConsents() public {
        IConsentRegistry.ConsentTerms memory incomeOnly = _terms();
        incomeOnly.scope = _list1(INCOME);
        _grant(alice, incomeOnly);
        IConsentRegistry.ConsentTerms memory healthOnly = _terms();
        healthOnly.scope = _list1(HEALTH);
        healthOnly.purpose = OTHER_PURPOSE;
        _grant(alice, healthOnly);
        assertTrue(registry.isAuthorized(alice, bank, PURPOSE, INCOME), "first consent");
        assertTrue(registry.isAuthorized(alice, bank, OTHER_PURPOSE, HEALTH), "second consent");
        assertFalse(registry.isAuthorized(alice, bank, PURPOSE, HEALTH), "no consent pairs these");
        assertFalse(registry.isAuthorized(alice, bank, OTHER_PURPOSE, INCOME), "nor these");
    }
}

/// describe(ConsentRegistry: fuzz)
contract ConsentRegistryFuzzTest is ConsentRegistryFixture {
    function setUp() public override {
        super.setUp();
        _trust(orderBook, true);
    }

    function testFuzz_consentIdOf_matchesDerivation(address owner, uint256 index) public view {
        assertEq(
            registry.consentIdOf(owner, index),
            keccak256(abi.encode(bytes32("crossproof.consent.v1"), owner, index)),
            "consentIdOf"
        );
    }

    function testFuzz_consume_onlyWithinValidityPeriod(uint64 fromSeed, uint64 untilSeed, uint256 nowSeed) public {
        uint64 validFrom = uint64(bound(fromSeed, 0, type(uint64).max - 1));
        uint64 validUntil = uint64(bound(untilSeed, uint256(validFrom) + 1, type(uint64).max));
        IConsentRegistry.ConsentTerms memory terms = _terms();
        (terms.validFrom, terms.validUntil, terms.maxUses) = (validFrom, validUntil, 0);
        bytes32 id = _grant(alice, terms);

        // The boundaries four times in five, any time otherwise.
        uint256 pick = nowSeed % 5;
        uint256 now_;
        if (pick == 0) now_ = validFrom == 0 ? 0 : validFrom - 1;
        else if (pick == 1) now_ = validFrom;
        else if (pick == 2) now_ = validUntil - 1;
        else if (pick == 3) now_ = validUntil;
        else now_ = bound(nowSeed >> 8, 0, type(uint64).max);
        vm.warp(now_);

        bool inForce = now_ >= validFrom && now_ < validUntil;
        _assertUsable(id, PURPOSE, INCOME, inForce, "usable iff in force");
        if (inForce) {
            _use(id);
            _consume(orderBook, id, bank, PURPOSE, CREDIT_HISTORY);
            _assertUses(id, 2, "recorded");
        } else {
            bytes memory notInForce = _notInForce(id, validFrom, validUntil);
            _consumeExpectingRevert(bank, id, bank, PURPOSE, INCOME, notInForce);
            _consumeExpectingRevert(orderBook, id, bank, PURPOSE, INCOME, notInForce);
            _assertUses(id, 0, "nothing recorded");
        }
    }

    function testFuzz_consume_exhaustsAfterMaxUses(uint32 maxSeed, uint256 viaSeed) public {
        uint32 maxUses = uint32(bound(maxSeed, 1, 40));
        IConsentRegistry.ConsentTerms memory terms = _terms();
        terms.maxUses = maxUses;
        bytes32 id = _grant(alice, terms);
        for (uint256 i; i < maxUses; ++i) {
            // The grantee or the trusted consumer, as the seed's bits say.
            address caller = (viaSeed >> (i % 256)) & 1 == 0 ? bank : orderBook;
            vm.expectEmit(true, true, true, true, address(registry));
            emit IConsentRegistry.ConsentConsumed(id, alice, bank, caller, INCOME, ORDER_REF, uint32(i + 1));
            _consume(caller, id, bank, PURPOSE, INCOME);
        }
        _assertUses(id, maxUses, "uses == maxUses");
        _assertUsable(id, PURPOSE, INCOME, false, "exhausted");
        _consumeExpectingRevert(bank, id, bank, PURPOSE, INCOME, _exhausted(id, maxUses));
        _consumeExpectingRevert(orderBook, id, bank, PURPOSE, CREDIT_HISTORY, _exhausted(id, maxUses));
        _assertUses(id, maxUses, "no more");
    }

    function testFuzz_consume_unlimitedNeverExhausts(uint8 countSeed) public {
        uint256 count = bound(countSeed, 1, 120);
        IConsentRegistry.ConsentTerms memory terms = _terms();
        terms.maxUses = 0;
        bytes32 id = _grant(alice, terms);
        for (uint256 i; i < count; ++i) _use(id);
        _assertUses(id, count, "uses");
        _assertUsable(id, PURPOSE, INCOME, true, "still usable");
    }

    function testFuzz_consume_unauthorizedCallerRejected(address caller, address granteeArg) public {
        vm.assume(caller != bank);
        vm.assume(caller != orderBook || granteeArg != bank);
        bytes32 id = _grantDefault();
        _consumeExpectingRevert(caller, id, granteeArg, PURPOSE, INCOME, _unauthorizedConsumer(id, caller));
        _assertUses(id, 0, "nothing recorded");
    }

    function testFuzz_consume_onlyItsPurposeAndScope(bytes32 purpose, bytes32 schemaId) public {
        bytes32 id = _grantDefault();
        bool inScope = schemaId == INCOME || schemaId == CREDIT_HISTORY;
        _assertUsable(id, purpose, schemaId, purpose == PURPOSE && inScope, "usable iff purpose and scope");
        if (purpose != PURPOSE) {
            _consumeExpectingRevert(bank, id, bank, purpose, schemaId, _purposeMismatch(id, purpose));
        } else if (!inScope) {
            _consumeExpectingRevert(bank, id, bank, purpose, schemaId, _outOfScope(id, schemaId));
        } else {
            _consume(bank, id, bank, purpose, schemaId);
            _assertUses(id, 1, "recorded");
        }
    }

    function testFuzz_revoke_nonOwnerReverts(address caller) public {
        vm.assume(caller != alice);
        bytes32 id = _grantDefault();
        _revokeExpectingRevert(caller, id, _notOwner(id, caller));
        _assertUsable(id, PURPOSE, INCOME, true, "still usable");
    }

    function testFuzz_revoke_ownerRevokesAnyTime(uint256 nowSeed) public {
        bytes32 id = _grantDefault();
        uint256 now_ = bound(nowSeed, 1, type(uint64).max);
        vm.warp(now_);
        _revoke(alice, id);
        assertEq(registry.consent(id).revokedAt, now_, "revokedAt");
        _assertUsable(id, PURPOSE, INCOME, false, "revoked");
        _consumeExpectingRevert(bank, id, bank, PURPOSE, INCOME, _wasRevoked(id, now_));
    }

    function testFuzz_grant_emptyPeriodReverts(uint64 validFrom, uint64 validUntil) public {
        vm.assume(validUntil <= validFrom);
        IConsentRegistry.ConsentTerms memory terms = _terms();
        (terms.validFrom, terms.validUntil) = (validFrom, validUntil);
        _grantExpectingRevert(alice, terms, _invalidTerms());
    }

    function testFuzz_grant_scopeLength(uint8 lengthSeed) public {
        uint256 length = bound(lengthSeed, 0, 40);
        IConsentRegistry.ConsentTerms memory terms = _terms();
        terms.scope = _scopeOf(length);
        if (length == 0 || length > MAX_SCOPE) {
            _grantExpectingRevert(alice, terms, _invalidTerms());
        } else {
            bytes32 id = _grant(alice, terms);
            assertEq(registry.consent(id).terms.scope, terms.scope, "scope stored");
        }
    }

    function testFuzz_grantBySig_anyKeyGrantsForItsOwnAddress(uint256 keySeed) public {
        uint256 key = bound(keySeed, 1, SECP256K1_N - 1);
        address owner = vm.addr(key);
        vm.assume(owner != bank);
        bytes memory signature = _signGrant(key, owner, _terms(), 0, DEADLINE);
        bytes32 id = _grantBySig(registry, owner, _terms(), DEADLINE, signature);
        assertEq(id, ConsentTypedData.consentId(owner, 0), "id");
        assertEq(registry.consent(id).owner, owner, "owner");
        assertEq(registry.nonces(owner), 1, "nonce");
    }

    function testFuzz_grantBySig_nonOwnerKeyRejected(uint256 keySeed) public {
        uint256 key = bound(keySeed, 1, SECP256K1_N - 1);
        vm.assume(key != ALICE_KEY);
        bytes memory signature = _signGrant(key, alice, _terms(), 0, DEADLINE);
        _grantBySigExpectingRevert(registry, alice, _terms(), DEADLINE, signature, _invalidSignature(alice));
    }

    function testFuzz_revokeBySig_nonOwnerKeyRejected(uint256 keySeed) public {
        uint256 key = bound(keySeed, 1, SECP256K1_N - 1);
        vm.assume(key != ALICE_KEY);
        bytes32 id = _grantDefault();
        bytes memory signature = _signRevoke(key, id, 0, DEADLINE);
        _revokeBySigExpectingRevert(registry, id, DEADLINE, signature, _invalidSignature(alice));
        assertEq(registry.consent(id).revokedAt, 0, "not revoked");
    }

    function testFuzz_revokeBySig_ownerKeyAccepted(uint256 keySeed) public {
        uint256 key = bound(keySeed, 1, SECP256K1_N - 1);
        address owner = vm.addr(key);
        vm.assume(owner != bank);
        bytes32 id = _grant(owner, _terms());
        bytes memory signature = _signRevoke(key, id, 0, DEADLINE);
        _revokeBySig(registry, id, DEADLINE, signature);
        assertEq(registry.consent(id).revokedAt, T0, "revoked");
    }

    function testFuzz_grantBySig_otherChainIdRejected(uint256 chainId_) public {
        vm.assume(chainId_ != block.chainid);
        bytes32 digest = ConsentTypedData.digest(
            ConsentTypedData.grantHash(alice, _terms(), 0, DEADLINE),
            chainId_,
            address(registry)
        );
        bytes memory signature = _sign(ALICE_KEY, digest);
        _grantBySigExpectingRevert(registry, alice, _terms(), DEADLINE, signature, _invalidSignature(alice));
    }

    function testFuzz_signed_expiredDeadlineRejected(uint256 deadline, uint256 elapsed) public {
        deadline = bound(deadline, 0, type(uint64).max - 1);
        uint256 now_ = deadline + bound(elapsed, 1, type(uint64).max - deadline);
        bytes32 id = _grantDefault();
        vm.warp(now_);
        bytes memory grantSig = _signGrant(ALICE_KEY, alice, _terms(), 0, deadline);
        _grantBySigExpectingRevert(registry, alice, _terms(), deadline, grantSig, _expired(deadline));
        bytes memory revokeSig = _signRevoke(ALICE_KEY, id, 0, deadline);
        _revokeBySigExpectingRevert(registry, id, deadline, revokeSig, _expired(deadline));
    }

    function testFuzz_signed_nonceStrictlyIncreases(uint8 countSeed, uint256 opsSeed) public {
        uint256 count = bound(countSeed, 1, 12);
        for (uint256 i; i < count; ++i) {
            uint256 nonce = registry.nonces(alice);
            assertEq(nonce, i, "one nonce per signed write");
            uint256 granted = registry.consentCountByOwner(alice);
            if ((opsSeed >> i) & 1 == 0 || granted == 0) {
                bytes memory signature = _signGrant(ALICE_KEY, alice, _terms(), nonce, DEADLINE);
                _grantBySig(registry, alice, _terms(), DEADLINE, signature);
                _grantBySigExpectingRevert(registry, alice, _terms(), DEADLINE, signature, _invalidSignature(alice));
            } else {
                bytes32 id = registry.consentIdOf(alice, granted - 1);
                if (registry.consent(id).revokedAt != 0) _grant(alice, _terms());
                id = registry.consentIdOf(alice, registry.consentCountByOwner(alice) - 1);
                bytes memory signature = _signRevoke(ALICE_KEY, id, nonce, DEADLINE);
                _revokeBySig(registry, id, DEADLINE, signature);
            }
        }
        assertEq(registry.nonces(alice), count, "count");
    }
}
