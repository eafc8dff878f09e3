// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {CreditOrderBook} from "../../contracts/credit/CreditOrderBook.sol";
import {FingerprintRegistry} from "../../contracts/fingerprints/FingerprintRegistry.sol";
import {DIDRegistry} from "../../contracts/identity/DIDRegistry.sol";
import {IssuerRegistry} from "../../contracts/identity/IssuerRegistry.sol";
import {IConsentRegistry} from "../../contracts/interfaces/IConsentRegistry.sol";
import {ICreditOrderBook} from "../../contracts/interfaces/ICreditOrderBook.sol";
import {IIssuerRegistry} from "../../contracts/interfaces/IIssuerRegistry.sol";
import {ISchemaRegistry} from "../../contracts/interfaces/ISchemaRegistry.sol";
import {SchemaRegistry} from "../../contracts/schemas/SchemaRegistry.sol";
import {Assertions} from "../utils/Assertions.sol";
import {CheatCodes} from "../utils/Vm.sol";

/// @notice Deploys the consortium as the Ignition modules wire it — AccessManager (admin: the
/// committee), SchemaRegistry, FingerprintRegistry, DIDRegistry, IssuerRegistry, ConsentRegistry and
/// the CreditOrderBook trusted by the ConsentRegistry — with register → role 1 and the six issuer
/// functions → role 3 (the committee), accredit / withdrawAccreditation → role 2 (the IssuerRegistry
/// only). Schemas: credit.report, version 1.0 (compact index 1), and health.test-report (index 2).
/// Recognised issuers, each applying with its own address as DID: two banks, two credit agencies
/// (the first holds credit.report), a regulator and a hospital. The enterprise (a subject, not an
/// issuer) consents to the first bank: purpose credit-report, scope [credit.report], one year, two uses.
/// @dev Pranks and expectRevert are consumed by the next external call (views included), so every
/// expected value is computed before either cheatcode.
abstract contract CreditOrderBookFixture is CheatCodes, Assertions {
    uint64 internal constant SCHEMA_ADMIN_ROLE = 1;
    uint64 internal constant ACCREDITATION_ADMIN_ROLE = 2;
    uint64 internal constant ISSUER_ADMIN_ROLE = 3;
    uint256 internal constant T0 = 1_700_000_000;
    uint64 internal constant MAX_RESPONSE_TIME = 30 days;
    uint64 internal constant RESPONSE_TIME = 7 days;
    uint64 internal constant CONSENT_VALIDITY = 365 days;

    bytes32 internal constant PURPOSE = "credit-report";
    bytes32 internal constant ORDER_TAG = "crossproof.credit-order.v1";
    bytes32 internal constant PRODUCT = "enterprise-credit-basic";
    bytes32 internal constant REQUEST_HASH = keccak256("query: enterprise 91440300MA5EXAMPLE");
    bytes32 internal constant REASON = "subject-unknown";

    /// Compact indexes of the schemas registered in `_deploy`.
    uint32 internal constant CREDIT_REPORT_INDEX = 1;
    uint32 internal constant OTHER_INDEX = 2;

    uint8 internal constant BANK_TYPE = uint8(IIssuerRegistry.IssuerType.Bank);
    uint8 internal constant AGENCY_TYPE = uint8(IIssuerRegistry.IssuerType.CreditAgency);

    ICreditOrderBook.OrderState internal constant NONE = ICreditOrderBook.OrderState.None;
    ICreditOrderBook.OrderState internal constant REQUESTED = ICreditOrderBook.OrderState.Requested;
    ICreditOrderBook.OrderState internal constant ACCEPTED = ICreditOrderBook.OrderState.Accepted;
    ICreditOrderBook.OrderState internal constant REJECTED = ICreditOrderBook.OrderState.Rejected;
    ICreditOrderBook.OrderState internal constant CANCELLED = ICreditOrderBook.OrderState.Cancelled;
    ICreditOrderBook.OrderState internal constant EXPIRED = ICreditOrderBook.OrderState.Expired;
    ICreditOrderBook.OrderState internal constant DELIVERED = ICreditOrderBook.OrderState.Delivered;
    ICreditOrderBook.OrderState internal constant CONFIRMED = ICreditOrderBook.OrderState.Confirmed;
    ICreditOrderBook.OrderState internal constant DISPUTED = ICreditOrderBook.OrderState.Disputed;

    AccessManager internal manager;
    SchemaRegistry internal schemas;
    FingerprintRegistry internal fingerprints;
    DIDRegistry internal dids;
    IssuerRegistry internal issuers;
    ConsentRegistry internal consents;
    CreditOrderBook internal book;

    address internal committee = _makeAddr("committee");
    address internal bank = _makeAddr("bank");
    address internal bank2 = _makeAddr("bank2");
    address internal agency = _makeAddr("agency");
    address internal agency2 = _makeAddr("agency2");
    address internal regulator = _makeAddr("regulator");
    address internal hospital = _makeAddr("hospital");
    address internal enterprise = _makeAddr("enterprise");
    address internal enterprise2 = _makeAddr("enterprise2");
    address internal stranger = _makeAddr("stranger");

    bytes32 internal creditReportSchema;
    bytes32 internal otherSchema;
    /// The enterprise's consent to `bank` (two uses).
    bytes32 internal consentId;
    uint256 internal reportNonce;

    function _deploy() internal {
        vm.warp(T0);
        manager = new AccessManager(committee);
        schemas = new SchemaRegistry(address(manager));
        fingerprints = new FingerprintRegistry(address(manager), schemas);
        dids = new DIDRegistry();
        issuers = new IssuerRegistry(address(manager), dids, fingerprints);
        consents = new ConsentRegistry(address(manager));

        vm.startPrank(committee);
        manager.setTargetFunctionRole(address(schemas), _schemaAdminSelectors(), SCHEMA_ADMIN_ROLE);
        manager.setTargetFunctionRole(address(fingerprints), _accreditationSelectors(), ACCREDITATION_ADMIN_ROLE);
        manager.setTargetFunctionRole(address(issuers), _issuerAdminSelectors(), ISSUER_ADMIN_ROLE);
        manager.grantRole(SCHEMA_ADMIN_ROLE, committee, 0);
        manager.grantRole(ACCREDITATION_ADMIN_ROLE, address(issuers), 0);
        manager.grantRole(ISSUER_ADMIN_ROLE, committee, 0);
        creditReportSchema = schemas.register(_definition("credit.report"));
        otherSchema = schemas.register(_definition("health.test-report"));
        vm.stopPrank();

        book = new CreditOrderBook(issuers, consents, fingerprints, creditReportSchema, PURPOSE, MAX_RESPONSE_TIME);
        vm.prank(committee);
        consents.setTrustedConsumer(address(book), true);

        _onboard(bank, IIssuerRegistry.IssuerType.Bank, "Bank of East Asia", "HK");
        _onboard(bank2, IIssuerRegistry.IssuerType.Bank, "Banco Nacional Ultramarino", "MO");
        _onboard(agency, IIssuerRegistry.IssuerType.CreditAgency, "Shenzhen Credit Services", "CN-GD");
        _onboard(agency2, IIssuerRegistry.IssuerType.CreditAgency, "Hong Kong Credit Bureau", "HK");
        _onboard(regulator, IIssuerRegistry.IssuerType.Regulator, "Monetary Authority", "HK");
        _onboard(hospital, IIssuerRegistry.IssuerType.Hospital, "Queen Mary Hospital", "HK");
        _grantSchema(agency, creditReportSchema);

        consentId = _grantConsent(enterprise, _terms(bank, 2));
    }

    function _schemaAdminSelectors() internal pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](1);
        selectors[0] = SchemaRegistry.register.selector;
    }

    function _accreditationSelectors() internal pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](2);
        selectors[0] = FingerprintRegistry.accredit.selector;
        selectors[1] = FingerprintRegistry.withdrawAccreditation.selector;
    }

    function _issuerAdminSelectors() internal pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](6);
        selectors[0] = IssuerRegistry.recognize.selector;
        selectors[1] = IssuerRegistry.suspend.selector;
        selectors[2] = IssuerRegistry.reinstate.selector;
        selectors[3] = IssuerRegistry.remove.selector;
        selectors[4] = IssuerRegistry.grantSchema.selector;
        selectors[5] = IssuerRegistry.revokeSchema.selector;
    }

    function _definition(string memory name) internal pure returns (ISchemaRegistry.SchemaDefinition memory) {
        return
            ISchemaRegistry.SchemaDefinition({
                name: name,
                version: "1.0",
                definitionURI: string.concat("https://schemas.example/", name),
                definitionHash: bytes32(0),
                revocable: true,
                reinstatable: true
            });
    }

    function _makeAddr(string memory name) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked("crossproof.test.", name)))));
    }

    // ---------------------------------------------------------------- issuers (committee)

    function _onboard(
        address account,
        IIssuerRegistry.IssuerType issuerType,
        string memory name,
        string memory jurisdiction
    ) internal {
        vm.prank(account);
        issuers.applyForRecognition(account, issuerType, name, jurisdiction);
        vm.prank(committee);
        issuers.recognize(account);
    }

    function _grantSchema(address account, bytes32 schemaId) internal {
        vm.prank(committee);
        issuers.grantSchema(account, schemaId);
    }

    function _suspend(address account) internal {
        vm.prank(committee);
        issuers.suspend(account, uint64(block.timestamp));
    }

    function _reinstate(address account) internal {
        vm.prank(committee);
        issuers.reinstate(account);
    }

    function _removeIssuer(address account) internal {
        vm.prank(committee);
        issuers.remove(account, uint64(block.timestamp));
    }

    // ---------------------------------------------------------------- consents

    /// @dev Purpose credit-report, scope [credit.report], valid from now for a year.
    function _terms(address grantee, uint32 maxUses) internal view returns (IConsentRegistry.ConsentTerms memory) {
        bytes32[] memory scope = new bytes32[](1);
        scope[0] = creditReportSchema;
        return
            IConsentRegistry.ConsentTerms({
                grantee: grantee,
                purpose: PURPOSE,
                scope: scope,
                validFrom: uint64(block.timestamp),
                validUntil: uint64(block.timestamp) + CONSENT_VALIDITY,
                maxUses: maxUses
            });
    }

    function _grantConsent(address owner, IConsentRegistry.ConsentTerms memory terms) internal returns (bytes32) {
        vm.prank(owner);
        return consents.grant(terms);
    }

    // ---------------------------------------------------------------- orders

    /// @dev The default order: `agency`, about `enterprise`, deadline in seven days.
    function _orderRequest(bytes32 consent) internal view returns (ICreditOrderBook.OrderRequest memory) {
        return
            ICreditOrderBook.OrderRequest({
                provider: agency,
                responseDeadline: uint64(block.timestamp) + RESPONSE_TIME,
                subject: enterprise,
                productCode: PRODUCT,
                consentId: consent,
                requestHash: REQUEST_HASH
            });
    }

    function _request(address requester, ICreditOrderBook.OrderRequest memory order) internal returns (bytes32) {
        vm.prank(requester);
        return book.request(order);
    }

    /// @dev A default order by `bank`, with a fresh single-use consent of the enterprise.
    function _placeOrder() internal returns (bytes32) {
        return _request(bank, _orderRequest(_grantConsent(enterprise, _terms(bank, 1))));
    }

    function _expectedOrderId(address requester, uint256 index) internal pure returns (bytes32) {
        return keccak256(abi.encode(ORDER_TAG, requester, index));
    }

    /// @dev Anchors a fresh fingerprint as `issuer` under the schema with compact index `schemaIndex`.
    function _anchor(address issuer, uint32 schemaIndex) internal returns (bytes32 fingerprint) {
        fingerprint = keccak256(abi.encode("crossproof.test.credit-report", ++reportNonce));
        vm.prank(issuer);
        fingerprints.anchor(fingerprint, schemaIndex, 0);
    }

    function _accept(bytes32 orderId) internal {
        vm.prank(agency);
        book.accept(orderId);
    }

    function _reject(bytes32 orderId) internal {
        vm.prank(agency);
        book.reject(orderId, REASON);
    }

    function _cancel(bytes32 orderId) internal {
        vm.prank(bank);
        book.cancel(orderId);
    }

    function _deliver(bytes32 orderId) internal returns (bytes32 fingerprint) {
        fingerprint = _anchor(agency, CREDIT_REPORT_INDEX);
        vm.prank(agency);
        book.deliver(orderId, fingerprint);
    }

    function _confirm(bytes32 orderId) internal {
        vm.prank(bank);
        book.confirm(orderId);
    }

    function _dispute(bytes32 orderId) internal {
        vm.prank(bank);
        book.dispute(orderId, REASON);
    }

    function _expire(bytes32 orderId) internal {
        vm.warp(book.order(orderId).request.responseDeadline + 1);
        vm.prank(stranger);
        book.expire(orderId);
    }

    /// @dev A fresh default order brought to `state` (Expired warps past its deadline).
    function _driveTo(ICreditOrderBook.OrderState state) internal returns (bytes32 orderId) {
        orderId = _placeOrder();
        if (state == REQUESTED) return orderId;
        if (state == REJECTED) return _then(orderId, _reject);
        if (state == CANCELLED) return _then(orderId, _cancel);
        if (state == EXPIRED) return _then(orderId, _expire);
        _accept(orderId);
        if (state == ACCEPTED) return orderId;
        _deliver(orderId);
        if (state == CONFIRMED) return _then(orderId, _confirm);
        if (state == DISPUTED) return _then(orderId, _dispute);
        return orderId;
    }

    function _then(bytes32 orderId, function(bytes32) internal action) private returns (bytes32) {
        action(orderId);
        return orderId;
    }

    // ---------------------------------------------------------------- expected errors

    function _notRecognized(address account, uint8 issuerType) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ICreditOrderBook.NotRecognizedAs.selector, account, issuerType);
    }

    function _notParty(bytes32 orderId, address caller, address expected) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ICreditOrderBook.NotOrderParty.selector, orderId, caller, expected);
    }

    function _invalidTransition(
        bytes32 orderId,
        ICreditOrderBook.OrderState state
    ) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ICreditOrderBook.InvalidTransition.selector, orderId, state);
    }

    function _notFound(bytes32 orderId) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ICreditOrderBook.OrderNotFound.selector, orderId);
    }

    function _reportNotAnchored(bytes32 orderId, bytes32 fingerprint) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ICreditOrderBook.ReportNotAnchored.selector, orderId, fingerprint);
    }

    // ---------------------------------------------------------------- assertions

    function _assertState(bytes32 orderId, ICreditOrderBook.OrderState expected, string memory message) internal view {
        assertEq(uint256(book.order(orderId).state), uint256(expected), string.concat(message, " (stored state)"));
    }

    /// @dev `orderId` is in the `ordersByState` set of `expected` and in no other.
    function _assertInStateSet(
        bytes32 orderId,
        ICreditOrderBook.OrderState expected,
        string memory message
    ) internal view {
        for (uint256 s; s <= uint256(DISPUTED); ++s) {
            ICreditOrderBook.OrderState state = ICreditOrderBook.OrderState(s);
            assertEq(
                _contains(book.ordersByState(state, 0, type(uint256).max), orderId),
                state == expected,
                string.concat(message, " (ordersByState ", _digit(s), ")")
            );
        }
    }

    function _stateCount(ICreditOrderBook.OrderState state) internal view returns (uint256 count) {
        (, , , count) = book.orderCounts(address(0), address(0), address(0), state);
    }

    function _contains(bytes32[] memory list, bytes32 id) internal pure returns (bool) {
        for (uint256 i; i < list.length; ++i) {
            if (list[i] == id) return true;
        }
        return false;
    }

    function _digit(uint256 i) internal pure returns (string memory) {
        bytes memory digit = new bytes(1);
        digit[0] = bytes1(uint8(48 + i));
        return string(digit);
    }

    function _ids(bytes32 a) internal pure returns (bytes32[] memory list) {
        list = new bytes32[](1);
        list[0] = a;
    }

    function _ids(bytes32 a, bytes32 b) internal pure returns (bytes32[] memory list) {
        list = new bytes32[](2);
        list[0] = a;
        list[1] = b;
    }

    function _ids(bytes32 a, bytes32 b, bytes32 c) internal pure returns (bytes32[] memory list) {
        list = new bytes32[](3);
        list[0] = a;
        list[1] = b;
        list[2] = c;
    }
}

