// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIssuerAccreditation} from "./IIssuerAccreditation.sol";

/// @title IFingerprintRegistry
/// @notice Anchors salted document fingerprints — one, many, or a Merkle batch of any size — and
/// answers, in one call, whether a fingerprint is valid, revoked, expired or unaccredited.
/// @dev No document content or personal data ever reaches the chain: a fingerprint is
/// SHA-256(tag ‖ 32-byte random salt ‖ SHA-256(document)) computed off chain (docs/fingerprint-spec.md).
/// A record belongs forever to the issuer that anchored it: no other account can overwrite, revoke
/// or reinstate it.
interface IFingerprintRegistry is IIssuerAccreditation {
    /// @notice One anchored fingerprint or Merkle batch root, packed in one storage slot.
    /// @param issuer Account that anchored it.
    /// @param schemaIndex Compact index of its schema (see ISchemaRegistry.schemaIdAt).
    /// @param anchoredAt Block timestamp of anchoring.
    /// @param expiresAt Expiry timestamp; 0 means it never expires.
    struct AnchorRecord {
        address issuer;
        uint32 schemaIndex;
        uint32 anchoredAt;
        uint32 expiresAt;
    }

    /// @notice Revocation of a fingerprint (single anchor or one leaf of a batch). The record is
    /// revoked when `revokedAt` is set and it was not reinstated since, or was reinstated inside an
    /// untrusted window of its issuer for its schema (a withdrawn key's reinstatement does not count).
    /// @param revokedAt Block timestamp of the latest revocation; 0 when never revoked.
    /// @param reason Reason code of the latest revocation (docs/events.md lists them); never 0.
    /// @param reinstatedAt Block timestamp of the reinstatement that followed it; 0 when none.
    /// @param supersededBy Fingerprint of the replacing document, or zero.
    struct Revocation {
        uint32 revokedAt;
        uint16 reason;
        uint32 reinstatedAt;
        bytes32 supersededBy;
    }

    /// @notice Outcome of a verification, most severe first.
    enum VerificationStatus {
        NotAnchored,
        BadProof,
        Revoked,
        Unaccredited,
        Expired,
        Valid
    }

    /// @notice Everything a verifier needs from one call.
    struct Verification {
        VerificationStatus status;
        address issuer;
        bytes32 schemaId;
        uint64 anchoredAt;
        uint64 expiresAt;
        uint64 revokedAt;
        uint16 revocationReason;
        bytes32 supersededBy;
    }

    /// @notice A single fingerprint was anchored.
    /// @param schemaIndex Compact index of the schema (ISchemaRegistry.schemaIdAt gives its id).
    /// @param expiresAt Expiry timestamp, 0 for none.
    event Anchored(bytes32 indexed fingerprint, address indexed issuer, uint32 schemaIndex, uint64 expiresAt);

    /// @notice Several fingerprints were anchored in one transaction, all with the same schema and expiry.
    event AnchoredMany(address indexed issuer, uint32 schemaIndex, uint64 expiresAt, bytes32[] fingerprints);

    /// @notice A Merkle batch root was anchored; its leaves are double-hashed fingerprints.
    /// @param leafCount Number of leaves in the batch (for auditors; proofs do not depend on it).
    event BatchAnchored(
        bytes32 indexed root,
        address indexed issuer,
        uint32 schemaIndex,
        uint32 leafCount,
        uint64 expiresAt
    );

    /// @notice A batch's manifest location was published (by `anchorBatchWithURI`; never document content).
    event BatchURI(bytes32 indexed root, string uri);

    /// @notice A fingerprint was revoked. `batchRoot` is zero for a single anchor.
    event Revoked(
        bytes32 indexed fingerprint,
        address indexed issuer,
        bytes32 indexed batchRoot,
        uint16 reason,
        bytes32 supersededBy
    );

    /// @notice A revoked fingerprint was reinstated. `batchRoot` is zero for a single anchor. A
    /// reinstatement that a later, backdated withdrawal of the issuer's accreditation covers does not
    /// count: the record verifies as revoked again.
    event Reinstated(bytes32 indexed fingerprint, address indexed issuer, bytes32 indexed batchRoot);

    /// @notice The fingerprint (or batch root) is already anchored, by `issuer`.
    error AlreadyAnchored(bytes32 fingerprint, address issuer);
    /// @notice The fingerprint (or batch root) is not anchored.
    error NotAnchored(bytes32 fingerprint);
    /// @notice Only the issuer that anchored a record may change it.
    error NotRecordIssuer(bytes32 fingerprint, address issuer, address caller);
    /// @notice The caller is not accredited for the schema with this compact index: the consortium
    /// committee grants issuers their document kinds.
    error IssuerNotAccredited(address issuer, uint32 schemaIndex);
    /// @notice A zero fingerprint or root cannot be anchored.
    error ZeroFingerprint();
    /// @notice `anchorMany` needs at least one fingerprint.
    error EmptyFingerprintList();
    /// @notice A batch needs at least one leaf.
    error EmptyBatch();
    /// @notice The expiry is not in the future, or does not fit 32 bits.
    error InvalidExpiry(uint64 expiresAt);
    /// @notice The chain's timestamp does not fit 32-bit seconds (a chain reporting milliseconds?).
    error TimestampOutOfRange(uint256 timestamp);
    /// @notice The Merkle proof does not lead from the fingerprint to the root.
    error InvalidProof(bytes32 root, bytes32 fingerprint);
    /// @notice Revocation reason 0 is reserved.
    error InvalidRevocationReason();
    /// @notice The schema does not allow revocation: its records stay valid (until they expire, if
    /// they do).
    error SchemaNotRevocable(bytes32 schemaId);
    /// @notice The schema does not allow reinstatement: a revoked record stays revoked; anchor the
    /// document again (a new salt, a new fingerprint) instead.
    error SchemaNotReinstatable(bytes32 schemaId);
    /// @notice The record is already revoked.
    error AlreadyRevoked(bytes32 fingerprint);
    /// @notice The record is not revoked: there is nothing to reinstate.
    error NotRevoked(bytes32 fingerprint);
    /// @notice No more than `limit` accreditations may be active at once (a pause must reach every
    /// one in one transaction): revoke unused schemas from issuers, or suspend idle issuers, first.
    error TooManyAccreditations(uint256 limit);

