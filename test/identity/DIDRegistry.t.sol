// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

import {DIDRegistry} from "../../contracts/identity/DIDRegistry.sol";
import {IDIDRegistry} from "../../contracts/interfaces/IDIDRegistry.sol";
import {ERC1271WalletMock} from "../../contracts/mocks/ERC1271WalletMock.sol";
import {Assertions} from "../utils/Assertions.sol";
import {CheatCodes, Vm} from "../utils/Vm.sol";

/// @notice Deploys a DIDRegistry at block B0 / time T0 and builds EIP-712 signed requests for it
/// independently of the contract: the domain and the type strings are spelled out here exactly as
/// `IDIDRegistry`'s NatSpec documents them.
/// @dev Pranks and expectRevert are consumed by the next external call, so every digest and
/// signature is computed before either cheatcode.
abstract contract DIDRegistryFixture is CheatCodes, Assertions {
    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant B0 = 1_000;
    uint256 internal constant VALIDITY = 30 days;
    uint256 internal constant DEADLINE = T0 + 1 hours;
    /// Order of secp256k1: private keys live in [1, SECP256K1_N - 1].
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    bytes32 internal constant VERI_KEY = "veriKey";
    bytes32 internal constant SIG_AUTH = "sigAuth";
    bytes32 internal constant PUB_KEY_ATTR = "did/pub/Secp256k1/veriKey/hex";
    bytes32 internal constant SVC_ATTR = "did/svc/MessagingService";
    bytes internal constant PUB_KEY_VALUE = hex"02b97c30de767f084ce3080168ee293053ba33b235d7116a3263d29f1450936b71";
    bytes internal constant SVC_VALUE = "https://agent.example/didcomm";

    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 internal constant CHANGE_OWNER_TYPEHASH = keccak256(
        "ChangeOwner(address identity,address newOwner,uint256 nonce,uint256 deadline)"
    );
    bytes32 internal constant ADD_DELEGATE_TYPEHASH = keccak256(
        "AddDelegate(address identity,bytes32 delegateType,address delegate,"
        "uint256 validity,uint256 nonce,uint256 deadline)"
    );
    bytes32 internal constant REVOKE_DELEGATE_TYPEHASH = keccak256(
        "RevokeDelegate(address identity,bytes32 delegateType,address delegate,uint256 nonce,uint256 deadline)"
    );
    bytes32 internal constant SET_ATTRIBUTE_TYPEHASH = keccak256(
        "SetAttribute(address identity,bytes32 name,bytes value,uint256 validity,uint256 nonce,uint256 deadline)"
    );
    bytes32 internal constant REVOKE_ATTRIBUTE_TYPEHASH = keccak256(
        "RevokeAttribute(address identity,bytes32 name,bytes value,uint256 nonce,uint256 deadline)"
    );

    uint256 internal constant ALICE_KEY = 0xA11CE;
    uint256 internal constant BOB_KEY = 0xB0B;
    uint256 internal constant CAROL_KEY = 0xCA201;
    uint256 internal constant DAVE_KEY = 0xDA7E;
    uint256 internal constant MALLORY_KEY = 0xBAD;

    /// The five writes, for tests that run the same scenario over each of them. ChangeOwner last:
    /// it is the only one that changes who may sign next.
    enum Op {
        AddDelegate,
        RevokeDelegate,
        SetAttribute,
        RevokeAttribute,
        ChangeOwner
    }
    uint256 internal constant OP_COUNT = 5;

    DIDRegistry internal registry;

    address internal alice;
    address internal bob;
    address internal carol;
    address internal dave;
    address internal mallory;
    address internal relayer = address(0x4E1A7E4);

    function setUp() public virtual {
        vm.warp(T0);
        vm.roll(B0);
        registry = new DIDRegistry();
        alice = vm.addr(ALICE_KEY);
        bob = vm.addr(BOB_KEY);
        carol = vm.addr(CAROL_KEY);
        dave = vm.addr(DAVE_KEY);
        mallory = vm.addr(MALLORY_KEY);
    }

    // ------------------------------------------------------------------ EIP-712

    function _domainSeparator(uint256 chainId_, address verifyingContract) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    DOMAIN_TYPEHASH,
                    keccak256(bytes("Crossproof DIDRegistry")),
                    keccak256(bytes("1")),
                    chainId_,
                    verifyingContract
                )
            );
    }

    function _digestFor(
        bytes32 structHash,
        uint256 chainId_,
        address verifyingContract
    ) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", _domainSeparator(chainId_, verifyingContract), structHash));
    }

    /// @dev The digest `registry` expects on the current chain.
    function _digest(bytes32 structHash) internal view returns (bytes32) {
        return _digestFor(structHash, block.chainid, address(registry));
    }

    function _sign(uint256 privateKey, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(privateKey, digest);
        return abi.encodePacked(r, s, v);
    }

    function _changeOwnerHash(
        address identity,
        address newOwner,
        uint256 nonce_,
        uint256 deadline
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(CHANGE_OWNER_TYPEHASH, identity, newOwner, nonce_, deadline));
    }

    function _addDelegateHash(
        address identity,
        bytes32 delegateType,
        address delegate,
        uint256 validity,
        uint256 nonce_,
        uint256 deadline
    ) internal pure returns (bytes32) {
        return
            keccak256(abi.encode(ADD_DELEGATE_TYPEHASH, identity, delegateType, delegate, validity, nonce_, deadline));
    }

    function _revokeDelegateHash(
        address identity,
        bytes32 delegateType,
        address delegate,
        uint256 nonce_,
        uint256 deadline
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(REVOKE_DELEGATE_TYPEHASH, identity, delegateType, delegate, nonce_, deadline));
    }

    function _setAttributeHash(
        address identity,
        bytes32 name,
        bytes memory value,
        uint256 validity,
        uint256 nonce_,
        uint256 deadline
    ) internal pure returns (bytes32) {
        return
            keccak256(abi.encode(SET_ATTRIBUTE_TYPEHASH, identity, name, keccak256(value), validity, nonce_, deadline));
    }

    function _revokeAttributeHash(
        address identity,
        bytes32 name,
        bytes memory value,
        uint256 nonce_,
        uint256 deadline
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(REVOKE_ATTRIBUTE_TYPEHASH, identity, name, keccak256(value), nonce_, deadline));
    }

    // ------------------------------------------------------------------ the five writes, generically
    // Fixed parameters: delegate `carol` of type veriKey for VALIDITY, attribute PUB_KEY_ATTR =
    // PUB_KEY_VALUE for VALIDITY, new owner `bob`.

    function _opHash(Op op, address identity, uint256 nonce_, uint256 deadline) internal view returns (bytes32) {
        if (op == Op.AddDelegate) return _addDelegateHash(identity, VERI_KEY, carol, VALIDITY, nonce_, deadline);
        if (op == Op.RevokeDelegate) return _revokeDelegateHash(identity, VERI_KEY, carol, nonce_, deadline);
        if (op == Op.SetAttribute) {
            return _setAttributeHash(identity, PUB_KEY_ATTR, PUB_KEY_VALUE, VALIDITY, nonce_, deadline);
        }
        if (op == Op.RevokeAttribute)
            return _revokeAttributeHash(identity, PUB_KEY_ATTR, PUB_KEY_VALUE, nonce_, deadline);
        return _changeOwnerHash(identity, bob, nonce_, deadline);
    }

    /// @dev `op` for `identity` signed by `privateKey` for `registry` on the current chain.
    function _signOp(
        uint256 privateKey,
        Op op,
        address identity,
        uint256 nonce_,
        uint256 deadline
    ) internal view returns (bytes memory) {
        return _sign(privateKey, _digest(_opHash(op, identity, nonce_, deadline)));
    }

    /// @dev Submits the signed `op` to `target` from the relayer.
    function _submitOp(DIDRegistry target, Op op, address identity, uint256 deadline, bytes memory signature) internal {
        vm.prank(relayer);
        if (op == Op.AddDelegate) {
            target.addDelegateSigned(identity, VERI_KEY, carol, VALIDITY, deadline, signature);
        } else if (op == Op.RevokeDelegate) {
            target.revokeDelegateSigned(identity, VERI_KEY, carol, deadline, signature);
        } else if (op == Op.SetAttribute) {
            target.setAttributeSigned(identity, PUB_KEY_ATTR, PUB_KEY_VALUE, VALIDITY, deadline, signature);
        } else if (op == Op.RevokeAttribute) {
            target.revokeAttributeSigned(identity, PUB_KEY_ATTR, PUB_KEY_VALUE, deadline, signature);
        } else {
            target.changeOwnerSigned(identity, bob, deadline, signature);
        }
    }

    function _submitOpExpectingRevert(
        DIDRegistry target,
        Op op,
        address identity,
        uint256 deadline,
        bytes memory signature,
        bytes memory revertData
    ) internal {
        vm.expectRevert(revertData);
        _submitOp(target, op, identity, deadline, signature);
    }

    /// @dev Calls `op` on `registry` directly as `actor`.
    function _callOp(Op op, address actor, address identity) internal {
        vm.prank(actor);
        if (op == Op.AddDelegate) {
            registry.addDelegate(identity, VERI_KEY, carol, VALIDITY);
        } else if (op == Op.RevokeDelegate) {
            registry.revokeDelegate(identity, VERI_KEY, carol);
        } else if (op == Op.SetAttribute) {
            registry.setAttribute(identity, PUB_KEY_ATTR, PUB_KEY_VALUE, VALIDITY);
        } else if (op == Op.RevokeAttribute) {
            registry.revokeAttribute(identity, PUB_KEY_ATTR, PUB_KEY_VALUE);
        } else {
            registry.changeOwner(identity, bob);
        }
    }

    function _callOpExpectingRevert(Op op, address actor, address identity, bytes memory revertData) internal {
        vm.expectRevert(revertData);
        _callOp(op, actor, identity);
    }

    /// @dev Expects exactly the event `op` emits now for `identity`.
    function _expectOpEvent(Op op, address identity, uint256 previousChange) internal {
        vm.expectEmit(true, true, true, true, address(registry));
        if (op == Op.AddDelegate) {
            emit IDIDRegistry.DIDDelegateChanged(identity, VERI_KEY, carol, block.timestamp + VALIDITY, previousChange);
        } else if (op == Op.RevokeDelegate) {
            emit IDIDRegistry.DIDDelegateChanged(identity, VERI_KEY, carol, block.timestamp, previousChange);
        } else if (op == Op.SetAttribute) {
            emit IDIDRegistry.DIDAttributeChanged(
                identity,
                PUB_KEY_ATTR,
                PUB_KEY_VALUE,
                block.timestamp + VALIDITY,
                previousChange
            );
        } else if (op == Op.RevokeAttribute) {
            emit IDIDRegistry.DIDAttributeChanged(identity, PUB_KEY_ATTR, PUB_KEY_VALUE, 0, previousChange);
        } else {
            emit IDIDRegistry.DIDOwnerChanged(identity, bob, previousChange);
        }
    }

    // ------------------------------------------------------------------ misc

    function _changeOwner(address actor, address identity, address newOwner) internal {
        vm.prank(actor);
        registry.changeOwner(identity, newOwner);
    }

    function _typeHash(bytes32 delegateType) internal pure returns (bytes32) {
        return keccak256(abi.encode(delegateType));
    }

    function _notOwner(address identity, address actor) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IDIDRegistry.NotIdentityOwner.selector, identity, actor);
    }

    function _deactivated(address identity) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IDIDRegistry.IdentityDeactivated.selector, identity);
    }

    function _invalidSignature(address identity, address owner) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IDIDRegistry.InvalidSignature.selector, identity, owner);
    }

    function _assertNonce(address identity, uint256 expected, string memory message) internal view {
        assertEq(registry.nonce(identity), expected, string.concat(message, " (nonce)"));
        assertEq(registry.nonces(identity), expected, string.concat(message, " (nonces)"));
    }
}

