// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICommitteeProposals} from "../interfaces/ICommitteeProposals.sol";
import {ISafe} from "../interfaces/ISafe.sol";
import {Paging} from "../libraries/Paging.sol";

/// @title CommitteeProposals
/// @notice Public agenda of committee Safes. Holds no power: it only records what members propose.
contract CommitteeProposals is ICommitteeProposals {
    uint256 private constant _MAX_DESCRIPTION_LENGTH = 1024;
    /// @dev Safe `Enum.Operation.Call`.
    uint8 private constant _CALL = 0;

    /// @dev Keyed by committee too: anyone can deploy a contract that answers like a Safe, and must
    /// not be able to take a real committee's future proposal id first.
    mapping(address committee => mapping(bytes32 proposalId => Proposal proposal)) private _proposals;
    mapping(address committee => bytes32[] proposalIds) private _proposalIds;

    /// @inheritdoc ICommitteeProposals
    function submit(
        address committee,
        address to,
        uint256 value,
        bytes calldata data,
        uint256 nonce,
        string calldata description
    ) external returns (bytes32 proposalId) {
        _checkSubmission(committee, nonce, description);
        proposalId = ISafe(committee).getTransactionHash(
            to,
            value,
            data,
            _CALL,
            0,
            0,
            0,
            address(0),
            address(0),
            nonce
        );
        Proposal storage stored = _proposals[committee][proposalId];
        if (stored.committee != address(0)) revert ProposalAlreadySubmitted(proposalId);
        stored.committee = committee;
        stored.proposer = msg.sender;
        stored.proposedAt = uint64(block.timestamp);
        stored.to = to;
        stored.value = value;
        stored.nonce = nonce;
        stored.data = data;
        stored.description = description;
        _proposalIds[committee].push(proposalId);
        emit ProposalSubmitted(proposalId, committee, msg.sender, to, value, nonce, data, description);
    }

    /// @inheritdoc ICommitteeProposals
    function proposal(address committee, bytes32 proposalId) external view returns (Proposal memory) {
        Proposal memory found = _proposals[committee][proposalId];
        if (found.committee == address(0)) revert ProposalNotFound(proposalId);
        return found;
    }

    /// @inheritdoc ICommitteeProposals
    function proposalCount(address committee) external view returns (uint256) {
        return _proposalIds[committee].length;
    }

    /// @inheritdoc ICommitteeProposals
    function proposalIds(address committee, uint256 offset, uint256 limit) external view returns (bytes32[] memory) {
        return Paging.page(_proposalIds[committee], offset, limit);
    }

    /// @notice Version of this contract.
    function version() external pure returns (string memory) {
        return "0.1.0";
    }

    function _checkSubmission(address committee, uint256 nonce, string calldata description) private view {
        ISafe safe = ISafe(committee);
        if (!safe.isOwner(msg.sender)) revert NotCommitteeMember(committee, msg.sender);
        uint256 current = safe.nonce();
        if (nonce < current) revert StaleNonce(nonce, current);
        uint256 descriptionLength = bytes(description).length;
        if (descriptionLength == 0 || descriptionLength > _MAX_DESCRIPTION_LENGTH) revert InvalidDescription();
    }
}
