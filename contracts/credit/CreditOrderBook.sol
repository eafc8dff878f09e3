// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {IConsentRegistry} from "../interfaces/IConsentRegistry.sol";
import {ICreditOrderBook} from "../interfaces/ICreditOrderBook.sol";
import {IFingerprintRegistry} from "../interfaces/IFingerprintRegistry.sol";
import {IIssuerRegistry} from "../interfaces/IIssuerRegistry.sol";
import {OrderIds} from "../libraries/OrderIds.sol";
import {Paging} from "../libraries/Paging.sol";

/// @title CreditOrderBook
/// @notice Credit report orders between recognised banks and credit agencies, gated by the subject's
/// consent. It has no administrator: who may act is decided by the IssuerRegistry (the committee),
/// and the ConsentRegistry must trust this contract as a consumer (a committee decision too).
contract CreditOrderBook is ICreditOrderBook {
    using EnumerableSet for EnumerableSet.Bytes32Set;

    IIssuerRegistry private immutable _issuers;
    IConsentRegistry private immutable _consents;
    IFingerprintRegistry private immutable _fingerprints;
    bytes32 private immutable _creditReportSchema;
    bytes32 private immutable _creditReportPurpose;
    uint64 private immutable _maxResponseTime;

    mapping(bytes32 orderId => Order order) private _orders;
    mapping(address requester => bytes32[] orderIds) private _byRequester;
    mapping(address provider => bytes32[] orderIds) private _byProvider;
    mapping(address subject => bytes32[] orderIds) private _bySubject;
    mapping(OrderState state => EnumerableSet.Bytes32Set orderIds) private _byState;
    mapping(bytes32 reportFingerprint => bytes32 orderId) private _orderOfReport;

    /// @param creditReportSchema_ Schema id reports are anchored under and consents must cover.
    /// @param creditReportPurpose_ Purpose code consents must carry.
    /// @param maxResponseTime_ The longest response deadline a requester may set, in seconds from now.
    constructor(
        IIssuerRegistry issuers_,
        IConsentRegistry consents_,
        IFingerprintRegistry fingerprints_,
        bytes32 creditReportSchema_,
        bytes32 creditReportPurpose_,
        uint64 maxResponseTime_
    ) {
        _issuers = issuers_;
        _consents = consents_;
        _fingerprints = fingerprints_;
        _creditReportSchema = creditReportSchema_;
        _creditReportPurpose = creditReportPurpose_;
        _maxResponseTime = maxResponseTime_;
    }

    // ---------------------------------------------------------------- requester (bank)

    /// @inheritdoc ICreditOrderBook
    function request(OrderRequest calldata order_) external returns (bytes32 orderId) {
        _requireRecognized(msg.sender, IIssuerRegistry.IssuerType.Bank);
        _requireRecognized(order_.provider, IIssuerRegistry.IssuerType.CreditAgency);
        if (
            order_.responseDeadline <= block.timestamp || order_.responseDeadline > block.timestamp + _maxResponseTime
        ) {
            revert InvalidDeadline(order_.responseDeadline);
        }
        if (_consents.consent(order_.consentId).owner != order_.subject) {
            revert ConsentSubjectMismatch(order_.consentId, order_.subject);
        }

        bytes32[] storage placed = _byRequester[msg.sender];
        orderId = OrderIds.derive(msg.sender, placed.length);
        // The consent's use is logged against this order; it reverts unless the consent lets this
        // bank obtain the subject's credit report now.
        _consents.consume(order_.consentId, msg.sender, _creditReportPurpose, _creditReportSchema, orderId);

        Order storage stored = _orders[orderId];
        stored.requester = msg.sender;
        stored.state = OrderState.Requested;
        stored.requestedAt = uint64(block.timestamp);
        stored.updatedAt = uint64(block.timestamp);
        stored.request = order_;
        placed.push(orderId);
        _byProvider[order_.provider].push(orderId);
        _bySubject[order_.subject].push(orderId);
        _byState[OrderState.Requested].add(orderId);
        emit OrderRequested(
            orderId,
            msg.sender,
            order_.provider,
            order_.subject,
            order_.productCode,
            order_.consentId,
            order_.requestHash,
            order_.responseDeadline
        );
    }

    /// @inheritdoc ICreditOrderBook
    function cancel(bytes32 orderId) external {
        Order storage stored = _requireOrder(orderId);
        _requireParty(orderId, stored.requester);
        _requireState(orderId, stored, OrderState.Requested);
        _requireBeforeDeadline(orderId, stored);
        _transition(orderId, stored, OrderState.Cancelled, bytes32(0));
    }

    /// @inheritdoc ICreditOrderBook
    function confirm(bytes32 orderId) external {
        Order storage stored = _requireOrder(orderId);
        _requireParty(orderId, stored.requester);
        _requireState(orderId, stored, OrderState.Delivered);
        _transition(orderId, stored, OrderState.Confirmed, bytes32(0));
    }

    /// @inheritdoc ICreditOrderBook
    function dispute(bytes32 orderId, bytes32 reasonCode) external {
        if (reasonCode == bytes32(0)) revert MissingReason();
        Order storage stored = _requireOrder(orderId);
        _requireParty(orderId, stored.requester);
        _requireState(orderId, stored, OrderState.Delivered);
        stored.reasonCode = reasonCode;
        _transition(orderId, stored, OrderState.Disputed, reasonCode);
    }

    // ---------------------------------------------------------------- provider (credit agency)

    /// @inheritdoc ICreditOrderBook
    function accept(bytes32 orderId) external {
        Order storage stored = _requireOrder(orderId);
        _requireProvider(orderId, stored);
        _requireState(orderId, stored, OrderState.Requested);
        _requireBeforeDeadline(orderId, stored);
        _transition(orderId, stored, OrderState.Accepted, bytes32(0));
    }

    /// @inheritdoc ICreditOrderBook
    function reject(bytes32 orderId, bytes32 reasonCode) external {
        if (reasonCode == bytes32(0)) revert MissingReason();
        Order storage stored = _requireOrder(orderId);
        _requireProvider(orderId, stored);
        _requireState(orderId, stored, OrderState.Requested);
        _requireBeforeDeadline(orderId, stored);
        stored.reasonCode = reasonCode;
        _transition(orderId, stored, OrderState.Rejected, reasonCode);
    }

    /// @inheritdoc ICreditOrderBook
    function deliver(bytes32 orderId, bytes32 reportFingerprint) external {
        Order storage stored = _requireOrder(orderId);
        _requireProvider(orderId, stored);
        _requireState(orderId, stored, OrderState.Accepted);
        _requireBeforeDeadline(orderId, stored);
        IFingerprintRegistry.Verification memory record = _fingerprints.verify(reportFingerprint);
        // A report is made for this order: anchored by its provider under the credit-report schema
        // since the order was placed, and delivered for no other order.
        if (
            record.status != IFingerprintRegistry.VerificationStatus.Valid ||
            record.issuer != msg.sender ||
            record.schemaId != _creditReportSchema ||
            record.anchoredAt < stored.requestedAt
        ) revert ReportNotAnchored(orderId, reportFingerprint);
        bytes32 previousOrder = _orderOfReport[reportFingerprint];
        if (previousOrder != bytes32(0)) revert ReportAlreadyDelivered(reportFingerprint, previousOrder);
        _orderOfReport[reportFingerprint] = orderId;
        stored.reportFingerprint = reportFingerprint;
        _transition(orderId, stored, OrderState.Delivered, reportFingerprint);
    }

    // ---------------------------------------------------------------- anyone

    /// @inheritdoc ICreditOrderBook
    function expire(bytes32 orderId) external {
        Order storage stored = _requireOrder(orderId);
        OrderState state = stored.state;
        if (state != OrderState.Requested && state != OrderState.Accepted) revert InvalidTransition(orderId, state);
        uint64 deadline = stored.request.responseDeadline;
        if (block.timestamp <= deadline) revert OrderNotExpired(orderId, deadline);
        _transition(orderId, stored, OrderState.Expired, bytes32(0));
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICreditOrderBook
    function order(bytes32 orderId) external view returns (Order memory) {
        return _requireOrderView(orderId);
    }

    /// @inheritdoc ICreditOrderBook
    function effectiveState(bytes32 orderId) external view returns (OrderState) {
        Order storage stored = _requireOrderView(orderId);
        OrderState state = stored.state;
        if (
            (state == OrderState.Requested || state == OrderState.Accepted) &&
            block.timestamp > stored.request.responseDeadline
        ) return OrderState.Expired;
        return state;
    }

    /// @inheritdoc ICreditOrderBook
    function orderIdOf(address requester, uint256 index) external pure returns (bytes32) {
        return OrderIds.derive(requester, index);
    }

    /// @inheritdoc ICreditOrderBook
    function ordersByRequester(
        address requester,
        uint256 offset,
        uint256 limit
    ) external view returns (bytes32[] memory) {
        return Paging.page(_byRequester[requester], offset, limit);
    }

    /// @inheritdoc ICreditOrderBook
    function ordersByProvider(
        address provider,
        uint256 offset,
        uint256 limit
    ) external view returns (bytes32[] memory) {
        return Paging.page(_byProvider[provider], offset, limit);
    }

    /// @inheritdoc ICreditOrderBook
    function ordersBySubject(address subject, uint256 offset, uint256 limit) external view returns (bytes32[] memory) {
        return Paging.page(_bySubject[subject], offset, limit);
    }

    /// @inheritdoc ICreditOrderBook
    function ordersByState(OrderState state, uint256 offset, uint256 limit) external view returns (bytes32[] memory) {
        EnumerableSet.Bytes32Set storage ids = _byState[state];
        uint256 length = ids.length();
        if (offset >= length) return new bytes32[](0);
        uint256 end = length - offset > limit ? offset + limit : length;
        return ids.values(offset, end);
    }

    /// @inheritdoc ICreditOrderBook
    function orderCounts(
        address requester,
        address provider,
        address subject,
        OrderState state
    ) external view returns (uint256 byRequester, uint256 byProvider, uint256 bySubject, uint256 byState) {
        return (
            _byRequester[requester].length,
            _byProvider[provider].length,
            _bySubject[subject].length,
            _byState[state].length()
        );
    }

    /// @inheritdoc ICreditOrderBook
    function creditReportPurpose() external view returns (bytes32) {
        return _creditReportPurpose;
    }

    /// @inheritdoc ICreditOrderBook
    function creditReportSchema() external view returns (bytes32) {
        return _creditReportSchema;
    }

    /// @notice The longest response deadline a requester may set, in seconds from the request.
    function maxResponseTime() external view returns (uint64) {
        return _maxResponseTime;
    }

    /// @notice Version of this contract.
    function version() external pure returns (string memory) {
        return "0.1.0";
    }

    // ---------------------------------------------------------------- internals

    function _transition(bytes32 orderId, Order storage stored, OrderState next, bytes32 detail) private {
        _byState[stored.state].remove(orderId);
        _byState[next].add(orderId);
        stored.state = next;
        stored.updatedAt = uint64(block.timestamp);
        emit OrderStateChanged(orderId, msg.sender, next, detail);
    }

    function _requireRecognized(address account, IIssuerRegistry.IssuerType expected) private view {
        (IIssuerRegistry.IssuerType issuerType, IIssuerRegistry.IssuerStatus status) = _issuers.standing(account);
        if (issuerType != expected || status != IIssuerRegistry.IssuerStatus.Recognized) {
            revert NotRecognizedAs(account, uint8(expected));
        }
    }

    function _requireOrder(bytes32 orderId) private view returns (Order storage stored) {
        stored = _orders[orderId];
        if (stored.state == OrderState.None) revert OrderNotFound(orderId);
    }

    function _requireOrderView(bytes32 orderId) private view returns (Order storage) {
        return _requireOrder(orderId);
    }

    function _requireParty(bytes32 orderId, address expected) private view {
        if (msg.sender != expected) revert NotOrderParty(orderId, msg.sender, expected);
    }

    /// @dev The provider named in the order, still a recognised credit agency.
    function _requireProvider(bytes32 orderId, Order storage stored) private view {
        _requireParty(orderId, stored.request.provider);
        _requireRecognized(msg.sender, IIssuerRegistry.IssuerType.CreditAgency);
    }

    function _requireState(bytes32 orderId, Order storage stored, OrderState expected) private view {
        OrderState state = stored.state;
        if (state != expected) revert InvalidTransition(orderId, state);
    }

    function _requireBeforeDeadline(bytes32 orderId, Order storage stored) private view {
        uint64 deadline = stored.request.responseDeadline;
        if (block.timestamp > deadline) revert OrderDeadlinePassed(orderId, deadline);
    }
}