/// describe(DIDRegistry: ownership, delegates, attributes, deactivation)
contract DIDRegistryTest is DIDRegistryFixture {
    // ================================================================== identityOwner / changeOwner

    function test_identityOwner_defaultsToIdentity() public view {
        assertEq(registry.identityOwner(alice), alice, "identityOwner(alice)");
        assertEq(registry.identityOwner(address(0xD1D)), address(0xD1D), "identityOwner(any)");
        assertEq(registry.changed(alice), 0, "changed");
        assertFalse(registry.isDeactivated(alice), "not deactivated");
        _assertNonce(alice, 0, "fresh identity");
    }

    function test_version_isSet() public view {
        assertEq(registry.version(), "0.1.0", "version");
    }

    function test_changeOwner_byIdentityRecordsOwnerBlockAndEmits() public {
        vm.roll(B0 + 5);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDOwnerChanged(alice, bob, 0);
        _changeOwner(alice, alice, bob);

        assertEq(registry.identityOwner(alice), bob, "identityOwner");
        assertEq(registry.changed(alice), B0 + 5, "changed");
        assertFalse(registry.isDeactivated(alice), "not deactivated");
        assertEq(registry.identityOwner(bob), bob, "bob's own identity untouched");
        assertEq(registry.changed(bob), 0, "bob's changed untouched");
        _assertNonce(alice, 0, "unsigned writes use no nonce");
    }

    function test_changeOwner_revertsForNonOwner() public {
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.NotIdentityOwner.selector, alice, mallory));
        registry.changeOwner(alice, mallory);
        assertEq(registry.identityOwner(alice), alice, "owner unchanged");
        assertEq(registry.changed(alice), 0, "changed unchanged");
    }

    function test_changeOwner_revertsForNewOwnerOfAnotherIdentity() public {
        _changeOwner(bob, bob, alice); // alice controls bob's identity, not the reverse
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.NotIdentityOwner.selector, alice, bob));
        registry.changeOwner(alice, bob);
    }

    function test_changeOwner_previousOwnerLosesControl() public {
        _changeOwner(alice, alice, bob);
        for (uint256 i; i < OP_COUNT; ++i) {
            _callOpExpectingRevert(Op(i), alice, alice, _notOwner(alice, alice));
        }
        // The new owner holds every write; then hands over to carol and loses control in turn.
        for (uint256 i; i < OP_COUNT - 1; ++i) {
            _callOp(Op(i), bob, alice);
        }
        _changeOwner(bob, alice, carol);
        assertEq(registry.identityOwner(alice), carol, "carol owns");
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.NotIdentityOwner.selector, alice, bob));
        registry.changeOwner(alice, bob);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.NotIdentityOwner.selector, alice, alice));
        registry.changeOwner(alice, alice);
    }

    function test_changeOwner_backToIdentityRestoresItsKey() public {
        _changeOwner(alice, alice, bob);
        _changeOwner(bob, alice, alice);
        assertEq(registry.identityOwner(alice), alice, "identity owns itself again");
        assertFalse(registry.isDeactivated(alice), "not deactivated");
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.NotIdentityOwner.selector, alice, bob));
        registry.setAttribute(alice, SVC_ATTR, SVC_VALUE, VALIDITY);
        _changeOwner(alice, alice, carol);
        assertEq(registry.identityOwner(alice), carol, "alice's key controls again");
    }

    function test_changeOwner_previousChangeLinksEveryWrite() public {
        uint256[6] memory blocks = [B0 + 1, B0 + 3, B0 + 7, B0 + 8, B0 + 20, B0 + 21];
        Op[6] memory ops = [
            Op.ChangeOwner,
            Op.AddDelegate,
            Op.SetAttribute,
            Op.RevokeDelegate,
            Op.RevokeAttribute,
            Op.AddDelegate
        ];
        uint256 previous;
        for (uint256 i; i < ops.length; ++i) {
            vm.roll(blocks[i]);
            vm.warp(T0 + i * 60);
            _expectOpEvent(ops[i], alice, previous);
            _callOp(ops[i], i == 0 ? alice : bob, alice);
            assertEq(registry.changed(alice), blocks[i], "changed");
            previous = blocks[i];
        }
    }

    function test_changeOwner_twoChangesInOneBlockLinkToThatBlock() public {
        vm.roll(B0 + 4);
        _changeOwner(alice, alice, bob);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDOwnerChanged(alice, carol, B0 + 4);
        _changeOwner(bob, alice, carol);
        assertEq(registry.changed(alice), B0 + 4, "changed");
    }

    function test_changed_isPerIdentity() public {
        vm.roll(B0 + 2);
        _changeOwner(alice, alice, carol);
        vm.roll(B0 + 9);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDAttributeChanged(bob, SVC_ATTR, SVC_VALUE, T0 + VALIDITY, 0);
        vm.prank(bob);
        registry.setAttribute(bob, SVC_ATTR, SVC_VALUE, VALIDITY);
        assertEq(registry.changed(alice), B0 + 2, "alice");
        assertEq(registry.changed(bob), B0 + 9, "bob");
    }

    /// The resolver's view: read `changed`, then follow `previousChange` back to 0.
    function test_events_formTheChainAResolverWalks() public {
        vm.recordLogs();
        vm.roll(B0 + 10);
        _callOp(Op.SetAttribute, alice, alice);
        vm.roll(B0 + 11);
        vm.prank(bob);
        registry.addDelegate(bob, SIG_AUTH, carol, VALIDITY); // another identity's event in between
        vm.roll(B0 + 15);
        _callOp(Op.AddDelegate, alice, alice);
        vm.roll(B0 + 30);
        _callOp(Op.ChangeOwner, alice, alice);
        Vm.Log[] memory logs = vm.getRecordedLogs();

        assertEq(logs.length, 4, "log count");
        bytes32[4] memory selectors = [
            IDIDRegistry.DIDAttributeChanged.selector,
            IDIDRegistry.DIDDelegateChanged.selector,
            IDIDRegistry.DIDDelegateChanged.selector,
            IDIDRegistry.DIDOwnerChanged.selector
        ];
        address[4] memory identities = [alice, bob, alice, alice];
        uint256[4] memory previousChanges = [uint256(0), 0, B0 + 10, B0 + 15];
        for (uint256 i; i < logs.length; ++i) {
            assertEq(logs[i].emitter, address(registry), "emitter");
            assertEq(logs[i].topics.length, 2, "one indexed topic");
            assertEq(logs[i].topics[0], selectors[i], "event");
            assertEq(logs[i].topics[1], bytes32(uint256(uint160(identities[i]))), "indexed identity");
        }
        (, , , uint256 p0) = abi.decode(logs[0].data, (bytes32, bytes, uint256, uint256));
        (, , , uint256 p1) = abi.decode(logs[1].data, (bytes32, address, uint256, uint256));
        (, , , uint256 p2) = abi.decode(logs[2].data, (bytes32, address, uint256, uint256));
        (address newOwner, uint256 p3) = abi.decode(logs[3].data, (address, uint256));
        assertEq(p0, previousChanges[0], "previousChange 0");
        assertEq(p1, previousChanges[1], "previousChange 1");
        assertEq(p2, previousChanges[2], "previousChange 2");
        assertEq(p3, previousChanges[3], "previousChange 3");
        assertEq(newOwner, bob, "owner in event");
        assertEq(registry.changed(alice), B0 + 30, "walk starts at the last change");
    }

    // ================================================================== delegates

    function test_addDelegate_storesValidToAndEmits() public {
        vm.roll(B0 + 1);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDDelegateChanged(alice, VERI_KEY, bob, T0 + VALIDITY, 0);
        vm.prank(alice);
        registry.addDelegate(alice, VERI_KEY, bob, VALIDITY);

        assertEq(registry.delegates(alice, keccak256(abi.encode(VERI_KEY)), bob), T0 + VALIDITY, "delegates");
        assertTrue(registry.validDelegate(alice, VERI_KEY, bob), "validDelegate");
        assertEq(registry.changed(alice), B0 + 1, "changed");
        // Keyed by the hash of the type, per delegate and per identity.
        assertEq(registry.delegates(alice, VERI_KEY, bob), 0, "raw type is not the key");
        assertEq(registry.delegates(alice, _typeHash(SIG_AUTH), bob), 0, "other type");
        assertFalse(registry.validDelegate(alice, SIG_AUTH, bob), "other type not valid");
        assertFalse(registry.validDelegate(alice, VERI_KEY, carol), "other delegate not valid");
        assertFalse(registry.validDelegate(bob, VERI_KEY, bob), "other identity not valid");
    }

    function test_addDelegate_expiresAtValidTo() public {
        vm.prank(alice);
        registry.addDelegate(alice, SIG_AUTH, bob, VALIDITY);
        vm.warp(T0 + VALIDITY - 1);
        assertTrue(registry.validDelegate(alice, SIG_AUTH, bob), "valid one second before");
        vm.warp(T0 + VALIDITY);
        assertFalse(registry.validDelegate(alice, SIG_AUTH, bob), "invalid at validTo");
        vm.warp(T0 + VALIDITY + 365 days);
        assertFalse(registry.validDelegate(alice, SIG_AUTH, bob), "invalid later");
        assertEq(registry.delegates(alice, _typeHash(SIG_AUTH), bob), T0 + VALIDITY, "validTo kept");
    }

    function test_addDelegate_zeroValidityIsNeverValid() public {
        vm.prank(alice);
        registry.addDelegate(alice, VERI_KEY, bob, 0);
        assertEq(registry.delegates(alice, _typeHash(VERI_KEY), bob), T0, "validTo = now");
        assertFalse(registry.validDelegate(alice, VERI_KEY, bob), "not valid");
    }

    function test_addDelegate_readdingOverwritesValidTo() public {
        vm.startPrank(alice);
        registry.addDelegate(alice, VERI_KEY, bob, VALIDITY);
        vm.warp(T0 + 100);
        registry.addDelegate(alice, VERI_KEY, bob, 10);
        vm.stopPrank();
        assertEq(registry.delegates(alice, _typeHash(VERI_KEY), bob), T0 + 110, "shortened");
        vm.warp(T0 + 110);
        assertFalse(registry.validDelegate(alice, VERI_KEY, bob), "expired at the new validTo");
    }

    function test_addDelegate_byNewOwner() public {
        _changeOwner(alice, alice, bob);
        vm.prank(bob);
        registry.addDelegate(alice, VERI_KEY, carol, VALIDITY);
        assertTrue(registry.validDelegate(alice, VERI_KEY, carol), "added by the owner");
        assertFalse(registry.validDelegate(bob, VERI_KEY, carol), "not on bob's own identity");
    }

    function test_addDelegate_revertsForNonOwner() public {
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.NotIdentityOwner.selector, alice, mallory));
        registry.addDelegate(alice, VERI_KEY, mallory, VALIDITY);
        assertEq(registry.delegates(alice, _typeHash(VERI_KEY), mallory), 0, "nothing stored");
    }

    function test_addDelegate_revertsForDelegate() public {
        vm.prank(alice);
        registry.addDelegate(alice, VERI_KEY, bob, VALIDITY);
        // A delegate signs on the identity's behalf off-chain; it does not control the registry entry.
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.NotIdentityOwner.selector, alice, bob));
        registry.addDelegate(alice, VERI_KEY, carol, VALIDITY);
    }

    function test_addDelegate_revertsWhenValidityTooLong() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.ValidityTooLong.selector, type(uint256).max));
        registry.addDelegate(alice, VERI_KEY, bob, type(uint256).max);
    }

    function test_addDelegate_acceptsLongestValidity() public {
        uint256 validity = type(uint256).max - T0;
        vm.prank(alice);
        registry.addDelegate(alice, VERI_KEY, bob, validity);
        assertEq(registry.delegates(alice, _typeHash(VERI_KEY), bob), type(uint256).max, "validTo");
        vm.warp(type(uint64).max);
        assertTrue(registry.validDelegate(alice, VERI_KEY, bob), "valid practically forever");
    }

    function test_revokeDelegate_setsValidToNowAndEmits() public {
        vm.roll(B0 + 1);
        vm.prank(alice);
        registry.addDelegate(alice, VERI_KEY, bob, VALIDITY);
        vm.roll(B0 + 6);
        vm.warp(T0 + 500);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDDelegateChanged(alice, VERI_KEY, bob, T0 + 500, B0 + 1);
        vm.prank(alice);
        registry.revokeDelegate(alice, VERI_KEY, bob);

        assertEq(registry.delegates(alice, _typeHash(VERI_KEY), bob), T0 + 500, "validTo = now");
        assertFalse(registry.validDelegate(alice, VERI_KEY, bob), "revoked");
        assertEq(registry.changed(alice), B0 + 6, "changed");
    }

    function test_revokeDelegate_leavesOtherDelegatesValid() public {
        vm.startPrank(alice);
        registry.addDelegate(alice, VERI_KEY, bob, VALIDITY);
        registry.addDelegate(alice, SIG_AUTH, bob, VALIDITY);
        registry.addDelegate(alice, VERI_KEY, carol, VALIDITY);
        registry.revokeDelegate(alice, VERI_KEY, bob);
        vm.stopPrank();
        assertFalse(registry.validDelegate(alice, VERI_KEY, bob), "revoked");
        assertTrue(registry.validDelegate(alice, SIG_AUTH, bob), "other type kept");
        assertTrue(registry.validDelegate(alice, VERI_KEY, carol), "other delegate kept");
    }

    function test_revokeDelegate_revertsForNonOwner() public {
        vm.prank(alice);
        registry.addDelegate(alice, VERI_KEY, bob, VALIDITY);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.NotIdentityOwner.selector, alice, bob));
        registry.revokeDelegate(alice, VERI_KEY, bob);
        assertTrue(registry.validDelegate(alice, VERI_KEY, bob), "still valid");
    }

    // ================================================================== attributes

    function test_setAttribute_emitsValidToAndRecordsChange() public {
        vm.roll(B0 + 3);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDAttributeChanged(alice, PUB_KEY_ATTR, PUB_KEY_VALUE, T0 + VALIDITY, 0);
        vm.prank(alice);
        registry.setAttribute(alice, PUB_KEY_ATTR, PUB_KEY_VALUE, VALIDITY);
        assertEq(registry.changed(alice), B0 + 3, "changed");
    }

    function test_setAttribute_linksToPreviousChange() public {
        vm.roll(B0 + 3);
        _callOp(Op.SetAttribute, alice, alice);
        vm.roll(B0 + 4);
        vm.warp(T0 + 12);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDAttributeChanged(alice, SVC_ATTR, SVC_VALUE, T0 + 12 + 1 days, B0 + 3);
        vm.prank(alice);
        registry.setAttribute(alice, SVC_ATTR, SVC_VALUE, 1 days);
    }

    function test_setAttribute_acceptsEmptyValue() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDAttributeChanged(alice, SVC_ATTR, "", T0 + 1, 0);
        vm.prank(alice);
        registry.setAttribute(alice, SVC_ATTR, "", 1);
    }

    function test_setAttribute_revertsForNonOwner() public {
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.NotIdentityOwner.selector, alice, mallory));
        registry.setAttribute(alice, SVC_ATTR, SVC_VALUE, VALIDITY);
    }

    function test_setAttribute_revertsWhenValidityTooLong() public {
        uint256 validity = type(uint256).max - T0 + 1;
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.ValidityTooLong.selector, validity));
        registry.setAttribute(alice, SVC_ATTR, SVC_VALUE, validity);
        assertEq(registry.changed(alice), 0, "nothing recorded");
    }

    function test_setAttribute_acceptsLongestValidity() public {
        uint256 validity = type(uint256).max - T0;
        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDAttributeChanged(alice, SVC_ATTR, SVC_VALUE, type(uint256).max, 0);
        vm.prank(alice);
        registry.setAttribute(alice, SVC_ATTR, SVC_VALUE, validity);
    }

    function test_revokeAttribute_emitsZeroValidTo() public {
        vm.roll(B0 + 1);
        _callOp(Op.SetAttribute, alice, alice);
        vm.roll(B0 + 2);
        vm.warp(T0 + 99);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDAttributeChanged(alice, PUB_KEY_ATTR, PUB_KEY_VALUE, 0, B0 + 1);
        vm.prank(alice);
        registry.revokeAttribute(alice, PUB_KEY_ATTR, PUB_KEY_VALUE);
        assertEq(registry.changed(alice), B0 + 2, "changed");
    }

    function test_revokeAttribute_revertsForNonOwner() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.NotIdentityOwner.selector, alice, bob));
        registry.revokeAttribute(alice, PUB_KEY_ATTR, PUB_KEY_VALUE);
    }

    // ================================================================== deactivation

    function test_changeOwner_toZeroDeactivates() public {
        vm.roll(B0 + 2);
        _callOp(Op.AddDelegate, alice, alice);
        vm.roll(B0 + 8);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDOwnerChanged(alice, address(0), B0 + 2);
        _changeOwner(alice, alice, address(0));

        assertEq(registry.identityOwner(alice), address(0), "identityOwner");
        assertTrue(registry.isDeactivated(alice), "isDeactivated");
        assertEq(registry.changed(alice), B0 + 8, "changed");
        assertEq(registry.identityOwner(bob), bob, "other identities unaffected");
        assertFalse(registry.isDeactivated(bob), "bob active");
    }

    function test_deactivated_delegatesAreNoLongerValid() public {
        vm.prank(alice);
        registry.addDelegate(alice, VERI_KEY, bob, 1 days);
        assertTrue(registry.validDelegate(alice, VERI_KEY, bob), "valid before deactivation");
        _changeOwner(alice, alice, address(0));
        assertFalse(registry.validDelegate(alice, VERI_KEY, bob), "valid after deactivation");
        // The raw expiry stays readable, as ERC-1056 exposes it.
        assertEq(registry.delegates(alice, keccak256(abi.encode(VERI_KEY)), bob), block.timestamp + 1 days, "validTo");
    }

    function test_deactivated_everyWriteRevertsForIdentityKey() public {
        _changeOwner(alice, alice, address(0));
        for (uint256 i; i < OP_COUNT; ++i) {
            _callOpExpectingRevert(Op(i), alice, alice, _deactivated(alice));
        }
        // Not even re-deactivation or handing the identity back to itself.
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.IdentityDeactivated.selector, alice));
        registry.changeOwner(alice, address(0));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.IdentityDeactivated.selector, alice));
        registry.changeOwner(alice, alice);
        vm.prank(address(0));
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.IdentityDeactivated.selector, alice));
        registry.changeOwner(alice, address(0));
    }

    function test_deactivated_byDelegatedOwnerLocksOwnerAndIdentityKey() public {
        _changeOwner(alice, alice, bob);
        _changeOwner(bob, alice, address(0));
        assertEq(registry.identityOwner(alice), address(0), "identityOwner");
        for (uint256 i; i < OP_COUNT; ++i) {
            _callOpExpectingRevert(Op(i), bob, alice, _deactivated(alice));
            _callOpExpectingRevert(Op(i), alice, alice, _deactivated(alice));
            _callOpExpectingRevert(Op(i), mallory, alice, _deactivated(alice));
        }
    }

    function test_deactivated_everySignedWriteReverts() public {
        _changeOwner(alice, alice, address(0));
        for (uint256 i; i < OP_COUNT; ++i) {
            bytes memory signature = _signOp(ALICE_KEY, Op(i), alice, 0, DEADLINE);
            _submitOpExpectingRevert(registry, Op(i), alice, DEADLINE, signature, _deactivated(alice));
        }
        bytes memory reactivate = _sign(ALICE_KEY, _digest(_changeOwnerHash(alice, alice, 0, DEADLINE)));
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.IdentityDeactivated.selector, alice));
        registry.changeOwnerSigned(alice, alice, DEADLINE, reactivate);
        _assertNonce(alice, 0, "no nonce used");
    }

    function test_deactivated_signedByFormerOwnerReverts() public {
        _changeOwner(alice, alice, bob);
        _changeOwner(bob, alice, address(0));
        for (uint256 i; i < OP_COUNT; ++i) {
            bytes memory signature = _signOp(BOB_KEY, Op(i), alice, 0, DEADLINE);
            _submitOpExpectingRevert(registry, Op(i), alice, DEADLINE, signature, _deactivated(alice));
        }
    }

    function test_deactivated_isPerIdentity() public {
        _changeOwner(alice, alice, address(0));
        _callOp(Op.SetAttribute, bob, bob);
        _changeOwner(bob, bob, carol);
        assertEq(registry.identityOwner(bob), carol, "bob's identity still works");
    }

    function test_changeOwnerSigned_toZeroDeactivates() public {
        vm.roll(B0 + 7);
        bytes memory signature = _sign(ALICE_KEY, _digest(_changeOwnerHash(alice, address(0), 0, DEADLINE)));
        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDOwnerChanged(alice, address(0), 0);
        vm.prank(relayer);
        registry.changeOwnerSigned(alice, address(0), DEADLINE, signature);
        assertTrue(registry.isDeactivated(alice), "isDeactivated");
        assertEq(registry.identityOwner(alice), address(0), "identityOwner");
        assertEq(registry.changed(alice), B0 + 7, "changed");
        _callOpExpectingRevert(Op.ChangeOwner, alice, alice, _deactivated(alice));
    }
}

