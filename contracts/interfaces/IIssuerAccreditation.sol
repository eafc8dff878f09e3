// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IIssuerAccreditation
/// @notice Which issuers may anchor which schemas. Kept small on purpose: the identity issue
/// replaces the source of accreditation with a DID-based issuer registry behind this interface.
interface IIssuerAccreditation {
    /// @notice Accreditation of one issuer for one schema.
    /// @param active Whether the issuer may anchor this schema now.
    /// @param accreditedAt When the current (or latest) accreditation began.
    /// @param untrustedFrom Start of the latest withdrawal window (0 when never withdrawn). Records
    /// anchored inside the window verify as unaccredited.
    /// @param untrustedUntil End of that window (0 while still withdrawn).
    struct Accreditation {
        bool active;
        uint32 accreditedAt;
        uint32 untrustedFrom;
        uint32 untrustedUntil;
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

    /// @notice Accredits `issuer` to anchor records of `schemaId`. Restricted to the consortium.
    function accredit(address issuer, bytes32 schemaId) external;

    /// @notice Withdraws an accreditation, effective from `effectiveFrom` (at most now; earlier to
    /// cover a key compromise discovered late). Restricted to the consortium.
    function withdrawAccreditation(address issuer, bytes32 schemaId, uint64 effectiveFrom) external;

    /// @notice The accreditation of `issuer` for `schemaId`.
    function accreditation(address issuer, bytes32 schemaId) external view returns (Accreditation memory);

    /// @notice Whether `issuer` may anchor records of `schemaId` now.
    function isAccredited(address issuer, bytes32 schemaId) external view returns (bool);
}