/// describe(CreditOrderBook)
contract CreditOrderBookTest is CreditOrderBookFixture {
    /// The transitions after the request, as the matrix tests enumerate them.
    enum Action {
        Accept,
        Reject,
        Cancel,
        Deliver,
        Confirm,
        Dispute,
        Expire
    }

    uint256 internal constant ACTION_COUNT = 7;

    function setUp() public {
        _deploy();
    }

    // ================================================================== wiring

    function test_wiring_matchesIgnitionModule() public view {
        assertEq(book.creditReportSchema(), creditReportSchema, "creditReportSchema");
        assertEq(
            book.creditReportSchema(),
            keccak256(abi.encode("credit.report", "1.0")),
            "creditReportSchema is credit.report@1.0"
        );
        assertEq(schemas.indexOf(creditReportSchema), CREDIT_REPORT_INDEX, "credit.report compact index");
        assertEq(schemas.indexOf(otherSchema), OTHER_INDEX, "other schema compact index");
        assertEq(book.creditReportPurpose(), PURPOSE, "creditReportPurpose");
        assertEq(book.creditReportPurpose(), bytes32("credit-report"), "purpose is credit-report");
        assertEq(book.maxResponseTime(), 30 days, "maxResponseTime");
        assertEq(book.version(), "0.1.0", "version");
        assertTrue(consents.isTrustedConsumer(address(book)), "ConsentRegistry trusts the order book");
        assertEq(
            manager.getTargetFunctionRole(address(consents), ConsentRegistry.setTrustedConsumer.selector),
            manager.ADMIN_ROLE(),
            "setTrustedConsumer needs ADMIN_ROLE"
        );
        (bool member, ) = manager.hasRole(manager.ADMIN_ROLE(), committee);
        assertTrue(member, "committee is the AccessManager admin");
        (member, ) = manager.hasRole(ACCREDITATION_ADMIN_ROLE, address(issuers));
        assertTrue(member, "IssuerRegistry is accreditation admin");
        (member, ) = manager.hasRole(ACCREDITATION_ADMIN_ROLE, committee);
        assertFalse(member, "committee is not accreditation admin");
        assertTrue(fingerprints.isAccredited(agency, creditReportSchema), "agency holds credit.report");
        assertFalse(fingerprints.isAccredited(agency2, creditReportSchema), "agency2 does not");
        (IIssuerRegistry.IssuerType issuerType, IIssuerRegistry.IssuerStatus status) = issuers.standing(bank);
        assertEq(uint256(issuerType), BANK_TYPE, "bank type");
        assertEq(uint256(status), uint256(IIssuerRegistry.IssuerStatus.Recognized), "bank recognised");
        (issuerType, status) = issuers.standing(agency);
        assertEq(uint256(issuerType), AGENCY_TYPE, "agency type");
        assertEq(uint256(status), uint256(IIssuerRegistry.IssuerStatus.Recognized), "agency recognised");
        (issuerType, status) = issuers.standing(enterprise);
        assertEq(uint256(status), uint256(IIssuerRegistry.IssuerStatus.None), "enterprise is no issuer");
    }

    function test_setTrustedConsumer_onlyTheCommittee() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        consents.setTrustedConsumer(address(book), false);
        assertTrue(consents.isTrustedConsumer(address(book)), "still trusted");
    }

    // ================================================================== request

    function test_request_storesOrderConsumesConsentAndEmits() public {
        vm.warp(T0 + 100);
        ICreditOrderBook.OrderRequest memory order = _orderRequest(consentId);
        bytes32 expectedId = _expectedOrderId(bank, 0);

        vm.expectEmit(true, true, true, true, address(consents));
        emit IConsentRegistry.ConsentConsumed(
            consentId,
            enterprise,
            bank,
            address(book),
            creditReportSchema,
            expectedId,
            1
        );
        vm.expectEmit(true, true, true, true, address(book));
        emit ICreditOrderBook.OrderRequested(
            expectedId,
            bank,
            agency,
            enterprise,
            PRODUCT,
            consentId,
            REQUEST_HASH,
            uint64(T0 + 100) + RESPONSE_TIME
        );
        bytes32 orderId = _request(bank, order);

        assertEq(orderId, expectedId, "returned id");
        assertEq(book.orderIdOf(bank, 0), expectedId, "orderIdOf");
        ICreditOrderBook.Order memory stored = book.order(orderId);
        assertEq(stored.requester, bank, "requester");
        assertEq(uint256(stored.state), uint256(REQUESTED), "state");
        assertEq(stored.requestedAt, T0 + 100, "requestedAt");
        assertEq(stored.updatedAt, T0 + 100, "updatedAt");
        assertEq(stored.reportFingerprint, bytes32(0), "no report yet");
        assertEq(stored.reasonCode, bytes32(0), "no reason");
        assertEq(stored.request.provider, agency, "provider");
        assertEq(stored.request.responseDeadline, T0 + 100 + RESPONSE_TIME, "deadline");
        assertEq(stored.request.subject, enterprise, "subject");
        assertEq(stored.request.productCode, PRODUCT, "productCode");
        assertEq(stored.request.consentId, consentId, "consentId");
        assertEq(stored.request.requestHash, REQUEST_HASH, "requestHash");
        assertEq(uint256(book.effectiveState(orderId)), uint256(REQUESTED), "effectiveState");
        assertEq(consents.consent(consentId).uses, 1, "consent used once");
        _assertInStateSet(orderId, REQUESTED, "new order");
    }

    function test_request_idsFollowEachRequestersIndex() public {
        bytes32 second = _grantConsent(enterprise, _terms(bank2, 0));
        bytes32 first = _request(bank, _orderRequest(consentId));
        bytes32 other = _request(bank2, _orderRequest(second));
        bytes32 next = _request(bank, _orderRequest(consentId));

        assertEq(first, _expectedOrderId(bank, 0), "bank's first order");
        assertEq(next, _expectedOrderId(bank, 1), "bank's second order");
        assertEq(other, _expectedOrderId(bank2, 0), "bank2's first order");
        assertEq(book.orderIdOf(bank, 1), next, "orderIdOf(bank, 1)");
        assertEq(book.orderIdOf(bank2, 0), other, "orderIdOf(bank2, 0)");
        assertEq(consents.consent(consentId).uses, 2, "consent used twice");
        assertEq(consents.consent(second).uses, 1, "bank2's consent used once");
    }

    function test_request_failedRequestDoesNotUseAnIndex() public {
        ICreditOrderBook.OrderRequest memory late = _orderRequest(consentId);
        late.responseDeadline = uint64(block.timestamp);
        vm.prank(bank);
        vm.expectRevert(abi.encodeWithSelector(ICreditOrderBook.InvalidDeadline.selector, late.responseDeadline));
        book.request(late);

        assertEq(_request(bank, _orderRequest(consentId)), _expectedOrderId(bank, 0), "index 0 still free");
        assertEq(consents.consent(consentId).uses, 1, "only the successful request used the consent");
    }

    function test_request_pagedViewsAndCounts() public {
        bytes32 consent2 = _grantConsent(enterprise, _terms(bank2, 0));
        bytes32 otherSubject = _grantConsent(enterprise2, _terms(bank, 0));
        _grantSchema(agency2, creditReportSchema);

        bytes32 a = _request(bank, _orderRequest(consentId));
        ICreditOrderBook.OrderRequest memory toAgency2 = _orderRequest(consent2);
        toAgency2.provider = agency2;
        bytes32 b = _request(bank2, toAgency2);
        ICreditOrderBook.OrderRequest memory aboutEnterprise2 = _orderRequest(otherSubject);
        aboutEnterprise2.subject = enterprise2;
        bytes32 c = _request(bank, aboutEnterprise2);
        _accept(a);

        assertEq(book.ordersByRequester(bank, 0, 10), _ids(a, c), "by requester bank");
        assertEq(book.ordersByRequester(bank2, 0, 10), _ids(b), "by requester bank2");
        assertEq(book.ordersByRequester(bank, 1, 10), _ids(c), "by requester, offset 1");
        assertEq(book.ordersByRequester(bank, 0, 1), _ids(a), "by requester, limit 1");
        assertEq(book.ordersByRequester(bank, 2, 10).length, 0, "by requester, offset at the end");
        assertEq(book.ordersByRequester(bank, 0, 0).length, 0, "by requester, limit 0");
        assertEq(book.ordersByRequester(stranger, 0, 10).length, 0, "by requester, none");
        assertEq(book.ordersByProvider(agency, 0, 10), _ids(a, c), "by provider agency");
        assertEq(book.ordersByProvider(agency2, 0, 10), _ids(b), "by provider agency2");
        assertEq(book.ordersByProvider(agency, 1, type(uint256).max), _ids(c), "by provider, huge limit");
        assertEq(book.ordersBySubject(enterprise, 0, 10), _ids(a, b), "by subject enterprise");
        assertEq(book.ordersBySubject(enterprise2, 0, 10), _ids(c), "by subject enterprise2");
        assertEq(book.ordersBySubject(enterprise, 5, 10).length, 0, "by subject, offset past the end");

        assertEq(book.ordersByState(ACCEPTED, 0, 10), _ids(a), "accepted");
        bytes32[] memory requested = book.ordersByState(REQUESTED, 0, 10);
        assertEq(requested.length, 2, "two requested");
        assertTrue(_contains(requested, b) && _contains(requested, c), "requested holds b and c");
        assertEq(book.ordersByState(REQUESTED, 1, 10).length, 1, "requested, offset 1");
        assertEq(book.ordersByState(REQUESTED, 0, 1).length, 1, "requested, limit 1");
        assertEq(book.ordersByState(REQUESTED, 2, 10).length, 0, "requested, offset at the end");
        assertEq(book.ordersByState(REQUESTED, 0, type(uint256).max).length, 2, "requested, huge limit");
        assertEq(book.ordersByState(NONE, 0, 10).length, 0, "none");

        (uint256 byRequester, uint256 byProvider, uint256 bySubject, uint256 byState) = book.orderCounts(
            bank,
            agency,
            enterprise,
            REQUESTED
        );
        assertEq(byRequester, 2, "count by requester");
        assertEq(byProvider, 2, "count by provider");
        assertEq(bySubject, 2, "count by subject");
        assertEq(byState, 2, "count by state");
        (byRequester, byProvider, bySubject, byState) = book.orderCounts(bank2, agency2, enterprise2, ACCEPTED);
        assertEq(byRequester, 1, "count by requester bank2");
        assertEq(byProvider, 1, "count by provider agency2");
        assertEq(bySubject, 1, "count by subject enterprise2");
        assertEq(byState, 1, "count accepted");
        (byRequester, byProvider, bySubject, byState) = book.orderCounts(stranger, stranger, stranger, DELIVERED);
        assertEq(byRequester + byProvider + bySubject + byState, 0, "counts of strangers");
    }

    // ---------------------------------------------------------------- request: who may order from whom

    function test_request_revertsUnlessTheRequesterIsARecognisedBank() public {
        address[5] memory outsiders = [hospital, agency, regulator, stranger, enterprise];
        for (uint256 i; i < outsiders.length; ++i) {
            ICreditOrderBook.OrderRequest memory order = _orderRequest(consentId);
            vm.prank(outsiders[i]);
            vm.expectRevert(_notRecognized(outsiders[i], BANK_TYPE));
            book.request(order);
        }
        assertEq(consents.consent(consentId).uses, 0, "consent untouched");
    }

    function test_request_revertsForASuspendedBankUntilReinstated() public {
        _suspend(bank);
        ICreditOrderBook.OrderRequest memory order = _orderRequest(consentId);
        vm.prank(bank);
        vm.expectRevert(_notRecognized(bank, BANK_TYPE));
        book.request(order);

        vm.warp(T0 + 1);
        _reinstate(bank);
        order = _orderRequest(consentId);
        assertEq(_request(bank, order), _expectedOrderId(bank, 0), "reinstated bank orders");
    }

    function test_request_revertsForAnAppliedOrRemovedBank() public {
        address applicant = _makeAddr("applicant-bank");
        vm.prank(applicant);
        issuers.applyForRecognition(applicant, IIssuerRegistry.IssuerType.Bank, "Applicant Bank", "HK");
        bytes32 applicantConsent = _grantConsent(enterprise, _terms(applicant, 0));
        ICreditOrderBook.OrderRequest memory order = _orderRequest(applicantConsent);
        vm.prank(applicant);
        vm.expectRevert(_notRecognized(applicant, BANK_TYPE));
        book.request(order);

        _removeIssuer(bank);
        order = _orderRequest(consentId);
        vm.prank(bank);
        vm.expectRevert(_notRecognized(bank, BANK_TYPE));
        book.request(order);
    }

    function test_request_revertsUnlessTheProviderIsARecognisedCreditAgency() public {
        address[6] memory providers = [bank2, hospital, regulator, stranger, enterprise, address(0)];
        for (uint256 i; i < providers.length; ++i) {
            ICreditOrderBook.OrderRequest memory order = _orderRequest(consentId);
            order.provider = providers[i];
            vm.prank(bank);
            vm.expectRevert(_notRecognized(providers[i], AGENCY_TYPE));
            book.request(order);
        }
    }

    function test_request_revertsForASuspendedOrRemovedAgency() public {
        _suspend(agency);
        ICreditOrderBook.OrderRequest memory order = _orderRequest(consentId);
        vm.prank(bank);
        vm.expectRevert(_notRecognized(agency, AGENCY_TYPE));
        book.request(order);

        _removeIssuer(agency2);
        order.provider = agency2;
        vm.prank(bank);
        vm.expectRevert(_notRecognized(agency2, AGENCY_TYPE));
        book.request(order);
    }

    function test_request_checksTheRequesterBeforeTheProvider() public {
        ICreditOrderBook.OrderRequest memory order = _orderRequest(consentId);
        order.provider = stranger;
        vm.prank(hospital);
        vm.expectRevert(_notRecognized(hospital, BANK_TYPE));
        book.request(order);
    }

    // ---------------------------------------------------------------- request: deadline

    function test_request_revertsForADeadlineNowOrInThePast() public {
        vm.warp(T0 + 1 days);
        uint64[3] memory deadlines = [uint64(T0 + 1 days), uint64(T0 + 1 days - 1), 0];
        for (uint256 i; i < deadlines.length; ++i) {
            ICreditOrderBook.OrderRequest memory order = _orderRequest(consentId);
            order.responseDeadline = deadlines[i];
            vm.prank(bank);
            vm.expectRevert(abi.encodeWithSelector(ICreditOrderBook.InvalidDeadline.selector, deadlines[i]));
            book.request(order);
        }
    }

    function test_request_revertsForADeadlineBeyondThirtyDays() public {
        ICreditOrderBook.OrderRequest memory order = _orderRequest(consentId);
        order.responseDeadline = uint64(T0 + 30 days + 1);
        vm.prank(bank);
        vm.expectRevert(abi.encodeWithSelector(ICreditOrderBook.InvalidDeadline.selector, order.responseDeadline));
        book.request(order);

        order.responseDeadline = type(uint64).max;
        vm.prank(bank);
        vm.expectRevert(abi.encodeWithSelector(ICreditOrderBook.InvalidDeadline.selector, type(uint64).max));
        book.request(order);
    }

    function test_request_acceptsDeadlinesOfOneSecondAndExactlyThirtyDays() public {
        ICreditOrderBook.OrderRequest memory order = _orderRequest(consentId);
        order.responseDeadline = uint64(T0 + 1);
        bytes32 shortest = _request(bank, order);
        order.responseDeadline = uint64(T0 + 30 days);
        bytes32 longest = _request(bank, order);
        assertEq(book.order(shortest).request.responseDeadline, T0 + 1, "one second");
        assertEq(book.order(longest).request.responseDeadline, T0 + 30 days, "thirty days");
    }

    // ---------------------------------------------------------------- request: consent

    function test_request_revertsForAConsentOfAnotherSubject() public {
        bytes32 foreign = _grantConsent(enterprise2, _terms(bank, 0));
        ICreditOrderBook.OrderRequest memory order = _orderRequest(foreign);
        vm.prank(bank);
        vm.expectRevert(abi.encodeWithSelector(ICreditOrderBook.ConsentSubjectMismatch.selector, foreign, enterprise));
        book.request(order);
        assertEq(consents.consent(foreign).uses, 0, "foreign consent untouched");
    }

    function test_request_revertsForAnUnknownConsent() public {
        bytes32 unknown = keccak256("no such consent");
        ICreditOrderBook.OrderRequest memory order = _orderRequest(unknown);
        vm.prank(bank);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentNotFound.selector, unknown));
        book.request(order);
    }

    function test_request_revertsForTheSubjectsConsentToAnotherBank() public {
        bytes32 toBank2 = _grantConsent(enterprise, _terms(bank2, 0));
        ICreditOrderBook.OrderRequest memory order = _orderRequest(toBank2);
        vm.prank(bank);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.UnauthorizedConsumer.selector, toBank2, address(book)));
        book.request(order);
        assertEq(consents.consent(toBank2).uses, 0, "bank2's consent untouched");
    }

    function test_request_revertsForARevokedConsent() public {
        vm.warp(T0 + 50);
        vm.prank(enterprise);
        consents.revoke(consentId);
        ICreditOrderBook.OrderRequest memory order = _orderRequest(consentId);
        vm.prank(bank);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentWasRevoked.selector, consentId, T0 + 50));
        book.request(order);
    }

    function test_request_revertsForAnExpiredConsent() public {
        vm.warp(T0 + CONSENT_VALIDITY);
        ICreditOrderBook.OrderRequest memory order = _orderRequest(consentId);
        vm.prank(bank);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsentRegistry.ConsentNotInForce.selector,
                consentId,
                uint64(T0),
                uint64(T0) + CONSENT_VALIDITY
            )
        );
        book.request(order);
    }

    function test_request_revertsForAConsentNotYetInForce() public {
        IConsentRegistry.ConsentTerms memory terms = _terms(bank, 0);
        terms.validFrom = uint64(T0 + 1 days);
        bytes32 future = _grantConsent(enterprise, terms);
        ICreditOrderBook.OrderRequest memory order = _orderRequest(future);
        vm.prank(bank);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsentRegistry.ConsentNotInForce.selector,
                future,
                terms.validFrom,
                terms.validUntil
            )
        );
        book.request(order);
    }

    function test_request_revertsForAnExhaustedConsent() public {
        _request(bank, _orderRequest(consentId));
        _request(bank, _orderRequest(consentId));
        ICreditOrderBook.OrderRequest memory order = _orderRequest(consentId);
        vm.prank(bank);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentExhausted.selector, consentId, uint32(2)));
        book.request(order);
        assertEq(consents.consent(consentId).uses, 2, "two uses");
    }

    function test_request_unlimitedConsentServesManyOrders() public {
        bytes32 unlimited = _grantConsent(enterprise, _terms(bank, 0));
        for (uint256 i; i < 5; ++i) {
            _request(bank, _orderRequest(unlimited));
        }
        assertEq(consents.consent(unlimited).uses, 5, "five uses");
    }

    function test_request_revertsForAConsentOfAnotherPurpose() public {
        IConsentRegistry.ConsentTerms memory terms = _terms(bank, 0);
        terms.purpose = "credit-assessment";
        bytes32 otherPurpose = _grantConsent(enterprise, terms);
        ICreditOrderBook.OrderRequest memory order = _orderRequest(otherPurpose);
        vm.prank(bank);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.PurposeMismatch.selector, otherPurpose, PURPOSE));
        book.request(order);
    }

    function test_request_revertsForAConsentNotCoveringCreditReports() public {
        IConsentRegistry.ConsentTerms memory terms = _terms(bank, 0);
        terms.scope[0] = otherSchema;
        bytes32 outOfScope = _grantConsent(enterprise, terms);
        ICreditOrderBook.OrderRequest memory order = _orderRequest(outOfScope);
        vm.prank(bank);
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.OutOfScope.selector, outOfScope, creditReportSchema));
        book.request(order);
    }

    function test_request_acceptsAConsentWhoseScopeIncludesCreditReports() public {
        IConsentRegistry.ConsentTerms memory terms = _terms(bank, 1);
        terms.scope = _ids(otherSchema, creditReportSchema);
        bytes32 wide = _grantConsent(enterprise, terms);
        _request(bank, _orderRequest(wide));
        assertEq(consents.consent(wide).uses, 1, "used");
    }

    function test_request_revertsWhenTheOrderBookIsNotTrusted() public {
        vm.prank(committee);
        consents.setTrustedConsumer(address(book), false);
        ICreditOrderBook.OrderRequest memory order = _orderRequest(consentId);
        vm.prank(bank);
        vm.expectRevert(
            abi.encodeWithSelector(IConsentRegistry.UnauthorizedConsumer.selector, consentId, address(book))
        );
        book.request(order);
    }

    /// The consent is the subject's: a revocation after the order does not undo it (the use was
    /// logged at the request). Documents the current behaviour.
    function test_request_revocationAfterTheOrderDoesNotStopDelivery() public {
        bytes32 orderId = _request(bank, _orderRequest(consentId));
        vm.prank(enterprise);
        consents.revoke(consentId);
        _accept(orderId);
        _deliver(orderId);
        _assertState(orderId, DELIVERED, "delivered after revocation");
    }

    // ================================================================== transitions

    function test_accept_byTheProvider() public {
        bytes32 orderId = _request(bank, _orderRequest(consentId));
        vm.warp(T0 + 1 hours);
        vm.expectEmit(true, true, true, true, address(book));
        emit ICreditOrderBook.OrderStateChanged(orderId, agency, ACCEPTED, bytes32(0));
        _accept(orderId);

        ICreditOrderBook.Order memory stored = book.order(orderId);
        assertEq(uint256(stored.state), uint256(ACCEPTED), "state");
        assertEq(stored.requestedAt, T0, "requestedAt unchanged");
        assertEq(stored.updatedAt, T0 + 1 hours, "updatedAt");
        assertEq(uint256(book.effectiveState(orderId)), uint256(ACCEPTED), "effectiveState");
        _assertInStateSet(orderId, ACCEPTED, "accepted");
        assertEq(_stateCount(REQUESTED), 0, "no requested order left");
    }

    function test_reject_byTheProviderWithAReason() public {
        bytes32 orderId = _request(bank, _orderRequest(consentId));
        vm.warp(T0 + 2 hours);
        vm.expectEmit(true, true, true, true, address(book));
        emit ICreditOrderBook.OrderStateChanged(orderId, agency, REJECTED, REASON);
        _reject(orderId);

        ICreditOrderBook.Order memory stored = book.order(orderId);
        assertEq(uint256(stored.state), uint256(REJECTED), "state");
        assertEq(stored.reasonCode, REASON, "reasonCode");
        assertEq(stored.updatedAt, T0 + 2 hours, "updatedAt");
        assertEq(stored.reportFingerprint, bytes32(0), "no report");
        _assertInStateSet(orderId, REJECTED, "rejected");
    }

    function test_reject_revertsWithoutAReason() public {
        bytes32 orderId = _request(bank, _orderRequest(consentId));
        vm.prank(agency);
        vm.expectRevert(ICreditOrderBook.MissingReason.selector);
        book.reject(orderId, bytes32(0));
        _assertState(orderId, REQUESTED, "still requested");
    }

    function test_cancel_byTheRequester() public {
        bytes32 orderId = _request(bank, _orderRequest(consentId));
        vm.warp(T0 + 3 hours);
        vm.expectEmit(true, true, true, true, address(book));
        emit ICreditOrderBook.OrderStateChanged(orderId, bank, CANCELLED, bytes32(0));
        _cancel(orderId);

        ICreditOrderBook.Order memory stored = book.order(orderId);
        assertEq(uint256(stored.state), uint256(CANCELLED), "state");
        assertEq(stored.updatedAt, T0 + 3 hours, "updatedAt");
        assertEq(consents.consent(consentId).uses, 1, "the use stays logged");
        _assertInStateSet(orderId, CANCELLED, "cancelled");
    }

    function test_deliver_byTheProviderWithAnAnchoredReport() public {
        bytes32 orderId = _request(bank, _orderRequest(consentId));
        _accept(orderId);
        vm.warp(T0 + 1 days);
        bytes32 fingerprint = _anchor(agency, CREDIT_REPORT_INDEX);
        vm.expectEmit(true, true, true, true, address(book));
        emit ICreditOrderBook.OrderStateChanged(orderId, agency, DELIVERED, fingerprint);
        vm.prank(agency);
        book.deliver(orderId, fingerprint);

        ICreditOrderBook.Order memory stored = book.order(orderId);
        assertEq(uint256(stored.state), uint256(DELIVERED), "state");
        assertEq(stored.reportFingerprint, fingerprint, "reportFingerprint");
        assertEq(stored.updatedAt, T0 + 1 days, "updatedAt");
        assertEq(stored.reasonCode, bytes32(0), "no reason");
        _assertInStateSet(orderId, DELIVERED, "delivered");
    }

    function test_confirm_byTheRequester() public {
        bytes32 orderId = _request(bank, _orderRequest(consentId));
        _accept(orderId);
        bytes32 fingerprint = _deliver(orderId);
        vm.warp(T0 + 2 days);
        vm.expectEmit(true, true, true, true, address(book));
        emit ICreditOrderBook.OrderStateChanged(orderId, bank, CONFIRMED, bytes32(0));
        _confirm(orderId);

        ICreditOrderBook.Order memory stored = book.order(orderId);
        assertEq(uint256(stored.state), uint256(CONFIRMED), "state");
        assertEq(stored.reportFingerprint, fingerprint, "report kept");
        assertEq(stored.updatedAt, T0 + 2 days, "updatedAt");
        _assertInStateSet(orderId, CONFIRMED, "confirmed");
    }

    function test_dispute_byTheRequesterWithAReason() public {
        bytes32 orderId = _request(bank, _orderRequest(consentId));
        _accept(orderId);
        bytes32 fingerprint = _deliver(orderId);
        vm.warp(T0 + 2 days);
        vm.expectEmit(true, true, true, true, address(book));
        emit ICreditOrderBook.OrderStateChanged(orderId, bank, DISPUTED, REASON);
        _dispute(orderId);

        ICreditOrderBook.Order memory stored = book.order(orderId);
        assertEq(uint256(stored.state), uint256(DISPUTED), "state");
        assertEq(stored.reasonCode, REASON, "reasonCode");
        assertEq(stored.reportFingerprint, fingerprint, "report kept");
        _assertInStateSet(orderId, DISPUTED, "disputed");
    }

    function test_dispute_revertsWithoutAReason() public {
        bytes32 orderId = _driveTo(DELIVERED);
        vm.prank(bank);
        vm.expectRevert(ICreditOrderBook.MissingReason.selector);
        book.dispute(orderId, bytes32(0));
        _assertState(orderId, DELIVERED, "still delivered");
    }

    function test_disputeAndConfirm_allowedAfterTheDeadline() public {
        bytes32 confirmed = _driveTo(DELIVERED);
        bytes32 disputed = _driveTo(DELIVERED);
        vm.warp(T0 + MAX_RESPONSE_TIME + 1);
        assertEq(uint256(book.effectiveState(confirmed)), uint256(DELIVERED), "delivery does not expire");
        _confirm(confirmed);
        _dispute(disputed);
        _assertState(confirmed, CONFIRMED, "confirmed");
        _assertState(disputed, DISPUTED, "disputed");
    }

    function test_expire_aRequestedOrderByAnyoneAfterTheDeadline() public {
        bytes32 orderId = _request(bank, _orderRequest(consentId));
        uint64 deadline = uint64(T0) + RESPONSE_TIME;
        vm.warp(deadline + 1);
        vm.expectEmit(true, true, true, true, address(book));
        emit ICreditOrderBook.OrderStateChanged(orderId, stranger, EXPIRED, bytes32(0));
        vm.prank(stranger);
        book.expire(orderId);

        ICreditOrderBook.Order memory stored = book.order(orderId);
        assertEq(uint256(stored.state), uint256(EXPIRED), "state");
        assertEq(stored.updatedAt, deadline + 1, "updatedAt");
        assertEq(uint256(book.effectiveState(orderId)), uint256(EXPIRED), "effectiveState");
        _assertInStateSet(orderId, EXPIRED, "expired");
    }

    function test_expire_anAcceptedOrderAfterTheDeadline() public {
        bytes32 orderId = _request(bank, _orderRequest(consentId));
        _accept(orderId);
        vm.warp(T0 + RESPONSE_TIME + 1);
        vm.expectEmit(true, true, true, true, address(book));
        emit ICreditOrderBook.OrderStateChanged(orderId, regulator, EXPIRED, bytes32(0));
        vm.prank(regulator);
        book.expire(orderId);
        _assertInStateSet(orderId, EXPIRED, "expired");
    }

    function test_expire_revertsUntilTheDeadlineHasPassed() public {
        bytes32 orderId = _request(bank, _orderRequest(consentId));
        uint64 deadline = uint64(T0) + RESPONSE_TIME;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(ICreditOrderBook.OrderNotExpired.selector, orderId, deadline));
        book.expire(orderId);

        _accept(orderId);
        vm.expectRevert(abi.encodeWithSelector(ICreditOrderBook.OrderNotExpired.selector, orderId, deadline));
        book.expire(orderId);
    }

    function test_effectiveState_showsExpiryBeforeItIsRecorded() public {
        bytes32 requested = _request(bank, _orderRequest(consentId));
        bytes32 accepted = _request(bank, _orderRequest(consentId));
        _accept(accepted);
        uint64 deadline = uint64(T0) + RESPONSE_TIME;

        vm.warp(deadline);
        assertEq(uint256(book.effectiveState(requested)), uint256(REQUESTED), "requested at the deadline");
        assertEq(uint256(book.effectiveState(accepted)), uint256(ACCEPTED), "accepted at the deadline");

        vm.warp(deadline + 1);
        assertEq(uint256(book.effectiveState(requested)), uint256(EXPIRED), "requested after the deadline");
        assertEq(uint256(book.effectiveState(accepted)), uint256(EXPIRED), "accepted after the deadline");
        _assertState(requested, REQUESTED, "stored state unchanged");
        _assertState(accepted, ACCEPTED, "stored state unchanged");
        _assertInStateSet(requested, REQUESTED, "still in the requested set");
        assertEq(_stateCount(EXPIRED), 0, "nothing recorded as expired");
    }

    // ---------------------------------------------------------------- deadline

    function test_acceptAndDeliver_allowedAtTheDeadline() public {
        bytes32 orderId = _request(bank, _orderRequest(consentId));
        vm.warp(T0 + RESPONSE_TIME);
        _accept(orderId);
        _deliver(orderId);
        _assertState(orderId, DELIVERED, "delivered at the deadline");
    }

    function test_accept_revertsAfterTheDeadline() public {
        bytes32 orderId = _request(bank, _orderRequest(consentId));
        uint64 deadline = uint64(T0) + RESPONSE_TIME;
        vm.warp(deadline + 1);
        vm.prank(agency);
        vm.expectRevert(abi.encodeWithSelector(ICreditOrderBook.OrderDeadlinePassed.selector, orderId, deadline));
        book.accept(orderId);
    }

    function test_deliver_revertsAfterTheDeadline() public {
        bytes32 orderId = _request(bank, _orderRequest(consentId));
        _accept(orderId);
        uint64 deadline = uint64(T0) + RESPONSE_TIME;
        vm.warp(deadline + 1);
        bytes32 fingerprint = _anchor(agency, CREDIT_REPORT_INDEX);
        vm.prank(agency);
        vm.expectRevert(abi.encodeWithSelector(ICreditOrderBook.OrderDeadlinePassed.selector, orderId, deadline));
        book.deliver(orderId, fingerprint);
    }

    /// FINDING: after the deadline the order "can only expire" (OrderDeadlinePassed) and
    /// effectiveState already reports the final state Expired, yet reject() and cancel() have no
    /// deadline check: the order leaves its (effective) final state Expired for Rejected / Cancelled.
    /// This test pins the current behaviour; flip it when the contract checks the deadline.
    /// Once the deadline has passed, effectiveState says Expired, a final state: neither the agency
    /// nor the bank can turn it into Rejected or Cancelled any more.
    function test_rejectAndCancel_revertAfterTheDeadline() public {
        bytes32 rejected = _request(bank, _orderRequest(consentId));
        bytes32 cancelled = _request(bank, _orderRequest(consentId));
        uint64 deadline = book.order(rejected).request.responseDeadline;
        vm.warp(uint256(deadline) + 1);
        assertEq(uint256(book.effectiveState(rejected)), uint256(EXPIRED), "effectively expired");

        vm.prank(agency);
        vm.expectRevert(abi.encodeWithSelector(ICreditOrderBook.OrderDeadlinePassed.selector, rejected, deadline));
        book.reject(rejected, REASON);
        vm.prank(bank);
        vm.expectRevert(abi.encodeWithSelector(ICreditOrderBook.OrderDeadlinePassed.selector, cancelled, deadline));
        book.cancel(cancelled);
        assertEq(uint256(book.effectiveState(rejected)), uint256(EXPIRED), "still expired");
        assertEq(uint256(book.effectiveState(cancelled)), uint256(EXPIRED), "still expired");
    }

    // ---------------------------------------------------------------- deliver: the report

    function test_deliver_revertsForAReportDeliveredForAnotherOrder() public {
        bytes32 first = _driveTo(ACCEPTED);
        bytes32 fingerprint = _deliver(first);
        bytes32 second = _driveTo(ACCEPTED);
        vm.prank(agency);
        vm.expectRevert(abi.encodeWithSelector(ICreditOrderBook.ReportAlreadyDelivered.selector, fingerprint, first));
        book.deliver(second, fingerprint);
        _assertState(second, ACCEPTED, "still accepted");
    }

    function test_deliver_revertsForAReportAnchoredBeforeTheOrder() public {
        bytes32 early = _anchor(agency, CREDIT_REPORT_INDEX);
        vm.warp(block.timestamp + 1);
        bytes32 orderId = _driveTo(ACCEPTED);
        vm.prank(agency);
        vm.expectRevert(_reportNotAnchored(orderId, early));
        book.deliver(orderId, early);
    }

    function test_deliver_revertsForAReportAnchoredByAnotherIssuer() public {
        _grantSchema(agency2, creditReportSchema);
        bytes32 orderId = _driveTo(ACCEPTED);
        bytes32 fingerprint = _anchor(agency2, CREDIT_REPORT_INDEX);
        vm.prank(agency);
        vm.expectRevert(_reportNotAnchored(orderId, fingerprint));
        book.deliver(orderId, fingerprint);
        _assertState(orderId, ACCEPTED, "still accepted");
    }

    function test_deliver_revertsForAReportUnderAnotherSchema() public {
        _grantSchema(agency, otherSchema);
        bytes32 orderId = _driveTo(ACCEPTED);
        bytes32 fingerprint = _anchor(agency, OTHER_INDEX);
        vm.prank(agency);
        vm.expectRevert(_reportNotAnchored(orderId, fingerprint));
        book.deliver(orderId, fingerprint);
    }

    function test_deliver_revertsForARevokedReport() public {
        bytes32 orderId = _driveTo(ACCEPTED);
        bytes32 fingerprint = _anchor(agency, CREDIT_REPORT_INDEX);
        vm.prank(agency);
        fingerprints.revoke(fingerprint, 1, bytes32(0));
        vm.prank(agency);
        vm.expectRevert(_reportNotAnchored(orderId, fingerprint));
        book.deliver(orderId, fingerprint);
    }

    function test_deliver_revertsForAnUnknownOrZeroReport() public {
        bytes32 orderId = _driveTo(ACCEPTED);
        bytes32 unknown = keccak256("never anchored");
        vm.prank(agency);
        vm.expectRevert(_reportNotAnchored(orderId, unknown));
        book.deliver(orderId, unknown);
        vm.prank(agency);
        vm.expectRevert(_reportNotAnchored(orderId, bytes32(0)));
        book.deliver(orderId, bytes32(0));
    }

    function test_deliver_revertsForAnExpiredReport() public {
        bytes32 orderId = _driveTo(ACCEPTED);
        bytes32 fingerprint = keccak256("short-lived report");
        vm.prank(agency);
        fingerprints.anchor(fingerprint, CREDIT_REPORT_INDEX, uint64(block.timestamp + 1 hours));
        vm.warp(block.timestamp + 1 hours);
        vm.prank(agency);
        vm.expectRevert(_reportNotAnchored(orderId, fingerprint));
        book.deliver(orderId, fingerprint);
    }

    function test_deliver_revertsForAReportAnchoredWhileUnaccredited() public {
        bytes32 orderId = _driveTo(ACCEPTED);
        vm.warp(T0 + 100);
        bytes32 fingerprint = _anchor(agency, CREDIT_REPORT_INDEX);
        vm.warp(T0 + 200);
        // The committee learns the key was compromised from T0 + 100 on.
        vm.prank(committee);
        issuers.revokeSchema(agency, creditReportSchema, uint64(T0 + 100));
        vm.prank(agency);
        vm.expectRevert(_reportNotAnchored(orderId, fingerprint));
        book.deliver(orderId, fingerprint);
    }

    function test_deliver_acceptsAReportAnchoredBeforeASuspension() public {
        bytes32 orderId = _driveTo(ACCEPTED);
        bytes32 fingerprint = _anchor(agency, CREDIT_REPORT_INDEX);
        vm.warp(T0 + 10);
        _suspend(agency);
        vm.warp(T0 + 20);
        _reinstate(agency);
        vm.prank(agency);
        book.deliver(orderId, fingerprint);
        assertEq(book.order(orderId).reportFingerprint, fingerprint, "delivered");
    }

    // ================================================================== invalid transitions

    function test_accept_revertsTwice() public {
        bytes32 orderId = _driveTo(ACCEPTED);
        vm.prank(agency);
        vm.expectRevert(_invalidTransition(orderId, ACCEPTED));
        book.accept(orderId);
    }

    function test_deliver_revertsBeforeAcceptance() public {
        bytes32 orderId = _placeOrder();
        bytes32 fingerprint = _anchor(agency, CREDIT_REPORT_INDEX);
        vm.prank(agency);
        vm.expectRevert(_invalidTransition(orderId, REQUESTED));
        book.deliver(orderId, fingerprint);
    }

    function test_confirmAndDispute_revertBeforeDelivery() public {
        bytes32 requested = _placeOrder();
        bytes32 accepted = _driveTo(ACCEPTED);
        vm.prank(bank);
        vm.expectRevert(_invalidTransition(requested, REQUESTED));
        book.confirm(requested);
        vm.prank(bank);
        vm.expectRevert(_invalidTransition(accepted, ACCEPTED));
        book.confirm(accepted);
        vm.prank(bank);
        vm.expectRevert(_invalidTransition(requested, REQUESTED));
        book.dispute(requested, REASON);
        vm.prank(bank);
        vm.expectRevert(_invalidTransition(accepted, ACCEPTED));
        book.dispute(accepted, REASON);
    }

    function test_cancelAndReject_revertOnceAccepted() public {
        bytes32 orderId = _driveTo(ACCEPTED);
        vm.prank(bank);
        vm.expectRevert(_invalidTransition(orderId, ACCEPTED));
        book.cancel(orderId);
        vm.prank(agency);
        vm.expectRevert(_invalidTransition(orderId, ACCEPTED));
        book.reject(orderId, REASON);
    }

    function test_expire_revertsForADeliveredOrderAfterTheDeadline() public {
        bytes32 orderId = _driveTo(DELIVERED);
        vm.warp(T0 + MAX_RESPONSE_TIME + 1);
        vm.expectRevert(_invalidTransition(orderId, DELIVERED));
        book.expire(orderId);
    }

    /// Every transition from every state, by the right party: what the lifecycle allows succeeds
    /// and moves the order between the state sets, everything else reverts with InvalidTransition
    /// (or OrderNotExpired for an early expiry).
    function test_transitions_matrixFromEveryState() public {
        for (uint256 s = uint256(REQUESTED); s <= uint256(DISPUTED); ++s) {
            for (uint256 a; a < ACTION_COUNT; ++a) {
                _checkTransition(ICreditOrderBook.OrderState(s), Action(a), address(0));
            }
        }
    }

    function test_transitions_nothingLeavesAFinalState() public {
        ICreditOrderBook.OrderState[5] memory finals = [REJECTED, CANCELLED, EXPIRED, CONFIRMED, DISPUTED];
        for (uint256 f; f < finals.length; ++f) {
            bytes32 orderId = _driveTo(finals[f]);
            for (uint256 a; a < ACTION_COUNT; ++a) {
                bytes32 fingerprint = Action(a) == Action.Deliver ? _anchor(agency, CREDIT_REPORT_INDEX) : bytes32(0);
                vm.prank(_party(Action(a)));
                vm.expectRevert(_invalidTransition(orderId, finals[f]));
                _call(Action(a), orderId, fingerprint);
            }
            _assertState(orderId, finals[f], "final state kept");
        }
    }

    function test_transitions_revertForAnUnknownOrder() public {
        bytes32 unknown = _expectedOrderId(bank, 0);
        for (uint256 a; a < ACTION_COUNT; ++a) {
            vm.prank(_party(Action(a)));
            vm.expectRevert(_notFound(unknown));
            _call(Action(a), unknown, bytes32(0));
        }
        vm.expectRevert(_notFound(unknown));
        book.order(unknown);
        vm.expectRevert(_notFound(unknown));
        book.effectiveState(unknown);
    }

    function test_rejectAndDispute_checkTheReasonFirst() public {
        bytes32 unknown = keccak256("unknown order");
        vm.prank(stranger);
        vm.expectRevert(ICreditOrderBook.MissingReason.selector);
        book.reject(unknown, bytes32(0));
        vm.prank(stranger);
        vm.expectRevert(ICreditOrderBook.MissingReason.selector);
        book.dispute(unknown, bytes32(0));
    }

    // ================================================================== role escalation

    function test_roles_aBankCannotActAsTheProvider() public {
        bytes32 requested = _placeOrder();
        bytes32 accepted = _driveTo(ACCEPTED);
        bytes32 fingerprint = _anchor(agency, CREDIT_REPORT_INDEX);
        address[2] memory banks = [bank, bank2];
        for (uint256 i; i < banks.length; ++i) {
            vm.prank(banks[i]);
            vm.expectRevert(_notParty(requested, banks[i], agency));
            book.accept(requested);
            vm.prank(banks[i]);
            vm.expectRevert(_notParty(requested, banks[i], agency));
            book.reject(requested, REASON);
            vm.prank(banks[i]);
            vm.expectRevert(_notParty(accepted, banks[i], agency));
            book.deliver(accepted, fingerprint);
        }
    }

    function test_roles_anAgencyCannotActAsTheRequester() public {
        bytes32 requested = _placeOrder();
        bytes32 delivered = _driveTo(DELIVERED);
        address[2] memory agencies = [agency, agency2];
        for (uint256 i; i < agencies.length; ++i) {
            vm.prank(agencies[i]);
            vm.expectRevert(_notParty(requested, agencies[i], bank));
            book.cancel(requested);
            vm.prank(agencies[i]);
            vm.expectRevert(_notParty(delivered, agencies[i], bank));
            book.confirm(delivered);
            vm.prank(agencies[i]);
            vm.expectRevert(_notParty(delivered, agencies[i], bank));
            book.dispute(delivered, REASON);
        }
    }

    function test_roles_theRegulatorOnlyObservesAndExpires() public {
        ICreditOrderBook.OrderRequest memory order = _orderRequest(consentId);
        vm.prank(regulator);
        vm.expectRevert(_notRecognized(regulator, BANK_TYPE));
        book.request(order);

        bytes32 requested = _placeOrder();
        bytes32 accepted = _driveTo(ACCEPTED);
        bytes32 delivered = _driveTo(DELIVERED);
        bytes32 fingerprint = _anchor(agency, CREDIT_REPORT_INDEX);
        vm.prank(regulator);
        vm.expectRevert(_notParty(requested, regulator, agency));
        book.accept(requested);
        vm.prank(regulator);
        vm.expectRevert(_notParty(requested, regulator, agency));
        book.reject(requested, REASON);
        vm.prank(regulator);
        vm.expectRevert(_notParty(accepted, regulator, agency));
        book.deliver(accepted, fingerprint);
        vm.prank(regulator);
        vm.expectRevert(_notParty(requested, regulator, bank));
        book.cancel(requested);
        vm.prank(regulator);
        vm.expectRevert(_notParty(delivered, regulator, bank));
        book.confirm(delivered);
        vm.prank(regulator);
        vm.expectRevert(_notParty(delivered, regulator, bank));
        book.dispute(delivered, REASON);
    }

    function test_roles_anotherBankCannotCloseSomeoneElsesOrder() public {
        bytes32 requested = _placeOrder();
        bytes32 delivered = _driveTo(DELIVERED);
        vm.prank(bank2);
        vm.expectRevert(_notParty(requested, bank2, bank));
        book.cancel(requested);
        vm.prank(bank2);
        vm.expectRevert(_notParty(delivered, bank2, bank));
        book.confirm(delivered);
        vm.prank(bank2);
        vm.expectRevert(_notParty(delivered, bank2, bank));
        book.dispute(delivered, REASON);
    }

    function test_roles_anotherAgencyCannotServeSomeoneElsesOrder() public {
        _grantSchema(agency2, creditReportSchema);
        bytes32 requested = _placeOrder();
        bytes32 accepted = _driveTo(ACCEPTED);
        bytes32 fingerprint = _anchor(agency2, CREDIT_REPORT_INDEX);
        vm.prank(agency2);
        vm.expectRevert(_notParty(requested, agency2, agency));
        book.accept(requested);
        vm.prank(agency2);
        vm.expectRevert(_notParty(requested, agency2, agency));
        book.reject(requested, REASON);
        vm.prank(agency2);
        vm.expectRevert(_notParty(accepted, agency2, agency));
        book.deliver(accepted, fingerprint);
    }

    function test_roles_aSuspendedAgencyCannotServeItsOrders() public {
        bytes32 requested = _placeOrder();
        bytes32 accepted = _driveTo(ACCEPTED);
        bytes32 fingerprint = _anchor(agency, CREDIT_REPORT_INDEX);
        vm.warp(T0 + 10);
        _suspend(agency);
        vm.prank(agency);
        vm.expectRevert(_notRecognized(agency, AGENCY_TYPE));
        book.accept(requested);
        vm.prank(agency);
        vm.expectRevert(_notRecognized(agency, AGENCY_TYPE));
        book.reject(requested, REASON);
        vm.prank(agency);
        vm.expectRevert(_notRecognized(agency, AGENCY_TYPE));
        book.deliver(accepted, fingerprint);

        // The requester can still close what the agency no longer serves.
        _cancel(requested);
        _assertState(requested, CANCELLED, "cancelled by the requester");

        vm.warp(T0 + 20);
        _reinstate(agency);
        vm.prank(agency);
        book.deliver(accepted, fingerprint);
        _assertState(accepted, DELIVERED, "delivered once reinstated");
    }

    function test_roles_aRemovedAgencyCannotServeItsOrders() public {
        bytes32 accepted = _driveTo(ACCEPTED);
        bytes32 fingerprint = _anchor(agency, CREDIT_REPORT_INDEX);
        vm.warp(T0 + 10);
        _removeIssuer(agency);
        vm.prank(agency);
        vm.expectRevert(_notRecognized(agency, AGENCY_TYPE));
        book.deliver(accepted, fingerprint);
    }

    /// The requester keeps its rights over its own orders while suspended (documents the current
    /// behaviour: cancel / confirm / dispute check the party, not its standing).
    function test_roles_aSuspendedBankStillClosesItsOrders() public {
        bytes32 requested = _placeOrder();
        bytes32 delivered = _driveTo(DELIVERED);
        _suspend(bank);
        _cancel(requested);
        _confirm(delivered);
        _assertState(requested, CANCELLED, "cancelled");
        _assertState(delivered, CONFIRMED, "confirmed");
    }

    function test_roles_theProviderIsCheckedBeforeItsStanding() public {
        bytes32 requested = _placeOrder();
        _suspend(agency2);
        vm.prank(agency2);
        vm.expectRevert(_notParty(requested, agency2, agency));
        book.accept(requested);
    }

    // ================================================================== fuzz

    function testFuzz_orderIdOf_matchesTheDerivation(address requester, uint256 index) public view {
        assertEq(book.orderIdOf(requester, index), _expectedOrderId(requester, index), "orderIdOf");
    }

    function testFuzz_request_deadlineWithinMaxResponseTime(uint256 startSeed, uint64 deadline) public {
        uint256 start = bound(startSeed, T0, T0 + 300 days);
        vm.warp(start);
        if (deadline % 2 == 0) deadline = uint64(bound(deadline, start - 1 days, start + MAX_RESPONSE_TIME + 1 days));
        bytes32 consent = _grantConsent(enterprise, _terms(bank, 1));
        ICreditOrderBook.OrderRequest memory order = _orderRequest(consent);
        order.responseDeadline = deadline;
        bool valid = deadline > start && deadline <= start + MAX_RESPONSE_TIME;
        if (!valid) {
            vm.prank(bank);
            vm.expectRevert(abi.encodeWithSelector(ICreditOrderBook.InvalidDeadline.selector, deadline));
            book.request(order);
            return;
        }
        bytes32 orderId = _request(bank, order);
        assertEq(book.order(orderId).request.responseDeadline, deadline, "deadline stored");
        vm.warp(deadline);
        assertEq(uint256(book.effectiveState(orderId)), uint256(REQUESTED), "alive at the deadline");
        vm.warp(uint256(deadline) + 1);
        assertEq(uint256(book.effectiveState(orderId)), uint256(EXPIRED), "expired after it");
    }

    function testFuzz_request_onlyARecognisedBank(address requester) public {
        vm.assume(requester != address(vm));
        ICreditOrderBook.OrderRequest memory order = _orderRequest(consentId);
        if (requester == bank) {
            assertEq(_request(bank, order), _expectedOrderId(bank, 0), "bank orders");
            return;
        }
        if (requester == bank2) {
            // A bank, but the consent is the first bank's.
            vm.prank(bank2);
            vm.expectRevert(
                abi.encodeWithSelector(IConsentRegistry.UnauthorizedConsumer.selector, consentId, address(book))
            );
            book.request(order);
            return;
        }
        vm.prank(requester);
        vm.expectRevert(_notRecognized(requester, BANK_TYPE));
        book.request(order);
    }

    /// A random caller attempts a random transition on an order in a random state: anyone but the
    /// party gets NotOrderParty (except for expire, open to anyone); the party gets what the
    /// lifecycle allows.
    function testFuzz_transitions_randomCaller(uint8 stateSeed, uint8 actionSeed, address caller) public {
        vm.assume(caller != address(vm));
        ICreditOrderBook.OrderState from = ICreditOrderBook.OrderState(bound(stateSeed, 1, uint256(DISPUTED)));
        _checkTransition(from, Action(bound(actionSeed, 0, ACTION_COUNT - 1)), caller);
    }

    /// The same with the caller drawn from the consortium's own accounts.
    function testFuzz_transitions_consortiumCaller(uint8 stateSeed, uint8 actionSeed, uint8 callerSeed) public {
        address[9] memory accounts = [
            bank,
            bank2,
            agency,
            agency2,
            regulator,
            hospital,
            enterprise,
            committee,
            stranger
        ];
        ICreditOrderBook.OrderState from = ICreditOrderBook.OrderState(bound(stateSeed, 1, uint256(DISPUTED)));
        _checkTransition(
            from,
            Action(bound(actionSeed, 0, ACTION_COUNT - 1)),
            accounts[bound(callerSeed, 0, accounts.length - 1)]
        );
    }

    function testFuzz_expire_anyoneOnlyAfterTheDeadline(address caller, uint256 delay, bool accepted) public {
        vm.assume(caller != address(vm));
        bytes32 orderId = _driveTo(accepted ? ACCEPTED : REQUESTED);
        uint64 deadline = uint64(T0) + RESPONSE_TIME;
        uint256 at = bound(delay, T0, T0 + 2 * RESPONSE_TIME);
        vm.warp(at);
        if (at <= deadline) {
            vm.prank(caller);
            vm.expectRevert(abi.encodeWithSelector(ICreditOrderBook.OrderNotExpired.selector, orderId, deadline));
            book.expire(orderId);
            return;
        }
        vm.expectEmit(true, true, true, true, address(book));
        emit ICreditOrderBook.OrderStateChanged(orderId, caller, EXPIRED, bytes32(0));
        vm.prank(caller);
        book.expire(orderId);
        _assertInStateSet(orderId, EXPIRED, "expired");
    }

    function testFuzz_acceptAndDeliver_onlyUntilTheDeadline(uint256 delay) public {
        bytes32 requested = _driveTo(REQUESTED);
        bytes32 accepted = _driveTo(ACCEPTED);
        uint64 deadline = uint64(T0) + RESPONSE_TIME;
        uint256 at = bound(delay, T0, T0 + 2 * RESPONSE_TIME);
        vm.warp(at);
        bytes32 fingerprint = _anchor(agency, CREDIT_REPORT_INDEX);
        if (at <= deadline) {
            _accept(requested);
            vm.prank(agency);
            book.deliver(accepted, fingerprint);
            _assertState(requested, ACCEPTED, "accepted in time");
            _assertState(accepted, DELIVERED, "delivered in time");
            return;
        }
        bytes memory late = abi.encodeWithSelector(ICreditOrderBook.OrderDeadlinePassed.selector, requested, deadline);
        vm.prank(agency);
        vm.expectRevert(late);
        book.accept(requested);
        late = abi.encodeWithSelector(ICreditOrderBook.OrderDeadlinePassed.selector, accepted, deadline);
        vm.prank(agency);
        vm.expectRevert(late);
        book.deliver(accepted, fingerprint);
    }

    function testFuzz_effectiveState_countsAnUnrecordedExpiry(uint8 stateSeed, uint256 delay) public {
        ICreditOrderBook.OrderState state = ICreditOrderBook.OrderState(bound(stateSeed, 1, uint256(DISPUTED)));
        bytes32 orderId = _driveTo(state);
        vm.warp(bound(delay, block.timestamp, block.timestamp + 2 * MAX_RESPONSE_TIME));
        bool lapsed =
            (state == REQUESTED || state == ACCEPTED) && block.timestamp > book.order(orderId).request.responseDeadline;
        assertEq(uint256(book.effectiveState(orderId)), uint256(lapsed ? EXPIRED : state), "effectiveState");
        _assertState(orderId, state, "stored state unchanged by time");
    }

    function testFuzz_pagedViews_sliceThePlacedOrders(uint8 countSeed, uint256 offset, uint256 limit) public {
        uint256 count = bound(countSeed, 0, 6);
        bytes32 unlimited = _grantConsent(enterprise, _terms(bank, 0));
        bytes32[] memory placed = new bytes32[](count);
        for (uint256 i; i < count; ++i) placed[i] = _request(bank, _orderRequest(unlimited));
        offset = bound(offset, 0, count + 2);
        limit = limit % 4 == 0 ? type(uint256).max : bound(limit, 0, count + 2);

        uint256 expectedLength = offset >= count ? 0 : (count - offset < limit ? count - offset : limit);
        bytes32[] memory expected = new bytes32[](expectedLength);
        for (uint256 i; i < expectedLength; ++i) expected[i] = placed[offset + i];
        assertEq(book.ordersByRequester(bank, offset, limit), expected, "ordersByRequester");
        assertEq(book.ordersByProvider(agency, offset, limit), expected, "ordersByProvider");
        assertEq(book.ordersBySubject(enterprise, offset, limit), expected, "ordersBySubject");
        bytes32[] memory byState = book.ordersByState(REQUESTED, offset, limit);
        assertEq(byState.length, expectedLength, "ordersByState length");
        for (uint256 i; i < byState.length; ++i) assertTrue(_contains(placed, byState[i]), "ordersByState member");
    }

    // ---------------------------------------------------------------- matrix helpers

    /// @dev Drives a fresh order to `from`, then `caller` (the action's party when zero) attempts
    /// `action`; checks the outcome against the lifecycle.
    function _checkTransition(ICreditOrderBook.OrderState from, Action action, address caller) private {
        bytes32 orderId = _driveTo(from);
        address party = _party(action);
        if (caller == address(0)) caller = party;
        bytes32 fingerprint = action == Action.Deliver ? _anchor(agency, CREDIT_REPORT_INDEX) : bytes32(0);
        bytes memory expectedError = _expectedError(from, action, orderId, caller, party);

        if (expectedError.length != 0) {
            uint256 countBefore = _stateCount(from);
            vm.prank(caller);
            vm.expectRevert(expectedError);
            _call(action, orderId, fingerprint);
            _assertState(orderId, from, "state unchanged");
            assertEq(_stateCount(from), countBefore, "state set unchanged");
            return;
        }
        ICreditOrderBook.OrderState next = _next(action);
        vm.expectEmit(true, true, true, true, address(book));
        emit ICreditOrderBook.OrderStateChanged(orderId, caller, next, _detail(action, fingerprint));
        vm.prank(caller);
        _call(action, orderId, fingerprint);
        _assertState(orderId, next, "state after the transition");
        _assertInStateSet(orderId, next, "state set after the transition");
        assertEq(book.order(orderId).updatedAt, block.timestamp, "updatedAt");
    }

    function _expectedError(
        ICreditOrderBook.OrderState from,
        Action action,
        bytes32 orderId,
        address caller,
        address party
    ) private view returns (bytes memory) {
        if (action == Action.Expire) {
            if (from != REQUESTED && from != ACCEPTED) return _invalidTransition(orderId, from);
            // _driveTo leaves Requested and Accepted orders before their deadline.
            return
                abi.encodeWithSelector(
                    ICreditOrderBook.OrderNotExpired.selector,
                    orderId,
                    book.order(orderId).request.responseDeadline
                );
        }
        if (caller != party) return _notParty(orderId, caller, party);
        if (from != _requiredState(action)) return _invalidTransition(orderId, from);
        return "";
    }

    function _requiredState(Action action) private pure returns (ICreditOrderBook.OrderState) {
        if (action == Action.Accept || action == Action.Reject || action == Action.Cancel) return REQUESTED;
        if (action == Action.Deliver) return ACCEPTED;
        return DELIVERED; // Confirm, Dispute
    }

    function _next(Action action) private pure returns (ICreditOrderBook.OrderState) {
        if (action == Action.Accept) return ACCEPTED;
        if (action == Action.Reject) return REJECTED;
        if (action == Action.Cancel) return CANCELLED;
        if (action == Action.Deliver) return DELIVERED;
        if (action == Action.Confirm) return CONFIRMED;
        if (action == Action.Dispute) return DISPUTED;
        return EXPIRED;
    }

    function _detail(Action action, bytes32 fingerprint) private pure returns (bytes32) {
        if (action == Action.Deliver) return fingerprint;
        if (action == Action.Reject || action == Action.Dispute) return REASON;
        return bytes32(0);
    }

    /// @dev Who may take `action` on the default orders (expire: anyone, here the stranger).
    function _party(Action action) private view returns (address) {
        if (action == Action.Accept || action == Action.Reject || action == Action.Deliver) return agency;
        if (action == Action.Expire) return stranger;
        return bank;
    }

    function _call(Action action, bytes32 orderId, bytes32 fingerprint) private {
        if (action == Action.Accept) book.accept(orderId);
        else if (action == Action.Reject) book.reject(orderId, REASON);
        else if (action == Action.Cancel) book.cancel(orderId);
        else if (action == Action.Deliver) book.deliver(orderId, fingerprint);
        else if (action == Action.Confirm) book.confirm(orderId);
        else if (action == Action.Dispute) book.dispute(orderId, REASON);
        else book.expire(orderId);
    }
}
