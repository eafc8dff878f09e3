// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IDIDRegistry
/// @notice Registry of `did:ethr` identities, compatible with ERC-1056 (the `EthereumDIDRegistry`
/// that the unmodified `ethr-did-resolver` reads): same views, same unsigned writes, same events
/// with the `previousChange` back-links the resolver walks. Two deliberate differences:
/// - Signed (gasless) writes use EIP-712 typed data with the chain id, this registry's address, a
///   per-identity nonce and a deadline, and accept ERC-1271 contract wallets as owners. ERC-1056's
///   ERC-191 signatures carry no chain id and could be replayed on another chain; they are not offered.
/// - Deactivation is final. `changeOwner(identity, address(0))` deactivates the identity: from then
///   on `identityOwner` returns the zero address and every write reverts. (In ERC-1056 the zero
///   owner silently hands control back to the identity's own key.)
/// No personal data belongs here: a person uses one pairwise identity per relationship and keeps
/// attributes to public keys and service endpoints (see docs/privacy.md).
interface IDIDRegistry {
    /// @notice Emitted when the owner (controller) of `identity` changes; `owner` is the zero
    /// address when the identity is deactivated.
    /// @param previousChange Block number of the identity's previous change (0 for the first one).
    event DIDOwnerChanged(address indexed identity, address owner, uint256 previousChange);

    /// @notice Emitted when a delegate is added (`validTo` in the future) or revoked (`validTo` is
    /// the revocation's block timestamp).
    /// @param delegateType The delegate type, e.g. bytes32("veriKey") or bytes32("sigAuth").
    /// @param validTo Unix time until which the delegate is valid.
    /// @param previousChange Block number of the identity's previous change.
    event DIDDelegateChanged(
        address indexed identity,
        bytes32 delegateType,
        address delegate,
        uint256 validTo,
        uint256 previousChange
    );

    /// @notice Emitted when an attribute (a public key or service endpoint, named in the
    /// `did/pub/...` or `did/svc/...` convention) is set (`validTo` in the future) or revoked (`validTo` 0).
    /// @param previousChange Block number of the identity's previous change.
    event DIDAttributeChanged(
        address indexed identity,
        bytes32 name,
        bytes value,
        uint256 validTo,
        uint256 previousChange
    );

    /// @notice `actor` is not the current owner of `identity`.
    error NotIdentityOwner(address identity, address actor);
    /// @notice `identity` was deactivated; nothing can change it any more.
    error IdentityDeactivated(address identity);
    /// @notice The signed request's deadline has passed.
    error SignatureExpired(uint256 deadline);
    /// @notice The signature is not a valid signature of the request by `owner`, the identity's
    /// current owner (an ECDSA key, or an ERC-1271 contract wallet).
    error InvalidSignature(address identity, address owner);
    /// @notice `block.timestamp + validity` does not fit in 256 bits.
    error ValidityTooLong(uint256 validity);

    /// @notice The current owner of `identity`: the identity itself until changed, the zero address
    /// once deactivated.
    function identityOwner(address identity) external view returns (address);

    /// @notice Block number of the last change to `identity` (0 if never changed): where a resolver
    /// starts walking the `previousChange` chain of events.
    function changed(address identity) external view returns (uint256);

    /// @notice The next nonce a signed write for `identity` must carry (ERC-1056 name; here kept
    /// per identity rather than per owner).
    function nonce(address identity) external view returns (uint256);

    /// @notice Until when `delegate` is valid for `identity` (Unix time; 0 if never added).
    /// @param delegateTypeHash keccak256(abi.encode(delegateType)), as in ERC-1056.
    function delegates(address identity, bytes32 delegateTypeHash, address delegate) external view returns (uint256);

    /// @notice Whether `delegate` is a currently valid delegate of `delegateType` for `identity`
    /// (never, once the identity is deactivated).
    function validDelegate(address identity, bytes32 delegateType, address delegate) external view returns (bool);

    /// @notice Whether `identity` was deactivated.
    function isDeactivated(address identity) external view returns (bool);

    /// @notice Makes `newOwner` the owner of `identity`; the zero address deactivates it for good.
    /// Only the current owner may call.
    function changeOwner(address identity, address newOwner) external;

    /// @notice Adds `delegate` of `delegateType` for `validity` seconds. Only the owner may call.
    function addDelegate(address identity, bytes32 delegateType, address delegate, uint256 validity) external;

    /// @notice Revokes `delegate` of `delegateType` now. Only the owner may call.
    function revokeDelegate(address identity, bytes32 delegateType, address delegate) external;

    /// @notice Publishes attribute `name` = `value` for `validity` seconds. Only the owner may call.
    function setAttribute(address identity, bytes32 name, bytes calldata value, uint256 validity) external;

    /// @notice Revokes attribute `name` = `value`. Only the owner may call.
    function revokeAttribute(address identity, bytes32 name, bytes calldata value) external;

    /// @notice {changeOwner} authorised by the owner's EIP-712 signature of
    /// `ChangeOwner(address identity,address newOwner,uint256 nonce,uint256 deadline)`.
    function changeOwnerSigned(address identity, address newOwner, uint256 deadline, bytes calldata signature) external;

    /// @notice {addDelegate} authorised by the owner's EIP-712 signature of `AddDelegate(address
    /// identity,bytes32 delegateType,address delegate,uint256 validity,uint256 nonce,uint256 deadline)`.
    function addDelegateSigned(
        address identity,
        bytes32 delegateType,
        address delegate,
        uint256 validity,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice {revokeDelegate} authorised by the owner's EIP-712 signature of
    /// `RevokeDelegate(address identity,bytes32 delegateType,address delegate,uint256 nonce,uint256 deadline)`.
    function revokeDelegateSigned(
        address identity,
        bytes32 delegateType,
        address delegate,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice {setAttribute} authorised by the owner's EIP-712 signature of
    /// `SetAttribute(address identity,bytes32 name,bytes value,uint256 validity,uint256 nonce,uint256 deadline)`.
    function setAttributeSigned(
        address identity,
        bytes32 name,
        bytes calldata value,
        uint256 validity,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice {revokeAttribute} authorised by the owner's EIP-712 signature of
    /// `RevokeAttribute(address identity,bytes32 name,bytes value,uint256 nonce,uint256 deadline)`.
    function revokeAttributeSigned(
        address identity,
        bytes32 name,
        bytes calldata value,
        uint256 deadline,
        bytes calldata signature
    ) external;
}
