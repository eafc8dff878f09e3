// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IConsentRegistry
/// @notice Purpose-bound consents of data owners (persons or enterprises, identified by their DID
/// address) and the log of every use made of them — DDTP's "the owner authorises, the use is
/// recorded". A consent lets one grantee use data of the listed schemas for one purpose, between two
/// times, at most a number of times; the owner revokes it whenever they like, effective at once.
/// Owners grant directly or by an EIP-712 signature that anyone relays (chain id, nonce and deadline
/// signed; ERC-1271 contract wallets accepted, so an enterprise can consent through its multisig).
/// No personal data: owners and grantees are addresses, purposes and scopes are codes and schema ids.
///
/// Field mapping to a Kantara consent receipt: docs/consent.md.
interface IConsentRegistry {
    /// @notice What an owner consents to.
    /// @param grantee Who may use the data (e.g. the bank).
    /// @param purpose Purpose code, e.g. bytes32("credit-assessment").
    /// @param scope Schema ids of the data covered (1 to 16).
    /// @param validFrom Unix time from which the consent may be used.
    /// @param validUntil Unix time until which (exclusive) it may be used.
    /// @param maxUses How many times it may be used; 0 means no limit.
    struct ConsentTerms {
        address grantee;
        bytes32 purpose;
        bytes32[] scope;
        uint64 validFrom;
        uint64 validUntil;
        uint32 maxUses;
    }

    /// @notice A granted consent.
    /// @param owner The data owner (their DID address).
    /// @param grantedAt Block timestamp of the grant.
    /// @param revokedAt Block timestamp of the revocation (0 while not revoked).
    /// @param uses How many times it was used.
    /// @param terms What was consented to.
    struct Consent {
        address owner;
        uint64 grantedAt;
        uint64 revokedAt;
        uint32 uses;
        ConsentTerms terms;
    }

    /// @notice Emitted when `owner` grants a consent (directly, or by signature when `relayer` differs).
    event ConsentGranted(
        bytes32 indexed consentId,
        address indexed owner,
        address indexed grantee,
        bytes32 purpose,
        bytes32[] scope,
        uint64 validFrom,
        uint64 validUntil,
        uint32 maxUses,
        address relayer
    );
    /// @notice Emitted when the owner revokes a consent.
    event ConsentRevoked(bytes32 indexed consentId, address indexed owner, address indexed grantee);
    /// @notice The usage log: one event per use of a consent.
    /// @param consumer The account that recorded the use (the grantee, or a trusted consumer acting for it).
    /// @param schemaId The schema of the data used (one of the consent's scope).
    /// @param usageReference What the use was for, e.g. a credit order id.
    /// @param uses The consent's use count after this use.
    event ConsentConsumed(
        bytes32 indexed consentId,
        address indexed owner,
        address indexed grantee,
        address consumer,
        bytes32 schemaId,
        bytes32 usageReference,
        uint32 uses
    );
    /// @notice Emitted when the consortium trusts (or stops trusting) a contract to record uses for grantees.
    event TrustedConsumerSet(address indexed consumer, bool trusted);

    /// @notice No consent has this id.
    error ConsentNotFound(bytes32 consentId);
    /// @notice Only the owner may do this.
    error NotConsentOwner(bytes32 consentId, address caller);
    /// @notice The consent was revoked before.
    error ConsentAlreadyRevoked(bytes32 consentId);
    /// @notice The grantee is zero or the owner, the scope is empty, too long or holds a zero or
    /// repeated schema id, the purpose is zero, or the validity period is empty.
    error InvalidConsentTerms();
    /// @notice The signed request's deadline has passed.
    error SignatureExpired(uint256 deadline);
    /// @notice The signature is not the owner's signature of these terms with the current nonce.
    error InvalidSignature(address owner);
    /// @notice `consumer` may not record uses of this consent (it is neither its grantee nor a trusted
    /// consumer acting for the grantee).
    error UnauthorizedConsumer(bytes32 consentId, address consumer);
    /// @notice The consent was revoked at `revokedAt`.
    error ConsentWasRevoked(bytes32 consentId, uint64 revokedAt);
    /// @notice The consent is not valid at this time (before `validFrom` or from `validUntil` on).
    error ConsentNotInForce(bytes32 consentId, uint64 validFrom, uint64 validUntil);
    /// @notice The consent was used `maxUses` times already.
    error ConsentExhausted(bytes32 consentId, uint32 maxUses);
    /// @notice The schema is not in the consent's scope.
    error OutOfScope(bytes32 consentId, bytes32 schemaId);
    /// @notice The purpose is not the consent's purpose.
    error PurposeMismatch(bytes32 consentId, bytes32 purpose);
    /// @notice Only a contract can be trusted as a consumer: `consumer` has no code.
    error ConsumerNotAContract(address consumer);

