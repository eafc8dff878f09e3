// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {FingerprintRegistry} from "../../contracts/fingerprints/FingerprintRegistry.sol";
import {DIDRegistry} from "../../contracts/identity/DIDRegistry.sol";
import {IssuerRegistry} from "../../contracts/identity/IssuerRegistry.sol";
import {IIssuerAccreditation} from "../../contracts/interfaces/IIssuerAccreditation.sol";
import {IIssuerRegistry} from "../../contracts/interfaces/IIssuerRegistry.sol";
import {CheatCodes} from "../utils/Vm.sol";

/// @title IssuerRegistryHandler
/// @notice Drives an IssuerRegistry wired to its FingerprintRegistry and AccessManager for invariant
/// tests: institutions apply (as DID owners or `veriKey` delegates), the committee recognises,
/// suspends, reinstates and removes them and grants and revokes schemas with backdated times,
/// issuers try to anchor, time passes, the committee hands roles 1 and 3 to outsiders and takes
/// them back, and non-committee accounts try every way of changing roles or accreditations.
/// @dev The invariant runner ignores reverts (failOnRevert = false), so the handler never asserts:
/// it records what it did not expect in `violations` / `unexpectedFailures`. What each call should
/// do is derived from the registries' current state before the call.
contract IssuerRegistryHandler is CheatCodes {
    uint64 public constant SCHEMA_ADMIN_ROLE = 1;
    uint64 public constant ACCREDITATION_ADMIN_ROLE = 2;
    uint64 public constant ISSUER_ADMIN_ROLE = 3;
    uint64 internal constant PUBLIC_ROLE = type(uint64).max;
    bytes32 internal constant VERI_KEY = "veriKey";
    /// Never applies: the target of restricted calls by accounts that legitimately hold role 3.
    address public constant NEVER_APPLIED = address(0xDEAD);

    AccessManager public immutable manager;
    IssuerRegistry public immutable registry;
    FingerprintRegistry public immutable fingerprints;
    DIDRegistry public immutable dids;
    address public immutable committee;

    bytes32[] internal _schemaIds; // schema with compact index i + 1
    address[] internal _issuers; // accounts that may apply and anchor
    address[] internal _outsiders; // never apply; may receive roles 1 and 3 from the committee
    address[] internal _tracked; // every account whose roles the invariants check

    // ---------------------------------------------------------------- ghost state
    mapping(uint64 roleId => mapping(address account => bool member)) public ghostHasRole;
    /// Successful anchors (single, many or batch) by an issuer while it was Removed. Must stay 0.
    mapping(address issuer => uint256 count) public anchorsAfterRemoval;
    /// Start of the current suspension of each issuer, as the handler requested it.
    mapping(address issuer => uint64 effectiveFrom) private _suspendedFrom;

    /// Something succeeded that must not have. Must stay 0.
    uint256 public violations;
    /// Something failed that must have succeeded. Must stay 0.
    uint256 public unexpectedFailures;
    string public lastProblem;

    uint256 public calls;
    uint256 public successfulAnchors;
    /// Calls that succeeded as expected (applications, lifecycle and schema changes, anchors).
    uint256 public expectedSuccesses;
    uint256 public committeeRoleChanges;
    uint256 public rejectedAttacks;
    uint256 internal _fingerprintNonce;

    constructor(
        AccessManager manager_,
        IssuerRegistry registry_,
        FingerprintRegistry fingerprints_,
        DIDRegistry dids_,
        address committee_,
        address[] memory issuers_,
        address[] memory outsiders_,
        bytes32[] memory schemaIds_
    ) {
        manager = manager_;
        registry = registry_;
        fingerprints = fingerprints_;
        dids = dids_;
        committee = committee_;
        _issuers = issuers_;
        _outsiders = outsiders_;
        _schemaIds = schemaIds_;

        _tracked.push(committee_);
        _tracked.push(address(registry_));
        _tracked.push(NEVER_APPLIED);
        for (uint256 i; i < issuers_.length; ++i) _tracked.push(issuers_[i]);
        for (uint256 i; i < outsiders_.length; ++i) _tracked.push(outsiders_[i]);

        ghostHasRole[SCHEMA_ADMIN_ROLE][committee_] = true;
        ghostHasRole[ISSUER_ADMIN_ROLE][committee_] = true;
        ghostHasRole[ACCREDITATION_ADMIN_ROLE][address(registry_)] = true;
    }

    // ---------------------------------------------------------------- views for the invariants

    function issuers() external view returns (address[] memory) {
        return _issuers;
    }

    function trackedAccounts() external view returns (address[] memory) {
        return _tracked;
    }

    function schemaIds() external view returns (bytes32[] memory) {
        return _schemaIds;
    }

    /// @notice Whether `account` holds `schemaId` in the IssuerRegistry.
    function holds(address account, bytes32 schemaId) public view returns (bool) {
        bytes32[] memory held = registry.schemasOf(account, 0, type(uint256).max);
        for (uint256 i; i < held.length; ++i) {
            if (held[i] == schemaId) return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- application

    function applyForRecognition(uint256 issuerSeed, uint256 typeSeed, bool viaDelegate) external {
        ++calls;
        address account = _issuer(issuerSeed);
        address did = account;
        if (viaDelegate) {
            did = address(uint160(uint256(keccak256(abi.encode("crossproof.invariant.did", account)))));
            vm.prank(did);
            dids.addDelegate(did, VERI_KEY, account, 30 days);
        }
        IIssuerRegistry.IssuerType issuerType = IIssuerRegistry.IssuerType(bound(typeSeed, 1, 9));
        bool expectSuccess = _status(account) == IIssuerRegistry.IssuerStatus.None;
        vm.prank(account);
        try registry.applyForRecognition(did, issuerType, "Institution", "HK") {
            _expectedSuccess(expectSuccess, "application by an account that applied before");
        } catch {
            _expectedFailure(expectSuccess, "application by a DID controller failed");
        }
    }

    // ---------------------------------------------------------------- lifecycle (committee)

    function recognize(uint256 issuerSeed) external {
        ++calls;
        address account = _pick(issuerSeed, IIssuerRegistry.IssuerStatus.Applied);
        bool expectSuccess = _status(account) == IIssuerRegistry.IssuerStatus.Applied;
        vm.prank(committee);
        try registry.recognize(account) {
            _expectedSuccess(expectSuccess, "recognised an account that had not applied");
        } catch {
            _expectedFailure(expectSuccess, "recognize failed");
        }
    }

    function suspend(uint256 issuerSeed, uint256 backdateSeed) external {
        ++calls;
        address account = _pick(issuerSeed, IIssuerRegistry.IssuerStatus.Recognized);
        bool expectSuccess = _status(account) == IIssuerRegistry.IssuerStatus.Recognized;
        uint64 effectiveFrom = _effectiveFrom(backdateSeed);
        vm.prank(committee);
        try registry.suspend(account, effectiveFrom) {
            _suspendedFrom[account] = effectiveFrom;
            _expectedSuccess(expectSuccess, "suspended an issuer that was not recognised");
        } catch {
            _expectedFailure(expectSuccess, "suspend failed");
        }
    }

    function reinstate(uint256 issuerSeed) external {
        ++calls;
        address account = _pick(issuerSeed, IIssuerRegistry.IssuerStatus.Suspended);
        bool expectSuccess = _status(account) == IIssuerRegistry.IssuerStatus.Suspended && _canReaccreditAll(account);
        vm.prank(committee);
        try registry.reinstate(account) {
            _expectedSuccess(expectSuccess, "reinstated an issuer that was not suspended (or too early)");
        } catch {
            _expectedFailure(expectSuccess, "reinstate failed");
        }
    }

    function remove(uint256 issuerSeed, uint256 backdateSeed) external {
        ++calls;
        // Removal is final: aim at a removed issuer half the time, so the pool does not run dry.
        address account = _pick(
            issuerSeed,
            IIssuerRegistry.IssuerStatus(backdateSeed % 2 == 0 ? 4 : 1 + (issuerSeed % 3))
        );
        IIssuerRegistry.IssuerStatus status = _status(account);
        uint64 effectiveFrom = _effectiveFrom(backdateSeed);
        bool expectSuccess =
            status != IIssuerRegistry.IssuerStatus.None &&
                status != IIssuerRegistry.IssuerStatus.Removed &&
                !_beforeSuspension(account, effectiveFrom);
        vm.prank(committee);
        try registry.remove(account, effectiveFrom) {
            _expectedSuccess(expectSuccess, "removed an account that never applied or was removed");
        } catch {
            _expectedFailure(expectSuccess, "remove failed");
        }
    }

    function grantSchema(uint256 issuerSeed, uint256 schemaSeed) external {
        ++calls;
        address account = _pick(issuerSeed, IIssuerRegistry.IssuerStatus.Recognized);
        bytes32 schemaId = _schemaIds[schemaSeed % _schemaIds.length];
        bool expectSuccess =
            _status(account) == IIssuerRegistry.IssuerStatus.Recognized &&
                !holds(account, schemaId) &&
                _canReaccredit(account, schemaId);
        vm.prank(committee);
        try registry.grantSchema(account, schemaId) {
            _expectedSuccess(expectSuccess, "granted a schema it should not have");
        } catch {
            _expectedFailure(expectSuccess, "grantSchema failed");
        }
    }

    function revokeSchema(uint256 issuerSeed, uint256 schemaSeed, uint256 backdateSeed) external {
        ++calls;
        address account = _pick(
            issuerSeed,
            schemaSeed % 2 == 0 ? IIssuerRegistry.IssuerStatus.Recognized : IIssuerRegistry.IssuerStatus.Suspended
        );
        bytes32 schemaId = _schemaIds[schemaSeed % _schemaIds.length];
        uint64 effectiveFrom = _effectiveFrom(backdateSeed);
        bool expectSuccess = holds(account, schemaId) && !_beforeSuspension(account, effectiveFrom);
        vm.prank(committee);
        try registry.revokeSchema(account, schemaId, effectiveFrom) {
            _expectedSuccess(expectSuccess, "revoked a schema that was not held");
        } catch {
            _expectedFailure(expectSuccess, "revokeSchema failed");
        }
    }

    /// @dev Whether `effectiveFrom` reaches before the current suspension of `account` (refused).
    function _beforeSuspension(address account, uint64 effectiveFrom) private view returns (bool) {
        return _status(account) == IIssuerRegistry.IssuerStatus.Suspended && effectiveFrom < _suspendedFrom[account];
    }

    // ---------------------------------------------------------------- anchoring (issuers)

    /// @dev Anchors a fresh fingerprint (mode 0), two (mode 1) or a batch root (mode 2).
    function anchor(uint256 issuerSeed, uint256 schemaSeed, uint256 mode) external {
        ++calls;
        // Mostly a recognised issuer; one time in four (by _pick) any, and often a removed one.
        address account = _pick(
            issuerSeed,
            mode % 4 == 3 ? IIssuerRegistry.IssuerStatus.Removed : IIssuerRegistry.IssuerStatus.Recognized
        );
        uint256 schema = _schemaFor(account, schemaSeed);
        IIssuerRegistry.IssuerStatus status = _status(account);
        bool expectSuccess = status == IIssuerRegistry.IssuerStatus.Recognized && holds(account, _schemaIds[schema]);
        if (_tryAnchor(account, uint32(schema + 1), mode % 3)) {
            ++successfulAnchors;
            if (status == IIssuerRegistry.IssuerStatus.Removed) ++anchorsAfterRemoval[account];
            _expectedSuccess(expectSuccess, "anchored without being recognised for the schema");
        } else {
            _expectedFailure(expectSuccess, "anchor by a recognised issuer holding the schema failed");
        }
    }

    /// @dev Lets time pass: often a second or two (to hit the re-accreditation boundary), else up to two days.
    function warp(uint256 secondsSeed) external {
        ++calls;
        uint256 step = secondsSeed % 2 == 0 ? bound(secondsSeed >> 1, 1, 2) : bound(secondsSeed >> 1, 1, 2 days);
        vm.warp(block.timestamp + step);
    }

    // ---------------------------------------------------------------- roles (committee)

    /// @dev The committee grants or revokes role 1 or 3 to or from an outsider, or relabels a role.
    function committeeChangesRole(uint256 opSeed, uint256 roleSeed, uint256 outsiderSeed) external {
        ++calls;
        address account = _outsiders[outsiderSeed % _outsiders.length];
        uint64 roleId = roleSeed % 2 == 0 ? SCHEMA_ADMIN_ROLE : ISSUER_ADMIN_ROLE;
        uint256 op = opSeed % 3;
        vm.prank(committee);
        if (op == 0) {
            try manager.grantRole(roleId, account, 0) {
                ghostHasRole[roleId][account] = true;
                ++committeeRoleChanges;
            } catch {
                _unexpected("committee grantRole failed");
            }
        } else if (op == 1) {
            try manager.revokeRole(roleId, account) {
                ghostHasRole[roleId][account] = false;
                ++committeeRoleChanges;
            } catch {
                _unexpected("committee revokeRole failed");
            }
        } else {
            try manager.labelRole(roleId, "relabelled") {
                ++committeeRoleChanges;
            } catch {
                _unexpected("committee labelRole failed");
            }
        }
    }

    // ---------------------------------------------------------------- attacks (non-committee)

    /// @dev A non-committee account tries to change roles, role admins, target functions, targets'
    /// authority, or to reach an admin function through execute/schedule. Every attempt must fail.
    function attackAccessManager(uint256 actorSeed, uint256 opSeed, uint256 roleSeed, uint256 targetSeed) external {
        ++calls;
        address actor = _actor(actorSeed);
        uint64 roleId = uint64(roleSeed % 4); // ADMIN_ROLE (0) to 3
        address target = _tracked[targetSeed % _tracked.length];
        bytes memory data = _managerCall(opSeed % 15, roleId, target, actor);
        vm.prank(actor);
        (bool ok, ) = address(manager).call(data);
        if (ok) _violation("a non-committee account changed the AccessManager");
        else ++rejectedAttacks;
    }

    /// @dev A non-committee account calls a restricted IssuerRegistry function (ops 0-5), or anyone
    /// but the IssuerRegistry, the committee included, calls accredit / withdrawAccreditation (6-7).
    function attackRestricted(uint256 actorSeed, uint256 opSeed, uint256 issuerSeed) external {
        ++calls;
        uint256 op = opSeed % 8;
        address actor = op >= 6 && actorSeed % 4 == 0 ? committee : _actor(actorSeed);
        address account = _issuer(issuerSeed);
        bool legitimate = op < 6 && ghostHasRole[ISSUER_ADMIN_ROLE][actor];
        // A role-3 holder may act: aim it at an account that never applied, so the call still fails.
        if (legitimate) account = NEVER_APPLIED;
        bytes32 schemaId = _schemaIds[issuerSeed % _schemaIds.length];
        (address target, bytes memory data) = _restrictedCall(op, account, schemaId);
        vm.prank(actor);
        (bool ok, bytes memory returned) = target.call(data);
        bool unauthorized =
            keccak256(returned) ==
                keccak256(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, actor));
        if (ok) _violation("a restricted call succeeded for an unauthorised account");
        else if (legitimate == unauthorized) _violation("restricted call: AccessManagedUnauthorized iff no role");
        else ++rejectedAttacks;
    }

    // ---------------------------------------------------------------- internals

    function _tryAnchor(address account, uint32 schemaIndex, uint256 mode) private returns (bool ok) {
        bytes32 fingerprint = keccak256(abi.encode("crossproof.invariant.issuer", ++_fingerprintNonce));
        vm.prank(account);
        if (mode == 0) {
            try fingerprints.anchor(fingerprint, schemaIndex, 0) {
                ok = true;
            } catch {}
        } else if (mode == 1) {
            bytes32[] memory list = new bytes32[](2);
            list[0] = fingerprint;
            list[1] = keccak256(abi.encode(fingerprint));
            try fingerprints.anchorMany(list, schemaIndex, 0) {
                ok = true;
            } catch {}
        } else {
            try fingerprints.anchorBatch(fingerprint, 4, schemaIndex, 0) {
                ok = true;
            } catch {}
        }
    }

    function _managerCall(
        uint256 op,
        uint64 roleId,
        address target,
        address actor
    ) private view returns (bytes memory) {
        address managed = address(registry);
        if (op == 0) return abi.encodeCall(AccessManager.grantRole, (roleId, target, 0));
        if (op == 1) return abi.encodeCall(AccessManager.grantRole, (roleId, actor, 0));
        if (op == 2) return abi.encodeCall(AccessManager.revokeRole, (roleId, target));
        // Renouncing for someone else: the confirmation is never the caller.
        if (op == 3) return abi.encodeCall(AccessManager.renounceRole, (roleId, target == actor ? committee : target));
        if (op == 4) return abi.encodeCall(AccessManager.setRoleAdmin, (roleId, PUBLIC_ROLE));
        if (op == 5) return abi.encodeCall(AccessManager.setRoleGuardian, (roleId, PUBLIC_ROLE));
        if (op == 6) return abi.encodeCall(AccessManager.setGrantDelay, (roleId, 0));
        if (op == 7) return abi.encodeCall(AccessManager.labelRole, (roleId, "pwned"));
        if (op == 8) return abi.encodeCall(AccessManager.setTargetFunctionRole, (managed, _selectors(), PUBLIC_ROLE));
        if (op == 9) return abi.encodeCall(AccessManager.setTargetClosed, (managed, true));
        if (op == 10) return abi.encodeCall(AccessManager.updateAuthority, (managed, actor));
        if (op == 11) return abi.encodeCall(AccessManager.setTargetAdminDelay, (managed, 1));
        bytes memory grant = abi.encodeCall(AccessManager.grantRole, (roleId, actor, 0));
        if (op == 12) return abi.encodeCall(AccessManager.execute, (address(manager), grant));
        if (op == 13) return abi.encodeCall(AccessManager.schedule, (address(manager), grant, 0));
        bytes memory accredit = abi.encodeCall(FingerprintRegistry.accredit, (actor, _schemaIds[0]));
        return abi.encodeCall(AccessManager.execute, (address(fingerprints), accredit));
    }

    function _restrictedCall(
        uint256 op,
        address account,
        bytes32 schemaId
    ) private view returns (address target, bytes memory data) {
        uint64 now64 = uint64(block.timestamp);
        target = address(registry);
        if (op == 0) data = abi.encodeCall(IssuerRegistry.recognize, (account));
        else if (op == 1) data = abi.encodeCall(IssuerRegistry.suspend, (account, now64));
        else if (op == 2) data = abi.encodeCall(IssuerRegistry.reinstate, (account));
        else if (op == 3) data = abi.encodeCall(IssuerRegistry.remove, (account, now64));
        else if (op == 4) data = abi.encodeCall(IssuerRegistry.grantSchema, (account, schemaId));
        else if (op == 5) data = abi.encodeCall(IssuerRegistry.revokeSchema, (account, schemaId, now64));
        else {
            target = address(fingerprints);
            data =
                op == 6
                    ? abi.encodeCall(FingerprintRegistry.accredit, (account, schemaId))
                    : abi.encodeCall(FingerprintRegistry.withdrawAccreditation, (account, schemaId, now64));
        }
    }

    function _selectors() private pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](2);
        selectors[0] = IssuerRegistry.grantSchema.selector;
        selectors[1] = FingerprintRegistry.accredit.selector;
    }

    /// @dev Position in `_schemaIds` of a schema `account` holds (half the time, when it holds any)
    /// or of any schema.
    function _schemaFor(address account, uint256 seed) private view returns (uint256) {
        bytes32[] memory held = registry.schemasOf(account, 0, type(uint256).max);
        if (held.length == 0 || seed % 2 == 0) return (seed >> 1) % _schemaIds.length;
        bytes32 schemaId = held[(seed >> 1) % held.length];
        for (uint256 i; i < _schemaIds.length; ++i) {
            if (_schemaIds[i] == schemaId) return i;
        }
        return 0;
    }

    /// @dev Whether the FingerprintRegistry would accept re-accrediting `account` for `schemaId` now:
    /// never withdrawn, or the latest untrusted window began before this second.
    function _canReaccredit(address account, bytes32 schemaId) private view returns (bool) {
        IIssuerAccreditation.UntrustedWindow[] memory windows = fingerprints.untrustedWindows(account, schemaId);
        return windows.length == 0 || block.timestamp > windows[windows.length - 1].from;
    }

    function _canReaccreditAll(address account) private view returns (bool) {
        bytes32[] memory held = registry.schemasOf(account, 0, type(uint256).max);
        for (uint256 i; i < held.length; ++i) {
            if (!_canReaccredit(account, held[i])) return false;
        }
        return true;
    }

    /// @dev Now, up to three days back, or (one time in five) the epoch, which the registry clamps.
    function _effectiveFrom(uint256 seed) private view returns (uint64) {
        if (seed % 5 == 0) return 0;
        return uint64(block.timestamp - bound(seed >> 3, 0, 3 days));
    }

    function _status(address account) private view returns (IIssuerRegistry.IssuerStatus) {
        return registry.issuer(account).status;
    }

    function _issuer(uint256 seed) private view returns (address) {
        return _issuers[seed % _issuers.length];
    }

    /// @dev An issuer in `preferred` status if there is one (searching from a seed-chosen start);
    /// one time in four, or when there is none, any issuer at all.
    function _pick(uint256 seed, IIssuerRegistry.IssuerStatus preferred) private view returns (address) {
        uint256 length = _issuers.length;
        if ((seed >> 128) % 4 == 0) return _issuer(seed);
        for (uint256 i; i < length; ++i) {
            address account = _issuers[(seed + i) % length];
            if (_status(account) == preferred) return account;
        }
        return _issuer(seed);
    }

    /// @dev Any account but the committee and the IssuerRegistry: an issuer or an outsider.
    function _actor(uint256 seed) private view returns (address) {
        uint256 i = seed % (_issuers.length + _outsiders.length);
        return i < _issuers.length ? _issuers[i] : _outsiders[i - _issuers.length];
    }

    function _expectedSuccess(bool expected, string memory problem) private {
        if (expected) ++expectedSuccesses;
        else _violation(problem);
    }

    function _expectedFailure(bool expectedSuccess, string memory problem) private {
        if (expectedSuccess) _unexpected(problem);
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