/// describe(DIDRegistry: signed writes and replay protection)
contract DIDRegistrySignedTest is DIDRegistryFixture {
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
        assertEq(name, "Crossproof DIDRegistry", "name");
        assertEq(version, "1", "version");
        assertEq(chainId_, block.chainid, "chainId");
        assertEq(verifyingContract, address(registry), "verifyingContract");
        assertEq(salt, bytes32(0), "salt");
        assertEq(extensions.length, 0, "extensions");
    }

    // ================================================================== the five signed writes

    function test_changeOwnerSigned_byRelayer() public {
        vm.roll(B0 + 1);
        bytes32 digest = keccak256(
            abi.encodePacked(
                "\x19\x01",
                _domainSeparator(block.chainid, address(registry)),
                keccak256(abi.encode(CHANGE_OWNER_TYPEHASH, alice, bob, uint256(0), DEADLINE))
            )
        );
        bytes memory signature = _sign(ALICE_KEY, digest);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDOwnerChanged(alice, bob, 0);
        vm.prank(relayer);
        registry.changeOwnerSigned(alice, bob, DEADLINE, signature);

        assertEq(registry.identityOwner(alice), bob, "identityOwner");
        assertEq(registry.changed(alice), B0 + 1, "changed");
        _assertNonce(alice, 1, "after one signed write");
        _assertNonce(relayer, 0, "relayer's nonce untouched");
        _assertNonce(bob, 0, "new owner's nonce untouched");
    }

    function test_addDelegateSigned_byRelayer() public {
        vm.roll(B0 + 1);
        bytes memory signature = _sign(
            ALICE_KEY,
            _digest(_addDelegateHash(alice, SIG_AUTH, bob, VALIDITY, 0, DEADLINE))
        );

        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDDelegateChanged(alice, SIG_AUTH, bob, T0 + VALIDITY, 0);
        vm.prank(relayer);
        registry.addDelegateSigned(alice, SIG_AUTH, bob, VALIDITY, DEADLINE, signature);

        assertEq(registry.delegates(alice, _typeHash(SIG_AUTH), bob), T0 + VALIDITY, "delegates");
        assertTrue(registry.validDelegate(alice, SIG_AUTH, bob), "validDelegate");
        assertEq(registry.changed(alice), B0 + 1, "changed");
        _assertNonce(alice, 1, "after one signed write");
    }

    function test_revokeDelegateSigned_byRelayer() public {
        vm.roll(B0 + 1);
        vm.prank(alice);
        registry.addDelegate(alice, SIG_AUTH, bob, VALIDITY);
        vm.roll(B0 + 4);
        vm.warp(T0 + 60);
        bytes memory signature = _sign(ALICE_KEY, _digest(_revokeDelegateHash(alice, SIG_AUTH, bob, 0, DEADLINE)));

        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDDelegateChanged(alice, SIG_AUTH, bob, T0 + 60, B0 + 1);
        vm.prank(relayer);
        registry.revokeDelegateSigned(alice, SIG_AUTH, bob, DEADLINE, signature);

        assertEq(registry.delegates(alice, _typeHash(SIG_AUTH), bob), T0 + 60, "validTo = now");
        assertFalse(registry.validDelegate(alice, SIG_AUTH, bob), "revoked");
        assertEq(registry.changed(alice), B0 + 4, "changed");
        _assertNonce(alice, 1, "after one signed write");
    }

    function test_setAttributeSigned_byRelayer() public {
        vm.roll(B0 + 1);
        bytes memory signature = _sign(
            ALICE_KEY,
            _digest(_setAttributeHash(alice, SVC_ATTR, SVC_VALUE, VALIDITY, 0, DEADLINE))
        );

        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDAttributeChanged(alice, SVC_ATTR, SVC_VALUE, T0 + VALIDITY, 0);
        vm.prank(relayer);
        registry.setAttributeSigned(alice, SVC_ATTR, SVC_VALUE, VALIDITY, DEADLINE, signature);

        assertEq(registry.changed(alice), B0 + 1, "changed");
        _assertNonce(alice, 1, "after one signed write");
    }

    function test_revokeAttributeSigned_byRelayer() public {
        vm.roll(B0 + 1);
        _callOp(Op.SetAttribute, alice, alice);
        vm.roll(B0 + 2);
        bytes memory signature = _sign(
            ALICE_KEY,
            _digest(_revokeAttributeHash(alice, PUB_KEY_ATTR, PUB_KEY_VALUE, 0, DEADLINE))
        );

        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDAttributeChanged(alice, PUB_KEY_ATTR, PUB_KEY_VALUE, 0, B0 + 1);
        vm.prank(relayer);
        registry.revokeAttributeSigned(alice, PUB_KEY_ATTR, PUB_KEY_VALUE, DEADLINE, signature);

        assertEq(registry.changed(alice), B0 + 2, "changed");
        _assertNonce(alice, 1, "after one signed write");
    }

    function test_signed_bytesValueIsHashedInTheStruct() public {
        // EIP-712 encodes a `bytes` member as keccak256 of its contents: a signature over the raw
        // (padded) bytes is not accepted.
        bytes32 rawStruct = keccak256(
            abi.encode(SET_ATTRIBUTE_TYPEHASH, alice, SVC_ATTR, SVC_VALUE, VALIDITY, uint256(0), DEADLINE)
        );
        bytes memory signature = _sign(ALICE_KEY, _digest(rawStruct));
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.InvalidSignature.selector, alice, alice));
        registry.setAttributeSigned(alice, SVC_ATTR, SVC_VALUE, VALIDITY, DEADLINE, signature);
    }

    function test_signed_anyCallerMaySubmit() public {
        bytes memory signature = _signOp(ALICE_KEY, Op.AddDelegate, alice, 0, DEADLINE);
        vm.prank(mallory);
        registry.addDelegateSigned(alice, VERI_KEY, carol, VALIDITY, DEADLINE, signature);
        assertTrue(registry.validDelegate(alice, VERI_KEY, carol), "added");
    }

    function test_signed_allFiveInSequenceUseConsecutiveNonces() public {
        for (uint256 i; i < OP_COUNT; ++i) {
            vm.roll(B0 + 1 + i);
            _assertNonce(alice, i, "before");
            bytes memory signature = _signOp(ALICE_KEY, Op(i), alice, i, DEADLINE);
            _expectOpEvent(Op(i), alice, i == 0 ? 0 : B0 + i);
            _submitOp(registry, Op(i), alice, DEADLINE, signature);
            _assertNonce(alice, i + 1, "after");
        }
        assertEq(registry.identityOwner(alice), bob, "the last write changed the owner");
    }

    function test_signed_noncesArePerIdentity() public {
        // bob owns both his identity and alice's: each keeps its own nonce.
        _changeOwner(alice, alice, bob);
        bytes memory forAlice = _signOp(BOB_KEY, Op.SetAttribute, alice, 0, DEADLINE);
        _submitOp(registry, Op.SetAttribute, alice, DEADLINE, forAlice);
        _assertNonce(alice, 1, "alice");
        _assertNonce(bob, 0, "bob");

        bytes memory forBob = _signOp(BOB_KEY, Op.SetAttribute, bob, 0, DEADLINE);
        _submitOp(registry, Op.SetAttribute, bob, DEADLINE, forBob);
        _assertNonce(bob, 1, "bob");
        _assertNonce(alice, 1, "alice");
    }

    function test_signed_nonceSurvivesOwnerChange() public {
        bytes memory toBob = _signOp(ALICE_KEY, Op.ChangeOwner, alice, 0, DEADLINE);
        _submitOp(registry, Op.ChangeOwner, alice, DEADLINE, toBob);
        // The nonce belongs to the identity, so the new owner continues at 1.
        bytes memory byBob = _signOp(BOB_KEY, Op.AddDelegate, alice, 1, DEADLINE);
        _submitOp(registry, Op.AddDelegate, alice, DEADLINE, byBob);
        _assertNonce(alice, 2, "alice");
        assertTrue(registry.validDelegate(alice, VERI_KEY, carol), "added by the new owner");
    }

    function test_signed_deadlineIsInclusive() public {
        bytes memory signature = _signOp(ALICE_KEY, Op.SetAttribute, alice, 0, T0 + 10);
        vm.warp(T0 + 10);
        _submitOp(registry, Op.SetAttribute, alice, T0 + 10, signature);
        _assertNonce(alice, 1, "accepted at the deadline");
    }

    function test_signed_validityTooLongReverts() public {
        bytes memory signature = _sign(
            ALICE_KEY,
            _digest(_addDelegateHash(alice, VERI_KEY, bob, type(uint256).max, 0, DEADLINE))
        );
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.ValidityTooLong.selector, type(uint256).max));
        registry.addDelegateSigned(alice, VERI_KEY, bob, type(uint256).max, DEADLINE, signature);
        _assertNonce(alice, 0, "nonce not used");
    }

    // ================================================================== replay and forgery

    function test_replay_otherChainIdRejected() public {
        uint256 otherChain = block.chainid + 1;
        for (uint256 i; i < OP_COUNT; ++i) {
            bytes32 digest = _digestFor(_opHash(Op(i), alice, 0, DEADLINE), otherChain, address(registry));
            bytes memory signature = _sign(ALICE_KEY, digest);
            _submitOpExpectingRevert(registry, Op(i), alice, DEADLINE, signature, _invalidSignature(alice, alice));
        }
        _assertNonce(alice, 0, "no nonce used");
    }

    function test_replay_afterChainForkRejected() public {
        uint256 originalChain = block.chainid;
        bytes memory signature = _signOp(ALICE_KEY, Op.AddDelegate, alice, 0, DEADLINE);
        // Same registry, same state, different chain id: the domain separator is rebuilt.
        vm.chainId(originalChain + 7);
        _submitOpExpectingRevert(registry, Op.AddDelegate, alice, DEADLINE, signature, _invalidSignature(alice, alice));
        vm.chainId(originalChain);
        _submitOp(registry, Op.AddDelegate, alice, DEADLINE, signature);
        assertTrue(registry.validDelegate(alice, VERI_KEY, carol), "accepted on its own chain");
    }

    function test_replay_signatureMadeForTheForkIsAcceptedOnlyThere() public {
        uint256 fork = block.chainid + 7;
        bytes32 digest = _digestFor(_opHash(Op.SetAttribute, alice, 0, DEADLINE), fork, address(registry));
        bytes memory signature = _sign(ALICE_KEY, digest);
        vm.chainId(fork);
        _submitOp(registry, Op.SetAttribute, alice, DEADLINE, signature);
        _assertNonce(alice, 1, "accepted with the fork's chain id");
    }

    function test_replay_otherRegistryRejected() public {
        DIDRegistry other = new DIDRegistry();
        for (uint256 i; i < OP_COUNT; ++i) {
            bytes memory signature = _signOp(ALICE_KEY, Op(i), alice, 0, DEADLINE); // for `registry`
            _submitOpExpectingRevert(other, Op(i), alice, DEADLINE, signature, _invalidSignature(alice, alice));
        }
        // Accepted where it was meant, and still not on the other registry (same nonce 0 there).
        bytes memory addDelegate = _signOp(ALICE_KEY, Op.AddDelegate, alice, 0, DEADLINE);
        _submitOp(registry, Op.AddDelegate, alice, DEADLINE, addDelegate);
        _submitOpExpectingRevert(other, Op.AddDelegate, alice, DEADLINE, addDelegate, _invalidSignature(alice, alice));
        assertEq(other.nonce(alice), 0, "other registry's nonce");
        assertFalse(other.validDelegate(alice, VERI_KEY, carol), "nothing on the other registry");
    }

    function test_replay_reusedNonceRejected() public {
        for (uint256 i; i < OP_COUNT; ++i) {
            bytes memory signature = _signOp(ALICE_KEY, Op(i), alice, i, DEADLINE);
            _submitOp(registry, Op(i), alice, DEADLINE, signature);
            // After ChangeOwner the owner the registry checks against is bob.
            address owner = Op(i) == Op.ChangeOwner ? bob : alice;
            _submitOpExpectingRevert(registry, Op(i), alice, DEADLINE, signature, _invalidSignature(alice, owner));
            _assertNonce(alice, i + 1, "replay used no nonce");
        }
    }

    function test_replay_futureNonceRejected() public {
        bytes memory signature = _signOp(ALICE_KEY, Op.SetAttribute, alice, 1, DEADLINE);
        _submitOpExpectingRevert(
            registry,
            Op.SetAttribute,
            alice,
            DEADLINE,
            signature,
            _invalidSignature(alice, alice)
        );
    }

    function test_replay_unsignedWriteDoesNotInvalidatePendingSignature() public {
        // Documents the nonce scope: only signed writes consume nonces.
        bytes memory signature = _signOp(ALICE_KEY, Op.SetAttribute, alice, 0, DEADLINE);
        _callOp(Op.AddDelegate, alice, alice);
        _submitOp(registry, Op.SetAttribute, alice, DEADLINE, signature);
        _assertNonce(alice, 1, "nonce");
    }

    /// @dev Documents why docs/threat-model.md says changing the owner is not a sure cancel: an
    /// unsigned changeOwner uses no nonce, so a pending request works again once control comes back
    /// to the key that signed it.
    function test_replay_ownerRoundTripRevivesAPendingRequest() public {
        bytes memory signature = _signOp(ALICE_KEY, Op.AddDelegate, alice, 0, DEADLINE);
        _changeOwner(alice, alice, bob);
        _submitOpExpectingRevert(registry, Op.AddDelegate, alice, DEADLINE, signature, _invalidSignature(alice, bob));
        _changeOwner(bob, alice, alice);
        _submitOp(registry, Op.AddDelegate, alice, DEADLINE, signature);
        assertTrue(registry.validDelegate(alice, VERI_KEY, carol), "the pending request went through");
    }

    /// @dev The same when control passes to a wallet that accepts the signing key's signatures.
    function test_replay_ownerChangeToTheSignersWalletKeepsAPendingRequest() public {
        bytes memory signature = _signOp(ALICE_KEY, Op.AddDelegate, alice, 0, DEADLINE);
        ERC1271WalletMock wallet = new ERC1271WalletMock(alice);
        _changeOwner(alice, alice, address(wallet));
        _submitOp(registry, Op.AddDelegate, alice, DEADLINE, signature);
        assertTrue(registry.validDelegate(alice, VERI_KEY, carol), "the pending request went through");
    }

    /// @dev The sure cancel the docs give: another signed request of the owner's, submitted first,
    /// uses the pending one's nonce.
    function test_replay_anotherSignedRequestCancelsAPendingOne() public {
        bytes memory pending = _signOp(ALICE_KEY, Op.AddDelegate, alice, 0, DEADLINE);
        bytes memory instead = _signOp(ALICE_KEY, Op.SetAttribute, alice, 0, DEADLINE);
        _submitOp(registry, Op.SetAttribute, alice, DEADLINE, instead);
        _submitOpExpectingRevert(registry, Op.AddDelegate, alice, DEADLINE, pending, _invalidSignature(alice, alice));
        assertFalse(registry.validDelegate(alice, VERI_KEY, carol), "the pending request was cancelled");
    }

    function test_replay_expiredDeadlineRejected() public {
        uint256 deadline = T0 - 1;
        for (uint256 i; i < OP_COUNT; ++i) {
            bytes memory signature = _signOp(ALICE_KEY, Op(i), alice, 0, deadline);
            _submitOpExpectingRevert(
                registry,
                Op(i),
                alice,
                deadline,
                signature,
                abi.encodeWithSelector(IDIDRegistry.SignatureExpired.selector, deadline)
            );
        }
    }

    function test_replay_deadlinePassedAfterSigningRejected() public {
        bytes memory signature = _signOp(ALICE_KEY, Op.ChangeOwner, alice, 0, DEADLINE);
        vm.warp(DEADLINE + 1);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.SignatureExpired.selector, DEADLINE));
        registry.changeOwnerSigned(alice, bob, DEADLINE, signature);
    }

    function test_replay_extendedDeadlineRejected() public {
        bytes memory signature = _signOp(ALICE_KEY, Op.ChangeOwner, alice, 0, DEADLINE);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.InvalidSignature.selector, alice, alice));
        registry.changeOwnerSigned(alice, bob, DEADLINE + 1, signature);
    }

    function test_replay_nonOwnerKeyRejected() public {
        for (uint256 i; i < OP_COUNT; ++i) {
            bytes memory signature = _signOp(MALLORY_KEY, Op(i), alice, 0, DEADLINE);
            _submitOpExpectingRevert(registry, Op(i), alice, DEADLINE, signature, _invalidSignature(alice, alice));
        }
        // A valid delegate is no owner either.
        _callOp(Op.AddDelegate, alice, alice);
        bytes memory byDelegate = _signOp(CAROL_KEY, Op.ChangeOwner, alice, 0, DEADLINE);
        _submitOpExpectingRevert(
            registry,
            Op.ChangeOwner,
            alice,
            DEADLINE,
            byDelegate,
            _invalidSignature(alice, alice)
        );
    }

    function test_replay_oldOwnerSignatureFailsAfterChange() public {
        // alice signs everything in advance (nonce 0), then hands the identity to carol directly:
        // the nonce is still 0, so only the owner check stands between the relayer and the write.
        bytes[] memory presigned = new bytes[](OP_COUNT);
        for (uint256 i; i < OP_COUNT; ++i) {
            presigned[i] = _signOp(ALICE_KEY, Op(i), alice, 0, DEADLINE);
        }
        _changeOwner(alice, alice, carol);
        _assertNonce(alice, 0, "unsigned change used no nonce");
        for (uint256 i; i < OP_COUNT; ++i) {
            _submitOpExpectingRevert(registry, Op(i), alice, DEADLINE, presigned[i], _invalidSignature(alice, carol));
        }
        bytes memory byCarol = _signOp(CAROL_KEY, Op.SetAttribute, alice, 0, DEADLINE);
        _submitOp(registry, Op.SetAttribute, alice, DEADLINE, byCarol);
        _assertNonce(alice, 1, "new owner signs");
    }

    function test_replay_otherIdentityRejected() public {
        // alice's key owns both identities; a request signed for one does not apply to the other.
        _changeOwner(bob, bob, alice);
        bytes memory forAlice = _signOp(ALICE_KEY, Op.AddDelegate, alice, 0, DEADLINE);
        _submitOpExpectingRevert(registry, Op.AddDelegate, bob, DEADLINE, forAlice, _invalidSignature(bob, alice));
        _submitOp(registry, Op.AddDelegate, alice, DEADLINE, forAlice);
        assertTrue(registry.validDelegate(alice, VERI_KEY, carol), "applied to alice");
    }

    function test_replay_otherWriteTypeRejected() public {
        // Same fields, other type: a RevokeDelegate signature is not an AddDelegate one.
        bytes memory revoke = _signOp(ALICE_KEY, Op.RevokeDelegate, alice, 0, DEADLINE);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.InvalidSignature.selector, alice, alice));
        registry.addDelegateSigned(alice, VERI_KEY, carol, VALIDITY, DEADLINE, revoke);
        bytes memory revokeAttribute = _signOp(ALICE_KEY, Op.RevokeAttribute, alice, 0, DEADLINE);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.InvalidSignature.selector, alice, alice));
        registry.setAttributeSigned(alice, PUB_KEY_ATTR, PUB_KEY_VALUE, VALIDITY, DEADLINE, revokeAttribute);
    }

    function test_replay_tamperedFieldsRejected() public {
        bytes memory signature = _signOp(ALICE_KEY, Op.SetAttribute, alice, 0, DEADLINE);
        bytes memory invalid = _invalidSignature(alice, alice);
        vm.startPrank(relayer);
        vm.expectRevert(invalid);
        registry.setAttributeSigned(alice, PUB_KEY_ATTR, SVC_VALUE, VALIDITY, DEADLINE, signature);
        vm.expectRevert(invalid);
        registry.setAttributeSigned(alice, SVC_ATTR, PUB_KEY_VALUE, VALIDITY, DEADLINE, signature);
        vm.expectRevert(invalid);
        registry.setAttributeSigned(alice, PUB_KEY_ATTR, PUB_KEY_VALUE, VALIDITY + 1, DEADLINE, signature);

        bytes memory toBob = _signOp(ALICE_KEY, Op.ChangeOwner, alice, 0, DEADLINE);
        vm.expectRevert(invalid);
        registry.changeOwnerSigned(alice, mallory, DEADLINE, toBob);

        bytes memory addCarol = _signOp(ALICE_KEY, Op.AddDelegate, alice, 0, DEADLINE);
        vm.expectRevert(invalid);
        registry.addDelegateSigned(alice, VERI_KEY, mallory, VALIDITY, DEADLINE, addCarol);
        vm.expectRevert(invalid);
        registry.addDelegateSigned(alice, SIG_AUTH, carol, VALIDITY, DEADLINE, addCarol);
        vm.stopPrank();
    }

    function test_replay_malformedSignaturesRejected() public {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ALICE_KEY, _digest(_opHash(Op.AddDelegate, alice, 0, DEADLINE)));
        bytes memory good = abi.encodePacked(r, s, v);
        // The same signature with s' = n - s and the other v (27 <-> 28): ecrecover accepts it, OZ's
        // ECDSA rejects the high-s form.
        bytes memory malleable = abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), uint8(55 - v));
        bytes[4] memory bad = [bytes(""), abi.encodePacked(r, s), malleable, abi.encodePacked(good, uint8(0))];
        for (uint256 i; i < bad.length; ++i) {
            _submitOpExpectingRevert(
                registry,
                Op.AddDelegate,
                alice,
                DEADLINE,
                bad[i],
                _invalidSignature(alice, alice)
            );
        }
        _submitOp(registry, Op.AddDelegate, alice, DEADLINE, good);
    }
}

