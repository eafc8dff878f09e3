// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ICommitteeProposals
/// @notice The public agenda of the consortium's committee (a Safe). A member submits a proposal
/// here; it is a plain call the Safe will make, identified by the Safe transaction hash the members
/// approve (`Safe.approveHash`, event `ApproveHash`) and that the Safe executes (`ExecutionSuccess`).
/// Submitting, approving and executing are therefore three kinds of events an auditor can read, and
/// members on different machines need only the proposal id.
///
/// Proposals are always calls (never delegate calls), without refunds (safeTxGas, baseGas and
/// gasPrice are 0), so the Safe transaction either does exactly what was proposed or reverts.
interface ICommitteeProposals {
    /// @notice A submitted proposal.
    /// @param committee The Safe that will execute it.
    /// @param proposer The member who submitted it.
    /// @param proposedAt Block timestamp of submission.
    /// @param to Contract the Safe will call.
    /// @param value Wei sent with the call.
    /// @param nonce Safe nonce the transaction was hashed with (proposals sharing a nonce are
    /// alternatives: executing one invalidates the others).
    /// @param data Calldata of the call.
    /// @param description What the proposal does, for the members and the audit trail.
    struct Proposal {
        address committee;
        address proposer;
        uint64 proposedAt;
        address to;
        uint256 value;
        uint256 nonce;
        bytes data;
        string description;
    }

    /// @notice Emitted when a member submits a proposal; carries everything needed to approve and execute it.
    /// @param proposalId The Safe transaction hash.
    event ProposalSubmitted(
        bytes32 indexed proposalId,
        address indexed committee,
        address indexed proposer,
        address to,
        uint256 value,
        uint256 nonce,
        bytes data,
        string description
    );

    /// @notice `account` is not an owner of `committee`.
    error NotCommitteeMember(address committee, address account);
    /// @notice The Safe has already used `nonce` (its current nonce is `current`).
    error StaleNonce(uint256 nonce, uint256 current);
    /// @notice The same transaction was submitted before.
    error ProposalAlreadySubmitted(bytes32 proposalId);
    /// @notice The committee has no proposal with this id.
    error ProposalNotFound(bytes32 proposalId);
    /// @notice The description is empty or longer than 1,024 bytes.
    error InvalidDescription();

    /// @notice Submits a proposal for `committee` to call `to` with `data` and `value` at Safe nonce
    /// `nonce` (the Safe's current nonce, or a later one to queue). Only a committee member may submit.
    /// @return proposalId The Safe transaction hash members approve.
    function submit(
        address committee,
        address to,
        uint256 value,
        bytes calldata data,
        uint256 nonce,
        string calldata description
    ) external returns (bytes32 proposalId);

    /// @notice The proposal `proposalId` of `committee`.
    function proposal(address committee, bytes32 proposalId) external view returns (Proposal memory);

    /// @notice Number of proposals submitted for `committee`.
    function proposalCount(address committee) external view returns (uint256);

    /// @notice Ids of proposals for `committee`, oldest first, `limit` from `offset`.
    function proposalIds(address committee, uint256 offset, uint256 limit) external view returns (bytes32[] memory);
}
