// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IIssuerRegistry
/// @notice The consortium's authority issuers (WeIdentity's AuthorityIssuer and SpecificIssuer in
/// one): an institution applies with its DID, name, type and jurisdiction; the committee recognises,
/// suspends, reinstates or removes it, and accredits it per schema. The registry is the only
/// account allowed to change the FingerprintRegistry's accreditations, so its decisions take effect
/// on the anchor path at no extra gas per anchor.
///
/// Records anchored before a suspension or removal stay valid: a suspension says the issuer must
/// stop issuing, not that what it issued while trusted was wrong. The committee backdates
/// `effectiveFrom` when it learns late that a key was compromised; records anchored from then on
/// verify as unaccredited, every such window is kept forever, and issuer-side revocation remains
/// the tool for individual documents.
interface IIssuerRegistry {
    /// @notice Kind of institution.
    enum IssuerType {
        Unspecified,
        Hospital,
        Laboratory,
        BorderAgency,
        Insurer,
        Bank,
        CreditAgency,
        DataSource,
        Regulator,
        Other
    }

    /// @notice Lifecycle: Applied → Recognized ⇄ Suspended; any of them → Removed (final).
    enum IssuerStatus {
        None,
        Applied,
        Recognized,
        Suspended,
        Removed
    }

    /// @notice One institution.
    /// @param did Address of its `did:ethr` identity in the DIDRegistry.
    /// @param issuerType Kind of institution.
    /// @param status Where it is in its lifecycle.
    /// @param appliedAt Block timestamp of its application.
    /// @param statusChangedAt Block timestamp of its latest status change.
    /// @param name Public name of the institution (institutions only; never a person).
    /// @param jurisdiction Where it is established, as an ISO 3166 code (e.g. "HK", "MO", "CN-GD").
    struct Issuer {
        address did;
        IssuerType issuerType;
        IssuerStatus status;
        uint64 appliedAt;
        uint64 statusChangedAt;
        string name;
        string jurisdiction;
    }

    /// @notice Emitted when `issuer` (the account that will anchor) applies for recognition.
    event IssuerApplied(
        address indexed issuer,
        address indexed did,
        IssuerType indexed issuerType,
        string name,
        string jurisdiction
    );
    /// @notice Emitted when the committee recognises an applicant.
    event IssuerRecognized(address indexed issuer);
    /// @notice Emitted when the committee suspends an issuer; its accreditations are withdrawn
    /// from `effectiveFrom` (kept, to be restored on reinstatement). A backdated time never reaches
    /// before the start of an accreditation: the FingerprintRegistry's `AccreditationWithdrawn`
    /// events carry the start applied to each schema.
    event IssuerSuspended(address indexed issuer, uint64 effectiveFrom);
    /// @notice Emitted when the committee lifts a suspension; the accreditations held before it are restored.
    event IssuerReinstated(address indexed issuer);
    /// @notice Emitted when the committee removes an issuer or rejects an applicant, for good;
    /// accreditations end from `effectiveFrom`.
    event IssuerRemoved(address indexed issuer, uint64 effectiveFrom);
    /// @notice Emitted when the committee grants `issuer` the right to anchor `schemaId`.
    event SchemaGranted(address indexed issuer, bytes32 indexed schemaId);
    /// @notice Emitted when the committee takes that right back, effective from `effectiveFrom`.
    event SchemaRevoked(address indexed issuer, bytes32 indexed schemaId, uint64 effectiveFrom);

    /// @notice `issuer` has applied before (an address applies once, even after removal).
    error IssuerAlreadyApplied(address issuer);
    /// @notice `issuer` is `status`, which does not allow this action.
    error InvalidIssuerStatus(address issuer, IssuerStatus status);
    /// @notice The applicant is neither the owner nor a valid `veriKey` delegate of `did`.
    error NotDIDController(address did, address applicant);
    /// @notice Name (1–128 bytes) or jurisdiction (2–16 bytes) has a bad length, or the type is Unspecified.
    error InvalidIssuerDetails();
    /// @notice `issuer` already holds `schemaId`.
    error SchemaAlreadyGranted(address issuer, bytes32 schemaId);
    /// @notice `issuer` does not hold `schemaId`.
    error SchemaNotGranted(address issuer, bytes32 schemaId);
    /// @notice An issuer holds at most `limit` schemas (a suspension must withdraw them all in one
    /// transaction): revoke one it no longer issues first.
    error TooManySchemas(address issuer, uint256 limit);
    /// @notice `effectiveFrom` is in the future.
    error InvalidEffectiveTime(uint64 effectiveFrom);
    /// @notice `issuer` is suspended from `suspendedFrom`: a removal or schema revocation cannot start
    /// earlier, since the untrusted windows the suspension opened cannot move back. Records anchored
    /// before then are dealt with one by one (revocation).
    error EffectiveTimeBeforeSuspension(address issuer, uint64 suspendedFrom);

    /// @notice Applies for recognition; the caller is the account that will anchor, and must
    /// control `did` (its owner, or a valid `veriKey` delegate, so the key appears in the DID document).
    function applyForRecognition(
        address did,
        IssuerType issuerType,
        string calldata name,
        string calldata jurisdiction
    ) external;

    /// @notice Recognises an applicant. Committee only.
    function recognize(address issuer) external;

    /// @notice Suspends a recognised issuer from `effectiveFrom` (at most now). Committee only.
    function suspend(address issuer, uint64 effectiveFrom) external;

    /// @notice Lifts a suspension, restoring the schemas held before it. Committee only.
    function reinstate(address issuer) external;

    /// @notice Removes an issuer (or rejects an applicant) for good from `effectiveFrom`. Committee only.
    function remove(address issuer, uint64 effectiveFrom) external;

    /// @notice Grants a recognised issuer the right to anchor `schemaId`. Committee only.
    /// @dev Like `recognize` and `reinstate`, it accredits in the FingerprintRegistry, which refuses
    /// with `TooManyAccreditations` once 2,000 accreditations are active.
    function grantSchema(address issuer, bytes32 schemaId) external;

    /// @notice Takes back `schemaId` from `issuer` from `effectiveFrom` (at most now). Committee only.
    function revokeSchema(address issuer, bytes32 schemaId, uint64 effectiveFrom) external;

    /// @notice The record of `issuer` (status None if it never applied).
    function issuer(address account) external view returns (Issuer memory);

    /// @notice Type and status of `account` in one cheap read (for contracts that gate on them).
    function standing(address account) external view returns (IssuerType issuerType, IssuerStatus status);

    /// @notice Whether `issuer` is recognised (not applied, suspended or removed).
    function isRecognized(address account) external view returns (bool);

    /// @notice Number of accounts that ever applied.
    function issuerCount() external view returns (uint256);

    /// @notice Applicants in order of application, `limit` from `offset`.
    function issuers(uint256 offset, uint256 limit) external view returns (address[] memory);

    /// @notice Number of applicants of `issuerType`.
    function issuerCountByType(IssuerType issuerType) external view returns (uint256);

    /// @notice Applicants of `issuerType` in order of application, `limit` from `offset`.
    function issuersByType(
        IssuerType issuerType,
        uint256 offset,
        uint256 limit
    ) external view returns (address[] memory);

    /// @notice Number of schemas `issuer` holds.
    function schemaCountOf(address account) external view returns (uint256);

    /// @notice Schemas `issuer` holds (granted and not revoked; kept while suspended), `limit` from `offset`.
    function schemasOf(address account, uint256 offset, uint256 limit) external view returns (bytes32[] memory);
}