/// describe(DIDRegistry: identities owned by ERC-1271 contract wallets)
contract DIDRegistryERC1271Test is DIDRegistryFixture {
    ERC1271WalletMock internal wallet; // owned by carol's key; owns alice's identity
    ERC1271WalletMock internal otherWallet; // owned by dave's key

    function setUp() public override {
        super.setUp();
        wallet = new ERC1271WalletMock(carol);
        otherWallet = new ERC1271WalletMock(dave);
        _changeOwner(alice, alice, address(wallet));
    }

    function test_wallet_ownsTheIdentity() public view {
        assertEq(registry.identityOwner(alice), address(wallet), "identityOwner");
        assertEq(wallet.owner(), carol, "wallet owner");
    }

    function test_signed_acceptsWalletOwnerSignature() public {
        for (uint256 i; i < OP_COUNT; ++i) {
            vm.roll(B0 + 1 + i);
            bytes memory signature = _signOp(CAROL_KEY, Op(i), alice, i, DEADLINE);
            _expectOpEvent(Op(i), alice, B0 + i);
            _submitOp(registry, Op(i), alice, DEADLINE, signature);
            _assertNonce(alice, i + 1, "nonce");
        }
        assertEq(registry.identityOwner(alice), bob, "wallet handed over to bob");
    }

    function test_signed_rejectsSignatureValidForAnotherWallet() public {
        for (uint256 i; i < OP_COUNT; ++i) {
            bytes32 digest = _digest(_opHash(Op(i), alice, 0, DEADLINE));
            bytes memory signature = _sign(DAVE_KEY, digest);
            assertEq(
                otherWallet.isValidSignature(digest, signature),
                IERC1271.isValidSignature.selector,
                "valid for the other wallet"
            );
            _submitOpExpectingRevert(
                registry,
                Op(i),
                alice,
                DEADLINE,
                signature,
                _invalidSignature(alice, address(wallet))
            );
        }
    }

    function test_signed_rejectsRandomKey() public {
        for (uint256 i; i < OP_COUNT; ++i) {
            bytes memory signature = _signOp(MALLORY_KEY, Op(i), alice, 0, DEADLINE);
            _submitOpExpectingRevert(
                registry,
                Op(i),
                alice,
                DEADLINE,
                signature,
                _invalidSignature(alice, address(wallet))
            );
        }
    }

    function test_signed_rejectsIdentityKeyOnceWalletOwns() public {
        bytes memory signature = _signOp(ALICE_KEY, Op.ChangeOwner, alice, 0, DEADLINE);
        _submitOpExpectingRevert(
            registry,
            Op.ChangeOwner,
            alice,
            DEADLINE,
            signature,
            _invalidSignature(alice, address(wallet))
        );
    }

    function test_signed_rejectsWalletOwnerSignatureForOtherChain() public {
        bytes32 digest = _digestFor(_opHash(Op.AddDelegate, alice, 0, DEADLINE), block.chainid + 1, address(registry));
        bytes memory signature = _sign(CAROL_KEY, digest);
        _submitOpExpectingRevert(
            registry,
            Op.AddDelegate,
            alice,
            DEADLINE,
            signature,
            _invalidSignature(alice, address(wallet))
        );
    }

    function test_signed_rejectsWalletOwnerSignatureForOtherRegistry() public {
        // The same wallet owns alice's identity on a second registry too.
        DIDRegistry other = new DIDRegistry();
        vm.prank(alice);
        other.changeOwner(alice, address(wallet));
        bytes memory signature = _signOp(CAROL_KEY, Op.AddDelegate, alice, 0, DEADLINE); // for `registry`
        _submitOpExpectingRevert(
            other,
            Op.AddDelegate,
            alice,
            DEADLINE,
            signature,
            _invalidSignature(alice, address(wallet))
        );
        _submitOp(registry, Op.AddDelegate, alice, DEADLINE, signature);
        assertTrue(registry.validDelegate(alice, VERI_KEY, carol), "accepted where it was meant");
    }

    function test_signed_walletAsIdentityItself() public {
        // A contract wallet's own address as the identity: it owns itself and signs via ERC-1271.
        address identity = address(otherWallet);
        assertEq(registry.identityOwner(identity), identity, "owns itself");
        bytes memory signature = _signOp(DAVE_KEY, Op.SetAttribute, identity, 0, DEADLINE);
        _submitOp(registry, Op.SetAttribute, identity, DEADLINE, signature);
        _assertNonce(identity, 1, "accepted");
        bytes memory byCarol = _signOp(CAROL_KEY, Op.SetAttribute, identity, 1, DEADLINE);
        _submitOpExpectingRevert(
            registry,
            Op.SetAttribute,
            identity,
            DEADLINE,
            byCarol,
            _invalidSignature(identity, identity)
        );
    }

    function test_wallet_writesDirectlyThroughExecute() public {
        vm.roll(B0 + 3);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDDelegateChanged(alice, SIG_AUTH, dave, T0 + VALIDITY, B0);
        vm.prank(carol);
        wallet.execute(address(registry), abi.encodeCall(IDIDRegistry.addDelegate, (alice, SIG_AUTH, dave, VALIDITY)));
        assertTrue(registry.validDelegate(alice, SIG_AUTH, dave), "added by the wallet");
        assertEq(registry.changed(alice), B0 + 3, "changed");
    }

    function test_wallet_ownerKeyCannotWriteDirectly() public {
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.NotIdentityOwner.selector, alice, carol));
        registry.addDelegate(alice, SIG_AUTH, dave, VALIDITY);
    }

    function test_wallet_deactivatesThroughExecute() public {
        vm.prank(carol);
        wallet.execute(address(registry), abi.encodeCall(IDIDRegistry.changeOwner, (alice, address(0))));
        assertTrue(registry.isDeactivated(alice), "deactivated");
        bytes memory signature = _signOp(CAROL_KEY, Op.SetAttribute, alice, 0, DEADLINE);
        _submitOpExpectingRevert(registry, Op.SetAttribute, alice, DEADLINE, signature, _deactivated(alice));
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IDIDRegistry.IdentityDeactivated.selector, alice));
        wallet.execute(address(registry), abi.encodeCall(IDIDRegistry.changeOwner, (alice, alice)));
    }

    // ------------------------------------------------------------------ the mock itself

    function test_walletMock_rejectsOtherSigners() public view {
        bytes32 digest = keccak256("message");
        assertEq(wallet.isValidSignature(digest, _sign(CAROL_KEY, digest)), bytes4(0x1626ba7e), "owner: magic");
        assertEq(wallet.isValidSignature(digest, _sign(DAVE_KEY, digest)), bytes4(0xffffffff), "other key");
        assertEq(wallet.isValidSignature(digest, hex"1234"), bytes4(0xffffffff), "garbage");
    }

    function test_walletMock_executeOnlyByOwner() public {
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(ERC1271WalletMock.NotWalletOwner.selector, mallory));
        wallet.execute(address(registry), abi.encodeCall(IDIDRegistry.changeOwner, (alice, mallory)));
        assertEq(registry.identityOwner(alice), address(wallet), "owner unchanged");
    }
}

