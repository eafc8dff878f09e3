// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {CommitteeProposals} from "../../contracts/governance/CommitteeProposals.sol";
import {ICommitteeProposals} from "../../contracts/interfaces/ICommitteeProposals.sol";
import {SafeMock} from "../../contracts/mocks/SafeMock.sol";
import {Assertions} from "../utils/Assertions.sol";
import {CheatCodes} from "../utils/Vm.sol";

/// @notice Deploys CommitteeProposals and a committee SafeMock owned by three members (threshold 2).
/// @dev Pranks and expectRevert are consumed by the next external call (views included), so every
/// expected value is computed before either cheatcode.
abstract contract CommitteeProposalsFixture is CheatCodes, Assertions {
    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant MAX_DESCRIPTION = 1024;

    /// The constants of safe-smart-account 1.5.0 (contracts/Safe.sol), copied as literals so the
    /// expected ids are computed independently of SafeMock's type strings.
    bytes32 internal constant SAFE_DOMAIN_SEPARATOR_TYPEHASH =
        0x47e79534a245952e8b16893a336b85a3d9ea9fa8c573f3d803afb92a79469218;
    bytes32 internal constant SAFE_TX_TYPEHASH = 0xbb8310d486368db6bd6f849402fdd73ad53d316b5a4b2644ad6efe0f941286d8;

    CommitteeProposals internal proposals;
    SafeMock internal committee;

    address internal alice = _makeAddr("alice");
    address internal bob = _makeAddr("bob");
    address internal carol = _makeAddr("carol");
    address internal stranger = _makeAddr("stranger");
    address internal attacker = _makeAddr("attacker");
    address internal target = _makeAddr("target");

    function _deploy() internal {
        vm.warp(T0);
        proposals = new CommitteeProposals();
        committee = new SafeMock(_list(alice, bob, carol), 2);
    }

    function _makeAddr(string memory name) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked("crossproof.test.", name)))));
    }

    function _list(address a) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = a;
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

    function _ids(bytes32 a, bytes32 b, bytes32 c) internal pure returns (bytes32[] memory list) {
        list = new bytes32[](3);
        list[0] = a;
        list[1] = b;
        list[2] = c;
    }

    function _repeat(bytes1 char, uint256 length) internal pure returns (string memory) {
        bytes memory buffer = new bytes(length);
        for (uint256 i; i < length; ++i) buffer[i] = char;
        return string(buffer);
    }

    /// @dev A call the committee could make: some administrative function of `target`.
    function _callData(uint256 seed) internal pure returns (bytes memory) {
        return abi.encodeWithSignature("setParameter(uint256)", seed);
    }

    // ---------------------------------------------------------------- hashes

    /// @dev The Safe 1.5.0 transaction hash of a refund-free call, computed here from the Safe's own
    /// constants rather than asked of the mock.
    function _safeTxHash(
        address safe,
        address to,
        uint256 value,
        bytes memory data,
        uint256 nonce
    ) internal view returns (bytes32) {
        bytes32 domainSeparator = keccak256(abi.encode(SAFE_DOMAIN_SEPARATOR_TYPEHASH, block.chainid, safe));
        bytes32 structHash = keccak256(
            abi.encode(
                SAFE_TX_TYPEHASH,
                to,
                value,
                keccak256(data),
                uint8(0),
                uint256(0),
                uint256(0),
                uint256(0),
                address(0),
                address(0),
                nonce
            )
        );
        return keccak256(abi.encodePacked(bytes1(0x19), bytes1(0x01), domainSeparator, structHash));
    }

    /// @dev What `committee` itself answers for the same refund-free call.
    function _committeeHash(
        SafeMock safe,
        address to,
        uint256 value,
        bytes memory data,
        uint256 nonce
    ) internal view returns (bytes32) {
        return safe.getTransactionHash(to, value, data, 0, 0, 0, 0, address(0), address(0), nonce);
    }

    // ---------------------------------------------------------------- actions

    function _submit(
        address member,
        address to,
        uint256 value,
        bytes memory data,
        uint256 nonce,
        string memory description
    ) internal returns (bytes32) {
        return _submitTo(committee, member, to, value, data, nonce, description);
    }

    function _submitTo(
        SafeMock safe,
        address member,
        address to,
        uint256 value,
        bytes memory data,
        uint256 nonce,
        string memory description
    ) internal returns (bytes32) {
        vm.prank(member);
        return proposals.submit(address(safe), to, value, data, nonce, description);
    }

    /// @dev Submits `_callData(seed)` to `target` at nonce 0 as alice.
    function _submitSeed(uint256 seed) internal returns (bytes32) {
        return _submit(alice, target, 0, _callData(seed), 0, "Set the parameter");
    }

    function _expectRevertSubmit(
        address member,
        address to,
        uint256 value,
        bytes memory data,
        uint256 nonce,
        string memory description,
        bytes memory revertData
    ) internal {
        vm.prank(member);
        vm.expectRevert(revertData);
        proposals.submit(address(committee), to, value, data, nonce, description);
    }

    // ---------------------------------------------------------------- errors

    function _notMember(address safe, address account) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ICommitteeProposals.NotCommitteeMember.selector, safe, account);
    }

    function _staleNonce(uint256 nonce, uint256 current) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ICommitteeProposals.StaleNonce.selector, nonce, current);
    }

    function _alreadySubmitted(bytes32 proposalId) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ICommitteeProposals.ProposalAlreadySubmitted.selector, proposalId);
    }

    function _notFound(bytes32 proposalId) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ICommitteeProposals.ProposalNotFound.selector, proposalId);
    }

    function _invalidDescription() internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ICommitteeProposals.InvalidDescription.selector);
    }

    // ---------------------------------------------------------------- assertions

    function _assertProposal(
        address safe,
        bytes32 proposalId,
        address proposer,
        uint256 proposedAt,
        address to,
        uint256 value,
        uint256 nonce,
        bytes memory data,
        string memory description,
        string memory message
    ) internal view {
        ICommitteeProposals.Proposal memory found = proposals.proposal(safe, proposalId);
        assertEq(found.committee, safe, string.concat(message, " (committee)"));
        assertEq(found.proposer, proposer, string.concat(message, " (proposer)"));
        assertEq(found.proposedAt, proposedAt, string.concat(message, " (proposedAt)"));
        assertEq(found.to, to, string.concat(message, " (to)"));
        assertEq(found.value, value, string.concat(message, " (value)"));
        assertEq(found.nonce, nonce, string.concat(message, " (nonce)"));
        assertEq(keccak256(found.data), keccak256(data), string.concat(message, " (data)"));
        assertEq(found.description, description, string.concat(message, " (description)"));
    }
}