    /// @notice Anchors one fingerprint under the schema with compact index `schemaIndex`, for which
    /// the caller must be accredited. (The hot path takes the 4-byte index rather than the 32-byte
    /// schema id: ~370 gas less calldata, see docs/decisions/0002-anchor-hot-path.md.)
    /// @param expiresAt Expiry timestamp, or 0 for none.
    function anchor(bytes32 fingerprint, uint32 schemaIndex, uint64 expiresAt) external;

    /// @notice Anchors several fingerprints with one schema and expiry; reverts if any is anchored already.
    function anchorMany(bytes32[] calldata fingerprints, uint32 schemaIndex, uint64 expiresAt) external;

    /// @notice Anchors a Merkle batch root covering `leafCount` fingerprints.
    function anchorBatch(bytes32 root, uint32 leafCount, uint32 schemaIndex, uint64 expiresAt) external;

    /// @notice Anchors a Merkle batch root and publishes where its manifest lives.
    function anchorBatchWithURI(
        bytes32 root,
        uint32 leafCount,
        uint32 schemaIndex,
        uint64 expiresAt,
        string calldata uri
    ) external;

    /// @notice Revokes a single anchored fingerprint. Only its issuer may, only while it is
    /// accredited for the record's schema (a withdrawn key can change nothing), and not while the
    /// registry is paused.
    /// @param reason Reason code, non-zero.
    /// @param supersededBy Fingerprint of the replacing document, or zero.
    function revoke(bytes32 fingerprint, uint16 reason, bytes32 supersededBy) external;

    /// @notice Revokes one leaf of a batch, proven by `proof`. Only the batch's issuer may.
    function revokeLeaf(
        bytes32 root,
        bytes32 fingerprint,
        bytes32[] calldata proof,
        uint16 reason,
        bytes32 supersededBy
    ) external;

    /// @notice Reinstates a revoked single fingerprint, if its schema allows it.
    function reinstate(bytes32 fingerprint) external;

    /// @notice Reinstates a revoked leaf of a batch, if its schema allows it.
    function reinstateLeaf(bytes32 root, bytes32 fingerprint, bytes32[] calldata proof) external;

    /// @notice Stops every change to records (anchoring, revocation, reinstatement) until `unpause`,
    /// and reverts those calls with Pausable's `EnforcedPause()`. Restricted to the consortium (the
    /// pauser role). Accreditation goes on, so a compromised issuer can be withdrawn while paused, and
    /// verification is unaffected. Emits Pausable's `Paused(account)`.
    /// @dev The pause is written into every active accreditation, the one slot each anchor reads
    /// anyway, so anchors pay no extra storage read for it; `pause` and `unpause` cost about 7,600
    /// gas per active accreditation, and at most 2,000 may be active (`TooManyAccreditations`), so
    /// both always fit in one transaction, even under EIP-7825's 16,777,216-gas cap
    /// (docs/decisions/0002-anchor-hot-path.md).
    function pause() external;

    /// @notice Lets records change again. Restricted to the pauser role. Emits `Unpaused(account)`.
    function unpause() external;

    /// @notice Whether the registry is paused.
    function paused() external view returns (bool);

    /// @notice Verifies a single fingerprint.
    function verify(bytes32 fingerprint) external view returns (Verification memory);

    /// @notice Verifies a fingerprint as a leaf of the batch `root` with a Merkle `proof`.
    function verifyLeaf(
        bytes32 root,
        bytes32 fingerprint,
        bytes32[] calldata proof
    ) external view returns (Verification memory);

    /// @notice The accreditation of `issuer` for the schema with compact index `schemaIndex`.
    function accreditationByIndex(address issuer, uint32 schemaIndex) external view returns (Accreditation memory);

    /// @notice The record of a single anchored fingerprint (zero issuer when not anchored).
    function anchorOf(bytes32 fingerprint) external view returns (AnchorRecord memory);

    /// @notice The record of a batch root (zero issuer when not anchored).
    function batchOf(bytes32 root) external view returns (AnchorRecord memory);

    /// @notice Revocation of a single fingerprint (`batchRoot` zero) or of a leaf of `batchRoot`,
    /// as stored: see `Revocation` for when it is in force (`verify` answers that).
    function revocationOf(bytes32 batchRoot, bytes32 fingerprint) external view returns (Revocation memory);

    /// @notice The schema registry records refer to.
    function schemaRegistry() external view returns (address);

    /// @notice Semantic version of this contract.
    function version() external pure returns (string memory);
}