/// describe(DIDRegistry: fuzz)
contract DIDRegistryFuzzTest is DIDRegistryFixture {
    function testFuzz_identityOwner_defaultsToIdentity(address identity) public view {
        assertEq(registry.identityOwner(identity), identity, "identityOwner");
        assertFalse(registry.isDeactivated(identity), "not deactivated");
    }

    function testFuzz_writes_nonOwnerReverts(address actor, uint8 opSeed) public {
        vm.assume(actor != alice);
        Op op = Op(opSeed % OP_COUNT);
        _callOpExpectingRevert(op, actor, alice, _notOwner(alice, actor));
        assertEq(registry.changed(alice), 0, "nothing recorded");
    }

    function testFuzz_writes_nonOwnerRevertsAfterOwnerChange(address newOwner, address actor, uint8 opSeed) public {
        vm.assume(newOwner != address(0) && newOwner != address(vm) && actor != newOwner);
        _changeOwner(alice, alice, newOwner);
        Op op = Op(opSeed % OP_COUNT);
        _callOpExpectingRevert(op, actor, alice, _notOwner(alice, actor));
        _callOp(op, newOwner, alice); // and the owner succeeds
    }

    function testFuzz_changeOwner_newOwnerControls(address newOwner, uint64 blockSeed) public {
        vm.assume(newOwner != address(0) && newOwner != alice);
        uint256 blockNumber = bound(blockSeed, B0, type(uint64).max);
        vm.roll(blockNumber);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDOwnerChanged(alice, newOwner, 0);
        _changeOwner(alice, alice, newOwner);
        assertEq(registry.identityOwner(alice), newOwner, "identityOwner");
        assertEq(registry.changed(alice), blockNumber, "changed");
        _callOpExpectingRevert(Op.ChangeOwner, alice, alice, _notOwner(alice, alice));
    }

    function testFuzz_validity_validToIsNowPlusValidity(uint256 nowSeed, uint256 validitySeed) public {
        uint256 now_ = bound(nowSeed, 1, type(uint64).max);
        uint256 validity = bound(validitySeed, 0, type(uint256).max - now_);
        vm.warp(now_);

        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDDelegateChanged(alice, VERI_KEY, bob, now_ + validity, 0);
        vm.prank(alice);
        registry.addDelegate(alice, VERI_KEY, bob, validity);
        assertEq(registry.delegates(alice, _typeHash(VERI_KEY), bob), now_ + validity, "delegates");
        assertEq(registry.validDelegate(alice, VERI_KEY, bob), validity > 0, "validDelegate");

        vm.expectEmit(true, true, true, true, address(registry));
        emit IDIDRegistry.DIDAttributeChanged(alice, SVC_ATTR, SVC_VALUE, now_ + validity, B0);
        vm.prank(alice);
        registry.setAttribute(alice, SVC_ATTR, SVC_VALUE, validity);

        if (validity > 0 && now_ + validity <= type(uint64).max) {
            vm.warp(now_ + validity - 1);
            assertTrue(registry.validDelegate(alice, VERI_KEY, bob), "valid until validTo");
            vm.warp(now_ + validity);
            assertFalse(registry.validDelegate(alice, VERI_KEY, bob), "expired at validTo");
        }
    }

    function testFuzz_validity_overflowReverts(uint256 nowSeed, uint256 validitySeed) public {
        uint256 now_ = bound(nowSeed, 1, type(uint64).max);
        uint256 validity = bound(validitySeed, type(uint256).max - now_ + 1, type(uint256).max);
        vm.warp(now_);
        bytes memory tooLong = abi.encodeWithSelector(IDIDRegistry.ValidityTooLong.selector, validity);

        vm.prank(alice);
        vm.expectRevert(tooLong);
        registry.addDelegate(alice, VERI_KEY, bob, validity);
        vm.prank(alice);
        vm.expectRevert(tooLong);
        registry.setAttribute(alice, SVC_ATTR, SVC_VALUE, validity);

        bytes memory signature = _sign(
            ALICE_KEY,
            _digest(_setAttributeHash(alice, SVC_ATTR, SVC_VALUE, validity, 0, type(uint256).max))
        );
        vm.prank(relayer);
        vm.expectRevert(tooLong);
        registry.setAttributeSigned(alice, SVC_ATTR, SVC_VALUE, validity, type(uint256).max, signature);
        assertEq(registry.changed(alice), 0, "nothing recorded");
    }

    function testFuzz_nonces_strictlyIncrease(uint8 countSeed, uint256 opsSeed) public {
        uint256 count = bound(countSeed, 1, 12);
        uint256 previous = registry.nonce(alice);
        for (uint256 i; i < count; ++i) {
            Op op = Op((opsSeed >> (i * 8)) % (OP_COUNT - 1)); // every write but ChangeOwner
            bytes memory signature = _signOp(ALICE_KEY, op, alice, previous, DEADLINE);
            _submitOp(registry, op, alice, DEADLINE, signature);
            uint256 current = registry.nonce(alice);
            assertGt(current, previous, "nonce increased");
            assertEq(current, previous + 1, "by one");
            assertEq(registry.nonces(alice), current, "nonces");
            _submitOpExpectingRevert(registry, op, alice, DEADLINE, signature, _invalidSignature(alice, alice));
            previous = current;
        }
        assertEq(previous, count, "one nonce per signed write");
        _assertNonce(bob, 0, "other identity");
    }

    function testFuzz_signed_nonOwnerKeyRejected(uint256 keySeed, uint8 opSeed) public {
        uint256 key = bound(keySeed, 1, SECP256K1_N - 1);
        vm.assume(key != ALICE_KEY);
        Op op = Op(opSeed % OP_COUNT);
        bytes memory signature = _signOp(key, op, alice, 0, DEADLINE);
        _submitOpExpectingRevert(registry, op, alice, DEADLINE, signature, _invalidSignature(alice, alice));
    }

    function testFuzz_signed_otherChainIdRejected(uint256 chainId_, uint8 opSeed) public {
        vm.assume(chainId_ != block.chainid);
        Op op = Op(opSeed % OP_COUNT);
        bytes32 digest = _digestFor(_opHash(op, alice, 0, DEADLINE), chainId_, address(registry));
        bytes memory signature = _sign(ALICE_KEY, digest);
        _submitOpExpectingRevert(registry, op, alice, DEADLINE, signature, _invalidSignature(alice, alice));
    }

    function testFuzz_signed_expiredDeadlineRejected(uint256 deadline, uint256 elapsed, uint8 opSeed) public {
        deadline = bound(deadline, 0, type(uint64).max - 1);
        uint256 now_ = deadline + bound(elapsed, 1, type(uint64).max - deadline);
        vm.warp(now_);
        Op op = Op(opSeed % OP_COUNT);
        bytes memory signature = _signOp(ALICE_KEY, op, alice, 0, deadline);
        _submitOpExpectingRevert(
            registry,
            op,
            alice,
            deadline,
            signature,
            abi.encodeWithSelector(IDIDRegistry.SignatureExpired.selector, deadline)
        );
    }
}