/// describe(CommitteeProposals)
contract CommitteeProposalsTest is CommitteeProposalsFixture {
    function setUp() public {
        _deploy();
    }

    // ================================================================== SafeMock

    function test_safeMock_typehashesAreSafe150s() public pure {
        assertEq(
            keccak256("EIP712Domain(uint256 chainId,address verifyingContract)"),
            SAFE_DOMAIN_SEPARATOR_TYPEHASH,
            "domain typehash"
        );
        assertEq(
            keccak256(
                // solhint-disable-next-line max-line-length
                "SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,uint256 baseGas,uint256 gasPrice,address gasToken,address refundReceiver,uint256 nonce)"
            ),
            SAFE_TX_TYPEHASH,
            "SafeTx typehash"
        );
    }

    function test_safeMock_answersLikeASafe() public {
        assertTrue(committee.isOwner(alice), "alice");
        assertTrue(committee.isOwner(bob), "bob");
        assertTrue(committee.isOwner(carol), "carol");
        assertFalse(committee.isOwner(stranger), "stranger");
        assertEq(committee.getThreshold(), 2, "threshold");
        assertEq(committee.nonce(), 0, "initial nonce");
        committee.setNonce(7);
        assertEq(committee.nonce(), 7, "nonce set");

        bytes memory data = _callData(1);
        bytes32 expected = _safeTxHash(address(committee), target, 5, data, 7);
        assertEq(_committeeHash(committee, target, 5, data, 7), expected, "real Safe hash");
        // Every field of the transaction is hashed.
        bytes32 delegateCall = committee.getTransactionHash(target, 5, data, 1, 0, 0, 0, address(0), address(0), 7);
        assertNotEq(delegateCall, expected, "operation is hashed");
        bytes32 withRefund = committee.getTransactionHash(target, 5, data, 0, 0, 0, 1, address(0), address(0), 7);
        assertNotEq(withRefund, expected, "gasPrice is hashed");

        // The hash names the chain it is valid on.
        vm.chainId(block.chainid + 1);
        assertEq(
            _committeeHash(committee, target, 5, data, 7),
            _safeTxHash(address(committee), target, 5, data, 7),
            "new chain"
        );
        assertNotEq(_committeeHash(committee, target, 5, data, 7), expected, "chain id is hashed");
    }

    function test_safeMock_forcedHash() public {
        bytes32 forced = keccak256("forced");
        committee.forceTransactionHash(forced);
        assertEq(_committeeHash(committee, target, 0, "", 0), forced, "forced");
        assertEq(_committeeHash(committee, stranger, 1, "x", 9), forced, "forced whatever the call");
        committee.forceTransactionHash(bytes32(0));
        assertEq(
            _committeeHash(committee, target, 0, "", 0),
            _safeTxHash(address(committee), target, 0, "", 0),
            "reset"
        );
    }

    // ================================================================== submit

    function test_submit_byMember_storesEveryField() public {
        bytes memory data = _callData(42);
        committee.setNonce(3);
        vm.warp(T0 + 5);
        bytes32 id = _submit(bob, target, 1 ether, data, 4, "Raise the parameter to 42");

        _assertProposal(address(committee), id, bob, T0 + 5, target, 1 ether, 4, data, "Raise the parameter to 42", "");
        assertEq(proposals.proposalCount(address(committee)), 1, "proposalCount");
        assertEq(proposals.proposalIds(address(committee), 0, 10), _ids(id), "proposalIds");
    }

    function test_submit_emitsProposalSubmittedWithAllFields() public {
        bytes memory data = _callData(42);
        bytes32 expectedId = _safeTxHash(address(committee), target, 1 ether, data, 0);
        vm.expectEmit(true, true, true, true, address(proposals));
        emit ICommitteeProposals.ProposalSubmitted(
            expectedId,
            address(committee),
            alice,
            target,
            1 ether,
            0,
            data,
            "Raise the parameter to 42"
        );
        _submit(alice, target, 1 ether, data, 0, "Raise the parameter to 42");
    }

    function test_submit_returnsTheSafeTransactionHash() public {
        bytes memory data = _callData(42);
        committee.setNonce(11);
        bytes32 askedOfSafe = _committeeHash(committee, target, 3, data, 12);
        bytes32 computed = _safeTxHash(address(committee), target, 3, data, 12);
        assertEq(askedOfSafe, computed, "SafeMock hashes like Safe 1.5.0");

        bytes32 id = _submit(carol, target, 3, data, 12, "Queue the parameter change");
        assertEq(id, askedOfSafe, "id == safe.getTransactionHash(to, value, data, 0, 0, 0, 0, 0, 0, nonce)");
        assertEq(id, computed, "id == independently computed Safe hash");
    }

    function test_submit_emptyDataAndPlainValueTransfer() public {
        bytes32 id = _submit(alice, stranger, 2 ether, "", 0, "Pay the auditor");
        assertEq(id, _safeTxHash(address(committee), stranger, 2 ether, "", 0), "id");
        _assertProposal(address(committee), id, alice, T0, stranger, 2 ether, 0, "", "Pay the auditor", "transfer");
    }

    function test_submit_revertsForNonMember() public {
        _expectRevertSubmit(
            stranger,
            target,
            0,
            _callData(1),
            0,
            "Set the parameter",
            _notMember(address(committee), stranger)
        );
        assertEq(proposals.proposalCount(address(committee)), 0, "nothing recorded");
    }

    function test_submit_revertsForMemberOfAnotherCommittee() public {
        SafeMock other = new SafeMock(_list(stranger), 1);
        _submitTo(other, stranger, target, 0, _callData(1), 0, "Set the parameter");
        _expectRevertSubmit(
            stranger,
            target,
            0,
            _callData(1),
            0,
            "Set the parameter",
            _notMember(address(committee), stranger)
        );
    }

    function test_submit_revertsForTheCommitteeItself() public {
        _expectRevertSubmit(
            address(committee),
            target,
            0,
            _callData(1),
            0,
            "Set the parameter",
            _notMember(address(committee), address(committee))
        );
    }

    function test_submit_membershipIsCheckedFirst() public {
        committee.setNonce(5);
        _expectRevertSubmit(stranger, target, 0, _callData(1), 4, "", _notMember(address(committee), stranger));
    }

    function test_submit_nonceIsCheckedBeforeDescription() public {
        committee.setNonce(5);
        _expectRevertSubmit(alice, target, 0, _callData(1), 4, "", _staleNonce(4, 5));
    }

    function test_submit_revertsForStaleNonce() public {
        committee.setNonce(5);
        _expectRevertSubmit(alice, target, 0, _callData(1), 4, "Set the parameter", _staleNonce(4, 5));
        _expectRevertSubmit(alice, target, 0, _callData(1), 0, "Set the parameter", _staleNonce(0, 5));
        assertEq(proposals.proposalCount(address(committee)), 0, "nothing recorded");
    }

    function test_submit_acceptsCurrentNonce() public {
        committee.setNonce(5);
        bytes32 id = _submit(alice, target, 0, _callData(1), 5, "Set the parameter");
        assertEq(proposals.proposal(address(committee), id).nonce, 5, "nonce");
    }

    function test_submit_acceptsFutureNonce() public {
        committee.setNonce(5);
        bytes32 next = _submit(alice, target, 0, _callData(1), 6, "Set the parameter next");
        bytes32 later = _submit(bob, target, 0, _callData(2), 100, "Set the parameter much later");
        assertEq(proposals.proposal(address(committee), next).nonce, 6, "queued next");
        assertEq(proposals.proposal(address(committee), later).nonce, 100, "queued later");
        assertEq(proposals.proposalIds(address(committee), 0, 10), _ids(next, later), "both listed");
    }

    function test_submit_queuedProposalStaysListedOnceStale() public {
        bytes32 id = _submit(alice, target, 0, _callData(1), 1, "Set the parameter");
        committee.setNonce(2);
        assertEq(proposals.proposal(address(committee), id).nonce, 1, "still readable");
        assertEq(proposals.proposalCount(address(committee)), 1, "still counted");
        _expectRevertSubmit(alice, target, 0, _callData(1), 1, "Set the parameter", _staleNonce(1, 2));
    }

    function test_submit_revertsForEmptyDescription() public {
        _expectRevertSubmit(alice, target, 0, _callData(1), 0, "", _invalidDescription());
    }

    function test_submit_descriptionLengthBounds() public {
        string memory longest = _repeat("a", MAX_DESCRIPTION);
        string memory tooLong = _repeat("a", MAX_DESCRIPTION + 1);
        _expectRevertSubmit(alice, target, 0, _callData(1), 0, tooLong, _invalidDescription());

        bytes32 id = _submit(alice, target, 0, _callData(1), 0, longest);
        assertEq(proposals.proposal(address(committee), id).description, longest, "1024 bytes kept");

        bytes32 shortest = _submit(alice, target, 0, _callData(2), 0, "x");
        assertEq(proposals.proposal(address(committee), shortest).description, "x", "1 byte kept");
    }

    function test_submit_descriptionLengthCountsBytes() public {
        // 342 three-byte characters = 1026 bytes, although only 342 characters.
        bytes memory euro = bytes(unicode"€");
        bytes memory buffer = new bytes(342 * 3);
        for (uint256 i; i < buffer.length; ++i) buffer[i] = euro[i % 3];
        _expectRevertSubmit(alice, target, 0, _callData(1), 0, string(buffer), _invalidDescription());
    }

    function test_submit_revertsWhenAlreadySubmitted() public {
        bytes memory data = _callData(1);
        bytes32 id = _submit(alice, target, 0, data, 0, "Set the parameter");
        _expectRevertSubmit(alice, target, 0, data, 0, "Set the parameter", _alreadySubmitted(id));
    }

    function test_submit_sameCallByAnotherMemberOrDescriptionRejected() public {
        bytes memory data = _callData(1);
        vm.warp(T0 + 1);
        bytes32 id = _submit(alice, target, 0, data, 0, "Set the parameter");
        vm.warp(T0 + 2);
        _expectRevertSubmit(bob, target, 0, data, 0, "Another description", _alreadySubmitted(id));
        // The first submission is kept as it was.
        _assertProposal(address(committee), id, alice, T0 + 1, target, 0, 0, data, "Set the parameter", "kept");
        assertEq(proposals.proposalCount(address(committee)), 1, "listed once");
    }

    function test_submit_sameCallAtAnotherNonceIsAnotherProposal() public {
        bytes memory data = _callData(1);
        bytes32 first = _submit(alice, target, 0, data, 0, "Set the parameter");
        bytes32 again = _submit(alice, target, 0, data, 1, "Set the parameter again");
        assertNotEq(first, again, "nonce is part of the id");
        assertEq(proposals.proposalIds(address(committee), 0, 10), _ids(first, again), "both listed");
    }

    function test_submit_alternativesAtTheSameNonce() public {
        committee.setNonce(2);
        bytes32 raise = _submit(alice, target, 0, _callData(1), 2, "Raise the parameter");
        bytes32 lower = _submit(bob, target, 0, _callData(2), 2, "Lower the parameter");
        bytes32 pay = _submit(carol, target, 1, _callData(1), 2, "Raise it and pay");
        assertNotEq(raise, lower, "data is part of the id");
        assertNotEq(raise, pay, "value is part of the id");

        _assertProposal(address(committee), raise, alice, T0, target, 0, 2, _callData(1), "Raise the parameter", "1");
        _assertProposal(address(committee), lower, bob, T0, target, 0, 2, _callData(2), "Lower the parameter", "2");
        _assertProposal(address(committee), pay, carol, T0, target, 1, 2, _callData(1), "Raise it and pay", "3");
        assertEq(proposals.proposalIds(address(committee), 0, 10), _ids(raise, lower, pay), "all listed");
    }

    /// Anyone can deploy a contract that answers like a Safe. A fake committee owned by an attacker,
    /// answering the real committee's future id, only registers that id under itself.
    function test_submit_fakeCommitteeCannotSquatARealId() public {
        bytes memory data = _callData(1);
        bytes32 realId = _safeTxHash(address(committee), target, 0, data, 0);
        SafeMock fake = new SafeMock(_list(attacker), 1);
        fake.forceTransactionHash(realId);

        vm.warp(T0 + 1);
        bytes32 squatted = _submitTo(fake, attacker, stranger, 9, _callData(666), 0, "Drain the treasury");
        assertEq(squatted, realId, "fake committee registered the real id");

        vm.warp(T0 + 2);
        vm.expectEmit(true, true, true, true, address(proposals));
        emit ICommitteeProposals.ProposalSubmitted(
            realId,
            address(committee),
            alice,
            target,
            0,
            0,
            data,
            "Set the parameter"
        );
        bytes32 id = _submit(alice, target, 0, data, 0, "Set the parameter");
        assertEq(id, realId, "real member submitted the same id");

        _assertProposal(address(committee), realId, alice, T0 + 2, target, 0, 0, data, "Set the parameter", "real");
        _assertProposal(
            address(fake),
            realId,
            attacker,
            T0 + 1,
            stranger,
            9,
            0,
            _callData(666),
            "Drain the treasury",
            "fake"
        );
        assertEq(proposals.proposalIds(address(committee), 0, 10), _ids(realId), "real agenda");
        assertEq(proposals.proposalIds(address(fake), 0, 10), _ids(realId), "fake agenda");

        // The fake committee cannot register it twice under itself either.
        vm.prank(attacker);
        vm.expectRevert(_alreadySubmitted(realId));
        proposals.submit(address(fake), target, 0, data, 0, "Again");
    }

    function test_submit_fakeCommitteeCannotSquatEvenAfterTheRealSubmission() public {
        bytes memory data = _callData(1);
        bytes32 realId = _submit(alice, target, 0, data, 0, "Set the parameter");
        SafeMock fake = new SafeMock(_list(attacker), 1);
        fake.forceTransactionHash(realId);
        _submitTo(fake, attacker, stranger, 9, _callData(666), 0, "Drain the treasury");
        _assertProposal(address(committee), realId, alice, T0, target, 0, 0, data, "Set the parameter", "unchanged");
    }

    function test_submit_revertsForCommitteeWithoutCode() public {
        vm.prank(alice);
        vm.expectRevert();
        proposals.submit(stranger, target, 0, _callData(1), 0, "Set the parameter");
    }

    // ================================================================== proposal

    function test_proposal_revertsForUnknownId() public {
        bytes32 unknown = keccak256("unknown");
        vm.expectRevert(_notFound(unknown));
        proposals.proposal(address(committee), unknown);

        _submitSeed(1);
        vm.expectRevert(_notFound(unknown));
        proposals.proposal(address(committee), unknown);
    }

    function test_proposal_revertsUnderAnotherCommittee() public {
        bytes32 id = _submitSeed(1);
        SafeMock other = new SafeMock(_list(alice), 1);
        vm.expectRevert(_notFound(id));
        proposals.proposal(address(other), id);
        vm.expectRevert(_notFound(id));
        proposals.proposal(stranger, id);
        vm.expectRevert(_notFound(id));
        proposals.proposal(address(0), id);
    }

    // ================================================================== views

    function test_views_unknownCommittee() public view {
        assertEq(proposals.proposalCount(address(committee)), 0, "proposalCount");
        assertEq(proposals.proposalIds(address(committee), 0, 10).length, 0, "proposalIds");
        assertEq(proposals.proposalCount(stranger), 0, "not a contract");
        assertEq(proposals.proposalIds(stranger, 0, type(uint256).max).length, 0, "not a contract ids");
    }

    function test_views_proposalIdsPaged() public {
        bytes32 a = _submitSeed(1);
        bytes32 b = _submitSeed(2);
        bytes32 c = _submitSeed(3);

        assertEq(proposals.proposalCount(address(committee)), 3, "proposalCount");
        assertEq(proposals.proposalIds(address(committee), 0, 10), _ids(a, b, c), "all, oldest first");
        assertEq(proposals.proposalIds(address(committee), 0, 3), _ids(a, b, c), "exact limit");
        assertEq(proposals.proposalIds(address(committee), 0, 2), _ids(a, b), "first page");
        assertEq(proposals.proposalIds(address(committee), 2, 2), _ids(c), "last page clipped");
        assertEq(proposals.proposalIds(address(committee), 1, 1), _ids(b), "middle");
        assertEq(proposals.proposalIds(address(committee), 1, type(uint256).max), _ids(b, c), "huge limit");
        assertEq(proposals.proposalIds(address(committee), 0, 0).length, 0, "zero limit");
        assertEq(proposals.proposalIds(address(committee), 3, 1).length, 0, "offset at end");
        assertEq(proposals.proposalIds(address(committee), 4, 1).length, 0, "offset beyond end");
        assertEq(
            proposals.proposalIds(address(committee), type(uint256).max, type(uint256).max).length,
            0,
            "huge offset"
        );
    }

    function test_views_separatePerCommittee() public {
        SafeMock other = new SafeMock(_list(alice), 1);
        bytes32 a = _submitSeed(1);
        bytes32 x = _submitTo(other, alice, target, 0, _callData(1), 0, "Set the parameter elsewhere");
        bytes32 b = _submitSeed(2);
        assertNotEq(a, x, "the Safe's address is part of the id");

        assertEq(proposals.proposalCount(address(committee)), 2, "committee count");
        assertEq(proposals.proposalCount(address(other)), 1, "other count");
        assertEq(proposals.proposalIds(address(committee), 0, 10), _ids(a, b), "committee ids");
        assertEq(proposals.proposalIds(address(other), 0, 10), _ids(x), "other ids");
        assertEq(proposals.proposal(address(other), x).committee, address(other), "other's proposal");
        vm.expectRevert(_notFound(x));
        proposals.proposal(address(committee), x);
    }

    function test_version() public view {
        assertEq(proposals.version(), "0.1.0", "version");
    }

    // ================================================================== fuzz

    function testFuzz_submit_rejectsAnyNonMember(address caller) public {
        vm.assume(caller != alice && caller != bob && caller != carol && caller != address(vm));
        _expectRevertSubmit(
            caller,
            target,
            0,
            _callData(1),
            0,
            "Set the parameter",
            _notMember(address(committee), caller)
        );
        assertEq(proposals.proposalCount(address(committee)), 0, "nothing recorded");
    }

    function testFuzz_submit_revertsBelowCurrentNonce(uint256 current, uint256 nonce) public {
        current = bound(current, 1, type(uint256).max);
        nonce = bound(nonce, 0, current - 1);
        committee.setNonce(current);
        _expectRevertSubmit(alice, target, 0, _callData(1), nonce, "Set the parameter", _staleNonce(nonce, current));
    }

    function testFuzz_submit_acceptsCurrentOrLaterNonce(uint256 current, uint256 nonce) public {
        current = bound(current, 0, type(uint256).max);
        nonce = bound(nonce, current, type(uint256).max);
        committee.setNonce(current);
        bytes32 expected = _safeTxHash(address(committee), target, 0, _callData(1), nonce);
        bytes32 id = _submit(alice, target, 0, _callData(1), nonce, "Set the parameter");
        assertEq(id, expected, "id");
        assertEq(proposals.proposal(address(committee), id).nonce, nonce, "nonce");
    }

    function testFuzz_submit_idIsTheSafeHashOfAnyCall(
        address to,
        uint256 value,
        bytes memory data,
        uint256 nonce
    ) public {
        bytes32 expected = _safeTxHash(address(committee), to, value, data, nonce);
        bytes32 id = _submit(bob, to, value, data, nonce, "Any call");
        assertEq(id, expected, "id");
        _assertProposal(address(committee), id, bob, T0, to, value, nonce, data, "Any call", "stored");
    }
}
