// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ICreditOrderBook
/// @notice The Pearl River Delta credit chain, done openly: a query agency (a bank) orders a credit
/// report about a subject enterprise from a credit agency, only with the enterprise's consent; the
/// agency accepts or rejects, then delivers the report's fingerprint (anchored under the
/// credit-report schema; the report itself travels off chain); the bank confirms it or disputes it.
/// Every transition is an event carrying the order id, the actors and the new state, so a regulator's
/// observer node rebuilds every order from logs. Who may act comes from the consortium's
/// IssuerRegistry: requesters are recognised banks, providers recognised credit agencies.
///
/// Lifecycle:
///   Requested → Accepted → Delivered → Confirmed | Disputed
///   Requested → Rejected | Cancelled (by the requester)
///   Requested | Accepted → Expired (once the response deadline has passed; anyone may record it)
/// Rejected, Cancelled, Expired, Confirmed and Disputed are final.
interface ICreditOrderBook {
    /// @notice Where an order is in its lifecycle.
    enum OrderState {
        None,
        Requested,
        Accepted,
        Rejected,
        Cancelled,
        Expired,
        Delivered,
        Confirmed,
        Disputed
    }

    /// @notice What a requester orders.
    /// @param provider The credit agency asked for the report.
    /// @param responseDeadline Unix time by which the report must be delivered.
    /// @param subject The enterprise the report is about (its DID address).
    /// @param productCode Which report, e.g. bytes32("enterprise-credit-basic").
    /// @param consentId The subject's consent to the requester for the credit-report purpose.
    /// @param requestHash SHA-256 of the off-chain request document (query parameters), or zero.
    struct OrderRequest {
        address provider;
        uint64 responseDeadline;
        address subject;
        bytes32 productCode;
        bytes32 consentId;
        bytes32 requestHash;
    }

    /// @notice One order.
    /// @param requester The query agency (bank) that placed it.
    /// @param state Current state (as stored: see {effectiveState} for expiry).
    /// @param requestedAt Block timestamp of the request.
    /// @param updatedAt Block timestamp of the latest transition.
    /// @param reportFingerprint Fingerprint of the delivered report (zero before delivery).
    /// @param reasonCode Why it was rejected or disputed (zero otherwise).
    /// @param request What was ordered.
    struct Order {
        address requester;
        OrderState state;
        uint64 requestedAt;
        uint64 updatedAt;
        bytes32 reportFingerprint;
        bytes32 reasonCode;
        OrderRequest request;
    }

    /// @notice Emitted when a requester places an order (its consent use is logged by the ConsentRegistry).
    event OrderRequested(
        bytes32 indexed orderId,
        address indexed requester,
        address indexed provider,
        address subject,
        bytes32 productCode,
        bytes32 consentId,
        bytes32 requestHash,
        uint64 responseDeadline
    );
    /// @notice Emitted on every transition after the request, with the actor and the new state.
    /// @param detail The report fingerprint (Delivered), the reason code (Rejected, Disputed), else zero.
    event OrderStateChanged(bytes32 indexed orderId, address indexed actor, OrderState indexed state, bytes32 detail);

    /// @notice No order has this id.
    error OrderNotFound(bytes32 orderId);
    /// @notice `account` is not a recognised issuer of the type this action needs.
    error NotRecognizedAs(address account, uint8 issuerType);
    /// @notice Only `expected` may do this to the order.
    error NotOrderParty(bytes32 orderId, address caller, address expected);
    /// @notice The order is `state`, which does not allow this transition.
    error InvalidTransition(bytes32 orderId, OrderState state);
    /// @notice The response deadline must be in the future and at most `maxResponseTime` away.
    error InvalidDeadline(uint64 responseDeadline);
    /// @notice The consent does not belong to the subject.
    error ConsentSubjectMismatch(bytes32 consentId, address subject);
    /// @notice The response deadline has passed: the order can only expire.
    error OrderDeadlinePassed(bytes32 orderId, uint64 responseDeadline);
    /// @notice The deadline has not passed yet.
    error OrderNotExpired(bytes32 orderId, uint64 responseDeadline);
    /// @notice The report fingerprint is not a valid record the provider anchored under the
    /// credit-report schema since the order was placed.
    error ReportNotAnchored(bytes32 orderId, bytes32 reportFingerprint);
    /// @notice This report was delivered for another order already.
    error ReportAlreadyDelivered(bytes32 reportFingerprint, bytes32 orderId);
    /// @notice A reason code is required.
    error MissingReason();

    /// @notice Places an order; consumes one use of the subject's consent (purpose credit report,
    /// scope the credit-report schema). Only a recognised bank. Returns the order id.
    function request(OrderRequest calldata order) external returns (bytes32 orderId);

    /// @notice The provider accepts the order before its deadline.
    function accept(bytes32 orderId) external;

    /// @notice The provider rejects the order, with a reason code, before its deadline.
    function reject(bytes32 orderId, bytes32 reasonCode) external;

    /// @notice The requester cancels the order before it is accepted and before its deadline.
    function cancel(bytes32 orderId) external;

    /// @notice The provider delivers: `reportFingerprint` must be a valid single record it anchored
    /// under the credit-report schema in the FingerprintRegistry since the order was placed, not
    /// delivered for any other order. Before the deadline.
    function deliver(bytes32 orderId, bytes32 reportFingerprint) external;

    /// @notice The requester confirms the delivered report.
    function confirm(bytes32 orderId) external;

    /// @notice The requester disputes the delivered report, with a reason code.
    function dispute(bytes32 orderId, bytes32 reasonCode) external;

    /// @notice Records the expiry of a requested or accepted order whose deadline has passed. Anyone.
    function expire(bytes32 orderId) external;

    /// @notice The order `orderId`.
    function order(bytes32 orderId) external view returns (Order memory);

    /// @notice The order's state, counting an unrecorded expiry as Expired.
    function effectiveState(bytes32 orderId) external view returns (OrderState);

    /// @notice The id of the `index`-th order (0-based) of `requester`:
    /// keccak256(abi.encode(bytes32("crossproof.credit-order.v1"), requester, index)) (library
    /// OrderIds, mirrored in the SDK).
    function orderIdOf(address requester, uint256 index) external pure returns (bytes32);

    /// @notice Orders placed by `requester`, oldest first, `limit` from `offset`.
    function ordersByRequester(
        address requester,
        uint256 offset,
        uint256 limit
    ) external view returns (bytes32[] memory);

    /// @notice Orders addressed to `provider`, oldest first, `limit` from `offset`.
    function ordersByProvider(address provider, uint256 offset, uint256 limit) external view returns (bytes32[] memory);

    /// @notice Orders about `subject`, oldest first, `limit` from `offset`.
    function ordersBySubject(address subject, uint256 offset, uint256 limit) external view returns (bytes32[] memory);

    /// @notice Orders whose stored state is `state`, `limit` from `offset` (order not guaranteed).
    function ordersByState(OrderState state, uint256 offset, uint256 limit) external view returns (bytes32[] memory);

    /// @notice Counts for the paged views: by requester, provider, subject, and stored state.
    function orderCounts(
        address requester,
        address provider,
        address subject,
        OrderState state
    ) external view returns (uint256 byRequester, uint256 byProvider, uint256 bySubject, uint256 byState);

    /// @notice The purpose code consents must carry, and the credit-report schema they must cover
    /// (and that reports are anchored under).
    function creditReportPurpose() external view returns (bytes32);

    /// @notice The credit-report schema id.
    function creditReportSchema() external view returns (bytes32);
}