    /// @notice Grants a consent as the caller (the owner). Returns its id.
    function grant(ConsentTerms calldata terms) external returns (bytes32 consentId);

    /// @notice Grants a consent for `owner` from their EIP-712 signature of
    /// `Grant(address owner,address grantee,bytes32 purpose,bytes32[] scope,uint64 validFrom,
    /// uint64 validUntil,uint32 maxUses,uint256 nonce,uint256 deadline)`; anyone may relay it.
    function grantBySig(
        address owner,
        ConsentTerms calldata terms,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 consentId);

    /// @notice Revokes a consent, effective immediately. Only its owner.
    function revoke(bytes32 consentId) external;

    /// @notice Revokes a consent from its owner's EIP-712 signature of
    /// `Revoke(bytes32 consentId,uint256 nonce,uint256 deadline)`; anyone may relay it.
    function revokeBySig(bytes32 consentId, uint256 deadline, bytes calldata signature) external;

    /// @notice Records one use of a consent for `purpose` and `schemaId` by `grantee`, which must be
    /// the consent's grantee; the caller is the grantee itself, or a trusted consumer (e.g. the credit
    /// order book) acting for it. Reverts when the consent is revoked, not in force, exhausted, out of scope
    /// or for another purpose.
    function consume(
        bytes32 consentId,
        address grantee,
        bytes32 purpose,
        bytes32 schemaId,
        bytes32 usageReference
    ) external;

    /// @notice Trusts `consumer` (a contract of the consortium) to record uses for grantees, or
    /// stops trusting it. Restricted to the consortium (the committee). Trusting an account without
    /// code reverts with `ConsumerNotAContract`; distrusting any account is allowed.
    function setTrustedConsumer(address consumer, bool trusted) external;

    /// @notice Whether `consumer` is trusted to record uses for grantees.
    function isTrustedConsumer(address consumer) external view returns (bool);

    /// @notice The consent `consentId`.
    function consent(bytes32 consentId) external view returns (Consent memory);

    /// @notice Whether the consent can be used now for `purpose` and `schemaId` (exists, not revoked,
    /// in force, not exhausted, in scope, same purpose).
    function isUsable(bytes32 consentId, bytes32 purpose, bytes32 schemaId) external view returns (bool);

    /// @notice Whether `owner` has a consent usable now by `grantee` for `purpose` and `schemaId`.
    function isAuthorized(
        address owner,
        address grantee,
        bytes32 purpose,
        bytes32 schemaId
    ) external view returns (bool);

    /// @notice The id of the `index`-th consent (0-based) `owner` grants:
    /// keccak256(abi.encode(bytes32("crossproof.consent.v1"), owner, index)) (library ConsentIds,
    /// mirrored in the SDK).
    function consentIdOf(address owner, uint256 index) external pure returns (bytes32);

    /// @notice Number of consents `owner` granted.
    function consentCountByOwner(address owner) external view returns (uint256);

    /// @notice Consents `owner` granted, oldest first, `limit` from `offset`.
    function consentsByOwner(address owner, uint256 offset, uint256 limit) external view returns (bytes32[] memory);

    /// @notice Number of consents granted to `grantee`.
    function consentCountByGrantee(address grantee) external view returns (uint256);

    /// @notice Consents granted to `grantee`, oldest first, `limit` from `offset`.
    function consentsByGrantee(address grantee, uint256 offset, uint256 limit) external view returns (bytes32[] memory);
}
