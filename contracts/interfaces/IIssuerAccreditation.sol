// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IIssuerAccreditation
/// @notice Which issuers may anchor which schemas. Kept small on purpose: the identity issue
/// replaces the source of accreditation with a DID-based issuer registry behind this interface.
interface IIssuerAccreditation {
    /// @notice Accreditation of one issuer for one schema (one storage slot, read by every anchor).
    /// @param active Whether the issuer holds the accreditation now (anchoring also needs the
    /// registry not to be paused: see `paused`).
    /// @param accreditedAt When the current (or latest) accreditation began.
    /// @param withdrawals How many times it was withdrawn: the number of untrusted windows.
    /// @param paused Whether the registry is paused while this accreditation is active: set on every
    /// active accreditation by a pause, cleared by the unpause, so the anchor path learns of a pause
    /// from the one slot it reads anyway.
    struct Accreditation {
        bool active;
        uint32 accreditedAt;
        uint32 withdrawals;
        bool paused;
    }

    /// @notice A period whose records verify as unaccredited: from a withdrawal's `effectiveFrom`
    /// (inclusive) to the next re-accreditation (exclusive; 0 while still withdrawn). Windows of one
    /// issuer and schema never overlap and are kept in order, every one of them, forever.
    struct UntrustedWindow {
        uint32 from;
        uint32 until;
    }

    /// @notice Emitted when an issuer is accredited (or re-accredited) for a schema.
    event IssuerAccredited(address indexed issuer, bytes32 indexed schemaId);

    /// @notice Emitted when an accreditation is withdrawn. Records anchored at or after
    /// `effectiveFrom` verify as unaccredited; earlier records stay valid.
    event AccreditationWithdrawn(address indexed issuer, bytes32 indexed schemaId, uint64 effectiveFrom);

    /// @notice The issuer is already accredited for the schema.
    error AlreadyAccredited(address issuer, bytes32 schemaId);
    /// @notice The issuer is not accredited for the schema.
    error NotAccredited(address issuer, bytes32 schemaId);
    /// @notice A withdrawal cannot take effect in the future, nor before the current accreditation began.
    error InvalidWithdrawalTime(uint64 effectiveFrom);
    /// @notice The zero address cannot be accredited.
    error InvalidIssuer();
    /// @notice A re-accreditation must come after the second its untrusted window began, or the
    /// window would be empty and records anchored in that second would turn valid.
    error ReaccreditationTooEarly(address issuer, bytes32 schemaId, uint64 notBefore);

    /// @notice Accredits `issuer` to anchor records of `schemaId`. Restricted to the consortium.
    function accredit(address issuer, bytes32 schemaId) external;

    /// @notice Withdraws an accreditation, effective from `effectiveFrom` (at most now; earlier to
    /// cover a key compromise discovered late). Restricted to the consortium.
    function withdrawAccreditation(address issuer, bytes32 schemaId, uint64 effectiveFrom) external;

    /// @notice The accreditation of `issuer` for `schemaId`.
    function accreditation(address issuer, bytes32 schemaId) external view returns (Accreditation memory);

    /// @notice Every untrusted window of `issuer` for `schemaId`, oldest first.
    function untrustedWindows(address issuer, bytes32 schemaId) external view returns (UntrustedWindow[] memory);

    /// @notice Whether `issuer` holds an active accreditation for `schemaId` (anchoring also needs
    /// the registry not to be paused).
    function isAccredited(address issuer, bytes32 schemaId) external view returns (bool);
}
