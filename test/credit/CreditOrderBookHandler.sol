// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {CreditOrderBook} from "../../contracts/credit/CreditOrderBook.sol";
import {FingerprintRegistry} from "../../contracts/fingerprints/FingerprintRegistry.sol";
import {IssuerRegistry} from "../../contracts/identity/IssuerRegistry.sol";
import {IConsentRegistry} from "../../contracts/interfaces/IConsentRegistry.sol";
import {ICreditOrderBook} from "../../contracts/interfaces/ICreditOrderBook.sol";
import {IFingerprintRegistry} from "../../contracts/interfaces/IFingerprintRegistry.sol";
import {IIssuerRegistry} from "../../contracts/interfaces/IIssuerRegistry.sol";
import {ISchemaRegistry} from "../../contracts/interfaces/ISchemaRegistry.sol";
import {CheatCodes, Vm} from "../utils/Vm.sol";

/// @title CreditOrderBookHandler
/// @notice Drives a CreditOrderBook wired to its registries for invariant tests: banks (and random
/// accounts) place orders with fresh consents of the enterprises — valid ones, and revoked,
/// expired, foreign, misdirected, wrong-purpose and out-of-scope ones — the agencies accept, reject
/// and deliver (anchoring a fresh report first, sometimes a wrong one), the banks confirm, dispute and
/// cancel, anyone expires, time passes, the committee suspends and reinstates issuers and trusts or
/// distrusts the order book, and random accounts attempt every transition.
/// @dev The invariant runner ignores reverts (failOnRevert = false), so the handler never asserts:
/// it records what it did not expect in `violations` / `unexpectedFailures`. What each call should
/// do is derived from the contracts' current state before the call. After every step it reads the
/// logs of the step the way a regulator's observer node would and rebuilds every order from them;
/// the invariants compare that rebuild with storage.
contract CreditOrderBookHandler is CheatCodes {
    enum Action {
        Accept,
        Reject,
        Cancel,
        Deliver,
        Confirm,
        Dispute,
        Expire
    }

    /// What the model predicts for a call. `Either` is kept for outcomes the model leaves open (none
    /// at present: reject and cancel after the deadline now fail).
    enum Expect {
        Failure,
        Success,
        Either
    }

    /// Exactly two banks, two agencies and two subjects (the first of each is the usual party).
    struct Parties {
        address committee;
        address[] banks;
        address[] agencies;
        address[] subjects;
        address[] outsiders;
    }

    uint256 internal constant ACTION_COUNT = 7;
    uint32 public constant CREDIT_REPORT_INDEX = 1;
    uint32 public constant OTHER_INDEX = 2;
    bytes32 public constant WRONG_PURPOSE = "marketing";
    uint64 internal constant CONSENT_VALIDITY = 365 days;

    CreditOrderBook public immutable book;
    ConsentRegistry public immutable consents;
    FingerprintRegistry public immutable fingerprints;
    IssuerRegistry public immutable issuers;
    address public immutable committee;
    bytes32 public immutable creditReportSchema;
    bytes32 public immutable otherSchema;
    bytes32 public immutable purpose;
    uint64 public immutable maxResponseTime;

    address[] internal _banks;
    address[] internal _agencies;
    address[] internal _subjects;
    address[] internal _actors; // everyone, for random attempts

    // ---------------------------------------------------------------- ghost state
    bytes32[] internal _orders;
    /// Reports delivered for some order (a report serves one order only).
    mapping(bytes32 reportFingerprint => bool delivered) private _deliveredReports;
    mapping(bytes32 orderId => bool known) public known;
    /// Consent each order was placed with, as the handler passed it.
    mapping(bytes32 orderId => bytes32 consentId) public consentOf;
    /// Orders placed with each consent the handler granted (the consent's expected `uses`).
    mapping(bytes32 consentId => uint256 orders) public ordersUsing;
    bytes32[] internal _consents;

    /// The first final state each order reached, from the logs (None while not final).
    mapping(bytes32 orderId => ICreditOrderBook.OrderState state) public finalState;

    /// Rebuilt from the logs alone: state, parties and report of each order.
    mapping(bytes32 orderId => ICreditOrderBook.OrderState state) public loggedState;
    mapping(bytes32 orderId => address requester) public loggedRequester;
    mapping(bytes32 orderId => address provider) public loggedProvider;
    mapping(bytes32 orderId => address subject) public loggedSubject;
    mapping(bytes32 orderId => bytes32 fingerprint) public loggedReport;
    mapping(bytes32 orderId => bytes32 reason) public loggedReason;
    /// ConsentConsumed events whose usage reference is the order id.
    mapping(bytes32 orderId => uint256 count) public consumedFor;
    /// OrderStateChanged events by someone other than the party the new state allows.
    uint256 public actorViolations;
    /// Transitions in the logs that the lifecycle does not allow (from the logged state).
    uint256 public illegalLoggedTransitions;
    /// Logged transitions out of a final state.
    uint256 public finalStateExits;

    /// Something succeeded that must not have. Must stay 0.
    uint256 public violations;
    /// Something failed that must have succeeded. Must stay 0.
    uint256 public unexpectedFailures;
    string public lastProblem;

    uint256 public calls;
    uint256 public successfulRequests;
    uint256 public failedRequests;
    mapping(Action action => uint256 count) public successfulTransitions;
    uint256 public rejectedAttempts;
    uint256 public committeeChanges;
    uint256 internal _nonce;

    constructor(
        CreditOrderBook book_,
        ConsentRegistry consents_,
        FingerprintRegistry fingerprints_,
        IssuerRegistry issuers_,
        Parties memory parties
    ) {
        book = book_;
        consents = consents_;
        fingerprints = fingerprints_;
        issuers = issuers_;
        committee = parties.committee;
        creditReportSchema = book_.creditReportSchema();
        purpose = book_.creditReportPurpose();
        maxResponseTime = book_.maxResponseTime();
        otherSchema = ISchemaRegistry(fingerprints_.schemaRegistry()).schemaIdAt(OTHER_INDEX);
        _banks = parties.banks;
        _agencies = parties.agencies;
        _subjects = parties.subjects;
        _actors.push(parties.committee);
        for (uint256 i; i < parties.banks.length; ++i) _actors.push(parties.banks[i]);
        for (uint256 i; i < parties.agencies.length; ++i) _actors.push(parties.agencies[i]);
        for (uint256 i; i < parties.subjects.length; ++i) _actors.push(parties.subjects[i]);
        for (uint256 i; i < parties.outsiders.length; ++i) _actors.push(parties.outsiders[i]);
    }

    /// @dev Each step records its logs, then rebuilds the orders from them.
    modifier step() {
        ++calls;
        vm.recordLogs();
        _;
        _readLogs(vm.getRecordedLogs());
    }

    // ---------------------------------------------------------------- views for the invariants

    function orders() external view returns (bytes32[] memory) {
        return _orders;
    }

    function orderCount() external view returns (uint256) {
        return _orders.length;
    }

    function grantedConsents() external view returns (bytes32[] memory) {
        return _consents;
    }

    function banks() external view returns (address[] memory) {
        return _banks;
    }

    function agencies() external view returns (address[] memory) {
        return _agencies;
    }

    function subjects() external view returns (address[] memory) {
        return _subjects;
    }

    function successfulTransitionCount() public view returns (uint256 total) {
        for (uint256 a; a < ACTION_COUNT; ++a) total += successfulTransitions[Action(a)];
    }

    // ---------------------------------------------------------------- requester (bank)

    /// @param requesterSeed mod 8: 0–4 the first bank, 5–6 the second, 7 a random account.
    /// @param providerSeed mod 8: 0–4 the first agency, 5–6 the second, 7 a random account.
    /// @param subjectSeed Which enterprise the order is about.
    /// @param deadlineSeed mod 16: 0 now, 1 one second too far, 2 the longest, else within range.
    /// @param consentSeed mod 16 (uses: seed / 16 mod 4, 0 unlimited): 0–9 a fresh valid consent,
    /// 10 a consent granted before, 11 one to another bank, 12 a revoked one, 13 another purpose,
    /// scope or validity, 14 another subject's, 15 a fresh valid one.
    function request(
        uint256 requesterSeed,
        uint256 providerSeed,
        uint256 subjectSeed,
        uint256 deadlineSeed,
        uint256 consentSeed
    ) external step {
        address requester = _pickParty(_banks, requesterSeed);
        ICreditOrderBook.OrderRequest memory order = ICreditOrderBook.OrderRequest({
            provider: _pickParty(_agencies, providerSeed),
            responseDeadline: _deadline(deadlineSeed),
            subject: _subjects[subjectSeed % _subjects.length],
            productCode: bytes32(uint256(1 + (subjectSeed % 3))),
            consentId: bytes32(0),
            requestHash: keccak256(abi.encode("crossproof.invariant.request", ++_nonce))
        });
        order.consentId = _consentFor(requester, order.subject, consentSeed);

        bool expectSuccess = _requestAllowed(requester, order);
        (, , , uint256 requestedBefore) = book.orderCounts(address(0), address(0), address(0), _requested());
        (uint256 placedBefore, , , ) = book.orderCounts(requester, address(0), address(0), _requested());
        bytes32 expectedId = book.orderIdOf(requester, placedBefore);

        vm.prank(requester);
        try book.request(order) returns (bytes32 orderId) {
            if (!expectSuccess) {
                _violation("request succeeded but must not have");
                return;
            }
            ++successfulRequests;
            if (orderId != expectedId) _violation("order id is not orderIdOf(requester, index)");
            if (known[orderId]) _violation("order id reused");
            known[orderId] = true;
            _orders.push(orderId);
            consentOf[orderId] = order.consentId;
            ++ordersUsing[order.consentId];
            (, , , uint256 requestedAfter) = book.orderCounts(address(0), address(0), address(0), _requested());
            if (requestedAfter != requestedBefore + 1) _violation("request did not join the Requested set");
        } catch {
            ++failedRequests;
            if (expectSuccess) _unexpected("request failed");
        }
    }

    // ---------------------------------------------------------------- transitions

    /// @param actorSeed mod 4: 1–3 the order's provider, 0 a random account.
    function accept(uint256 orderSeed, uint256 actorSeed) external step {
        bytes32 orderId = _pickOrder(orderSeed, _requested());
        _attempt(Action.Accept, orderId, _actorFor(actorSeed, _provider(orderId)), bytes32(0));
    }

    /// @param reasonSeed mod 8 == 0 gives no reason.
    function reject(uint256 orderSeed, uint256 actorSeed, uint256 reasonSeed) external step {
        bytes32 orderId = _pickOrder(orderSeed, _requested());
        _attempt(Action.Reject, orderId, _actorFor(actorSeed, _provider(orderId)), _reason(reasonSeed));
    }

    function cancel(uint256 orderSeed, uint256 actorSeed) external step {
        bytes32 orderId = _pickOrder(orderSeed, _requested());
        _attempt(Action.Cancel, orderId, _actorFor(actorSeed, _requester(orderId)), bytes32(0));
    }

    /// @dev The caller anchors a fresh report first (see `_report` for the wrong ones).
    function deliver(uint256 orderSeed, uint256 actorSeed, uint256 reportSeed) external step {
        bytes32 orderId = _pickOrder(orderSeed, ICreditOrderBook.OrderState.Accepted);
        address actor = _actorFor(actorSeed, _provider(orderId));
        _attempt(Action.Deliver, orderId, actor, _report(actor, reportSeed));
    }

    function confirm(uint256 orderSeed, uint256 actorSeed) external step {
        bytes32 orderId = _pickOrder(orderSeed, ICreditOrderBook.OrderState.Delivered);
        _attempt(Action.Confirm, orderId, _actorFor(actorSeed, _requester(orderId)), bytes32(0));
    }

    function dispute(uint256 orderSeed, uint256 actorSeed, uint256 reasonSeed) external step {
        bytes32 orderId = _pickOrder(orderSeed, ICreditOrderBook.OrderState.Delivered);
        _attempt(Action.Dispute, orderId, _actorFor(actorSeed, _requester(orderId)), _reason(reasonSeed));
    }

    /// @dev Anyone may record an expiry.
    function expire(uint256 orderSeed, uint256 actorSeed) external step {
        ICreditOrderBook.OrderState preferred =
            (orderSeed / 16) % 2 == 0 ? _requested() : ICreditOrderBook.OrderState.Accepted;
        _attempt(Action.Expire, _pickOrder(orderSeed, preferred), _anyone(actorSeed), bytes32(0));
    }

    /// @notice A random account attempts a random transition on a random order.
    function randomAttempt(uint256 actionSeed, uint256 orderSeed, uint256 actorSeed, uint256 argSeed) external step {
        Action action = Action(actionSeed % ACTION_COUNT);
        address actor = _anyone(actorSeed);
        bytes32 arg = action == Action.Deliver ? _report(actor, argSeed) : _reason(argSeed);
        _attempt(action, _pickOrder(orderSeed, _requiredState(action)), actor, arg);
    }

    /// @notice Time passes: up to ten days.
    function warp(uint256 seed) external step {
        vm.warp(block.timestamp + bound(seed, 1, 10 days));
    }

    /// @notice The committee trusts the order book again if it stopped, else stops trusting it
    /// (seed mod 16 == 15) or suspends or reinstates the second bank or the second agency (the
    /// first ones stay recognised, so orders keep flowing). Outcomes are not judged here.
    function committeeChangesStanding(uint256 seed) external step {
        ++committeeChanges;
        bool trusted = consents.isTrustedConsumer(address(book));
        if (!trusted || seed % 16 == 15) {
            vm.prank(committee);
            consents.setTrustedConsumer(address(book), !trusted);
            return;
        }
        address target = seed % 2 == 0 ? _banks[1] : _agencies[1];
        (, IIssuerRegistry.IssuerStatus status) = issuers.standing(target);
        vm.prank(committee);
        if (status == IIssuerRegistry.IssuerStatus.Recognized) {
            try issuers.suspend(target, uint64(block.timestamp)) {} catch {}
        } else {
            try issuers.reinstate(target) {} catch {}
        }
    }

    // ---------------------------------------------------------------- the model

    function _requestAllowed(
        address requester,
        ICreditOrderBook.OrderRequest memory order
    ) private view returns (bool) {
        if (!_recognizedAs(requester, IIssuerRegistry.IssuerType.Bank)) return false;
        if (!_recognizedAs(order.provider, IIssuerRegistry.IssuerType.CreditAgency)) return false;
        if (order.responseDeadline <= block.timestamp || order.responseDeadline > block.timestamp + maxResponseTime) {
            return false;
        }
        IConsentRegistry.Consent memory consent;
        try consents.consent(order.consentId) returns (IConsentRegistry.Consent memory found) {
            consent = found;
        } catch {
            return false;
        }
        return
            consent.owner == order.subject &&
            consent.terms.grantee == requester &&
            consents.isTrustedConsumer(address(book)) &&
            consents.isUsable(order.consentId, purpose, creditReportSchema);
    }

    function _expect(Action action, bytes32 orderId, address actor, bytes32 arg) private view returns (Expect) {
        if ((action == Action.Reject || action == Action.Dispute) && arg == bytes32(0)) return Expect.Failure;
        if (!known[orderId]) return Expect.Failure;
        ICreditOrderBook.Order memory stored = book.order(orderId);
        bool lapsed = block.timestamp > stored.request.responseDeadline;
        if (action == Action.Expire) {
            bool open = stored.state == _requested() || stored.state == ICreditOrderBook.OrderState.Accepted;
            return open && lapsed ? Expect.Success : Expect.Failure;
        }
        bool byProvider = action == Action.Accept || action == Action.Reject || action == Action.Deliver;
        if (actor != (byProvider ? stored.request.provider : stored.requester)) return Expect.Failure;
        if (byProvider && !_recognizedAs(actor, IIssuerRegistry.IssuerType.CreditAgency)) return Expect.Failure;
        if (stored.state != _requiredState(action)) return Expect.Failure;
        if ((action == Action.Accept || action == Action.Deliver) && lapsed) return Expect.Failure;
        if (action == Action.Deliver) {
            IFingerprintRegistry.Verification memory report = fingerprints.verify(arg);
            if (
                report.status != IFingerprintRegistry.VerificationStatus.Valid ||
                report.issuer != actor ||
                report.schemaId != creditReportSchema ||
                report.anchoredAt < stored.requestedAt ||
                _deliveredReports[arg]
            ) return Expect.Failure;
        }
        if ((action == Action.Reject || action == Action.Cancel) && lapsed) return Expect.Failure;
        return Expect.Success;
    }

    function _attempt(Action action, bytes32 orderId, address actor, bytes32 arg) private {
        Expect expected = _expect(action, orderId, actor, arg);
        bool ok = _call(action, orderId, actor, arg);
        if (!ok) {
            if (expected == Expect.Success) _unexpected(string.concat(_name(action), " failed"));
            else ++rejectedAttempts;
            return;
        }
        if (expected == Expect.Failure) {
            _violation(string.concat(_name(action), " succeeded but must not have"));
            return;
        }
        ++successfulTransitions[action];
        ICreditOrderBook.Order memory stored = book.order(orderId);
        if (stored.state != _next(action)) _violation(string.concat(_name(action), " stored another state"));
        if (stored.updatedAt != block.timestamp) _violation(string.concat(_name(action), " left updatedAt"));
        if (action == Action.Deliver && stored.reportFingerprint != arg) _violation("deliver stored another report");
        if (action == Action.Deliver) _deliveredReports[arg] = true;
        if ((action == Action.Reject || action == Action.Dispute) && stored.reasonCode != arg) {
            _violation(string.concat(_name(action), " stored another reason"));
        }
    }

    function _call(Action action, bytes32 orderId, address actor, bytes32 arg) private returns (bool) {
        vm.prank(actor);
        if (action == Action.Accept) {
            try book.accept(orderId) {
                return true;
            } catch {
                return false;
            }
        }
        if (action == Action.Reject) {
            try book.reject(orderId, arg) {
                return true;
            } catch {
                return false;
            }
        }
        if (action == Action.Cancel) {
            try book.cancel(orderId) {
                return true;
            } catch {
                return false;
            }
        }
        if (action == Action.Deliver) {
            try book.deliver(orderId, arg) {
                return true;
            } catch {
                return false;
            }
        }
        if (action == Action.Confirm) {
            try book.confirm(orderId) {
                return true;
            } catch {
                return false;
            }
        }
        if (action == Action.Dispute) {
            try book.dispute(orderId, arg) {
                return true;
            } catch {
                return false;
            }
        }
        try book.expire(orderId) {
            return true;
        } catch {
            return false;
        }
    }

    // ---------------------------------------------------------------- the observer node

    /// @dev Rebuilds the orders from the step's logs, checking each transition's actor and edge.
    function _readLogs(Vm.Log[] memory logs) private {
        for (uint256 i; i < logs.length; ++i) {
            Vm.Log memory entry = logs[i];
            if (entry.topics.length == 0) continue;
            bytes32 topic = entry.topics[0];
            if (entry.emitter == address(consents) && topic == IConsentRegistry.ConsentConsumed.selector) {
                (address consumer, bytes32 schemaId, bytes32 usageReference, ) = abi.decode(
                    entry.data,
                    (address, bytes32, bytes32, uint32)
                );
                if (consumer != address(book)) _violation("a consent was consumed by someone else");
                if (schemaId != creditReportSchema) _violation("a consent was consumed for another schema");
                ++consumedFor[usageReference];
            } else if (entry.emitter == address(book) && topic == ICreditOrderBook.OrderRequested.selector) {
                bytes32 orderId = entry.topics[1];
                if (loggedState[orderId] != ICreditOrderBook.OrderState.None) ++illegalLoggedTransitions;
                loggedState[orderId] = _requested();
                loggedRequester[orderId] = address(uint160(uint256(entry.topics[2])));
                loggedProvider[orderId] = address(uint160(uint256(entry.topics[3])));
                (address subject, , , , ) = abi.decode(entry.data, (address, bytes32, bytes32, bytes32, uint64));
                loggedSubject[orderId] = subject;
            } else if (entry.emitter == address(book) && topic == ICreditOrderBook.OrderStateChanged.selector) {
                _logTransition(
                    entry.topics[1],
                    address(uint160(uint256(entry.topics[2]))),
                    ICreditOrderBook.OrderState(uint8(uint256(entry.topics[3]))),
                    abi.decode(entry.data, (bytes32))
                );
            }
        }
    }

    /// @dev Also records the first final state of each order: the invariants compare the stored
    /// state with it after every step, and a logged transition out of it counts in `finalStateExits`.
    function _logTransition(bytes32 orderId, address actor, ICreditOrderBook.OrderState next, bytes32 detail) private {
        ICreditOrderBook.OrderState previous = loggedState[orderId];
        if (!_edge(previous, next)) ++illegalLoggedTransitions;
        if (finalState[orderId] != ICreditOrderBook.OrderState.None) {
            ++finalStateExits;
            _violation("an order left a final state");
        } else if (isFinal(next)) {
            finalState[orderId] = next;
        }
        address party;
        if (
            next == ICreditOrderBook.OrderState.Accepted ||
            next == ICreditOrderBook.OrderState.Rejected ||
            next == ICreditOrderBook.OrderState.Delivered
        ) party = loggedProvider[orderId];
        else if (next != ICreditOrderBook.OrderState.Expired) party = loggedRequester[orderId];
        if (party != address(0) && actor != party) ++actorViolations;
        loggedState[orderId] = next;
        if (next == ICreditOrderBook.OrderState.Delivered) loggedReport[orderId] = detail;
        if (next == ICreditOrderBook.OrderState.Rejected || next == ICreditOrderBook.OrderState.Disputed) {
            loggedReason[orderId] = detail;
        }
    }

    /// @dev Whether the lifecycle allows `from` → `to`.
    function _edge(ICreditOrderBook.OrderState from, ICreditOrderBook.OrderState to) private pure returns (bool) {
        if (from == ICreditOrderBook.OrderState.Requested) {
            return
                to == ICreditOrderBook.OrderState.Accepted ||
                to == ICreditOrderBook.OrderState.Rejected ||
                to == ICreditOrderBook.OrderState.Cancelled ||
                to == ICreditOrderBook.OrderState.Expired;
        }
        if (from == ICreditOrderBook.OrderState.Accepted) {
            return to == ICreditOrderBook.OrderState.Delivered || to == ICreditOrderBook.OrderState.Expired;
        }
        if (from == ICreditOrderBook.OrderState.Delivered) {
            return to == ICreditOrderBook.OrderState.Confirmed || to == ICreditOrderBook.OrderState.Disputed;
        }
        return false;
    }

    function isFinal(ICreditOrderBook.OrderState state) public pure returns (bool) {
        return
            state == ICreditOrderBook.OrderState.Rejected ||
            state == ICreditOrderBook.OrderState.Cancelled ||
            state == ICreditOrderBook.OrderState.Expired ||
            state == ICreditOrderBook.OrderState.Confirmed ||
            state == ICreditOrderBook.OrderState.Disputed;
    }

    // ---------------------------------------------------------------- inputs

    function _consentFor(address requester, address subject, uint256 seed) private returns (bytes32) {
        uint256 mode = seed % 16;
        if (mode == 10 && _consents.length != 0) return _consents[(seed / 16) % _consents.length];
        IConsentRegistry.ConsentTerms memory terms = IConsentRegistry.ConsentTerms({
            grantee: requester,
            purpose: purpose,
            scope: new bytes32[](1),
            validFrom: uint64(block.timestamp),
            validUntil: uint64(block.timestamp) + CONSENT_VALIDITY,
            maxUses: uint32((seed / 16) % 4)
        });
        terms.scope[0] = creditReportSchema;
        address owner = subject;
        if (mode == 11) terms.grantee = _banks[0] == requester ? _banks[1] : _banks[0];
        if (mode == 13) {
            if ((seed / 16) % 3 == 0) terms.purpose = WRONG_PURPOSE;
            else if ((seed / 16) % 3 == 1) terms.scope[0] = otherSchema;
            else (terms.validFrom, terms.validUntil) = (uint64(block.timestamp) - 10, uint64(block.timestamp));
        }
        if (mode == 14) owner = _subjects[0] == subject ? _subjects[1] : _subjects[0];

        bytes32 consentId;
        vm.prank(owner);
        try consents.grant(terms) returns (bytes32 granted) {
            consentId = granted;
        } catch {
            // The grantee is the owner itself: use an id nobody granted.
            return keccak256(abi.encode("crossproof.invariant.no-consent", seed));
        }
        _consents.push(consentId);
        if (mode == 12) {
            vm.prank(owner);
            consents.revoke(consentId);
        }
        return consentId;
    }

    function _deadline(uint256 seed) private view returns (uint64) {
        uint256 mode = seed % 16;
        if (mode == 0) return uint64(block.timestamp);
        if (mode == 1) return uint64(block.timestamp) + maxResponseTime + 1;
        if (mode == 2) return uint64(block.timestamp) + maxResponseTime;
        return uint64(block.timestamp + bound(seed / 16, 1, maxResponseTime));
    }

    /// @dev seed mod 10: 0–5 a fresh report anchored by `actor` under credit.report (fails to anchor
    /// unless it is accredited), 6 one anchored by another agency, 7 one under another schema, 8 an
    /// unknown fingerprint, 9 a report already delivered for some order.
    function _report(address actor, uint256 seed) private returns (bytes32 fingerprint) {
        uint256 mode = seed % 10;
        fingerprint = keccak256(abi.encode("crossproof.invariant.report", ++_nonce));
        if (mode == 8) return fingerprint;
        if (mode == 9 && _orders.length != 0)
            return book.order(_orders[(seed / 10) % _orders.length]).reportFingerprint;
        address anchorer = mode == 6 ? (_agencies[0] == actor ? _agencies[1] : _agencies[0]) : actor;
        uint32 schemaIndex = mode == 7 ? OTHER_INDEX : CREDIT_REPORT_INDEX;
        vm.prank(anchorer);
        try fingerprints.anchor(fingerprint, schemaIndex, 0) {} catch {}
    }

    function _reason(uint256 seed) private pure returns (bytes32) {
        return seed % 8 == 0 ? bytes32(0) : bytes32(seed);
    }

    /// @dev seed mod 16: 15 an id nobody placed; 1–14 but 4, 8, 12 an order in state `preferred`
    /// if there is one; else any order the handler placed (seed 16 * i: the i-th).
    function _pickOrder(uint256 seed, ICreditOrderBook.OrderState preferred) private view returns (bytes32) {
        if (_orders.length == 0 || seed % 16 == 15) return keccak256(abi.encode("crossproof.invariant.no-order", seed));
        if (seed % 4 != 0) {
            bytes32[] memory candidates = book.ordersByState(preferred, 0, type(uint256).max);
            if (candidates.length != 0) return candidates[(seed / 16) % candidates.length];
        }
        return _orders[(seed / 16) % _orders.length];
    }

    /// @dev seed mod 8: 0–4 the first of `parties`, 5–6 the second, 7 a random account.
    function _pickParty(address[] storage parties, uint256 seed) private view returns (address) {
        uint256 mode = seed % 8;
        if (mode == 7) return _anyone(seed / 8);
        return parties[mode < 5 ? 0 : 1];
    }

    function _actorFor(uint256 seed, address party) private view returns (address) {
        if (seed % 4 != 0 && party != address(0)) return party;
        return _anyone(seed / 4);
    }

    function _anyone(uint256 seed) private view returns (address) {
        return _actors[seed % _actors.length];
    }

    function _provider(bytes32 orderId) private view returns (address) {
        return known[orderId] ? book.order(orderId).request.provider : address(0);
    }

    function _requester(bytes32 orderId) private view returns (address) {
        return known[orderId] ? book.order(orderId).requester : address(0);
    }

    function _recognizedAs(address account, IIssuerRegistry.IssuerType expected) private view returns (bool) {
        (IIssuerRegistry.IssuerType issuerType, IIssuerRegistry.IssuerStatus status) = issuers.standing(account);
        return issuerType == expected && status == IIssuerRegistry.IssuerStatus.Recognized;
    }

    function _requested() private pure returns (ICreditOrderBook.OrderState) {
        return ICreditOrderBook.OrderState.Requested;
    }

    function _requiredState(Action action) private pure returns (ICreditOrderBook.OrderState) {
        if (action == Action.Accept || action == Action.Reject || action == Action.Cancel) return _requested();
        if (action == Action.Deliver) return ICreditOrderBook.OrderState.Accepted;
        return ICreditOrderBook.OrderState.Delivered;
    }

    function _next(Action action) private pure returns (ICreditOrderBook.OrderState) {
        if (action == Action.Accept) return ICreditOrderBook.OrderState.Accepted;
        if (action == Action.Reject) return ICreditOrderBook.OrderState.Rejected;
        if (action == Action.Cancel) return ICreditOrderBook.OrderState.Cancelled;
        if (action == Action.Deliver) return ICreditOrderBook.OrderState.Delivered;
        if (action == Action.Confirm) return ICreditOrderBook.OrderState.Confirmed;
        if (action == Action.Dispute) return ICreditOrderBook.OrderState.Disputed;
        return ICreditOrderBook.OrderState.Expired;
    }

    function _name(Action action) private pure returns (string memory) {
        if (action == Action.Accept) return "accept";
        if (action == Action.Reject) return "reject";
        if (action == Action.Cancel) return "cancel";
        if (action == Action.Deliver) return "deliver";
        if (action == Action.Confirm) return "confirm";
        if (action == Action.Dispute) return "dispute";
        return "expire";
    }

    function _violation(string memory problem) private {
        ++violations;
        lastProblem = problem;
    }

    function _unexpected(string memory problem) private {
        ++unexpectedFailures;
        lastProblem = problem;
    }
}
