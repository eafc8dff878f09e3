// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {IConsentRegistry} from "../../contracts/interfaces/IConsentRegistry.sol";
import {ERC1271WalletMock} from "../../contracts/mocks/ERC1271WalletMock.sol";
import {CheatCodes, Vm} from "../utils/Vm.sol";
import {ConsentTypedData} from "./ConsentRegistry.t.sol";

/// @title ConsentRegistryHandler
/// @notice Drives a ConsentRegistry for invariant tests: owners (three EOAs and an ERC-1271 wallet)
/// grant consents directly or by relayed EIP-712 signatures (sometimes with a wrong key, an expired
/// deadline or a stale nonce, sometimes with invalid terms), revoke them directly or by signature
/// (sometimes as someone else), grantees and a trusted consumer record uses (sometimes for the wrong
/// grantee, purpose or schema, or as an untrusted third party), the committee trusts and distrusts
/// the consumer, outsiders try to trust themselves, and time passes.
/// @dev The invariant runner ignores reverts (failOnRevert = false), so the handler never asserts: it
/// keeps its own model of every consent (ghost state), derives from it whether each call must succeed,
/// and records what it did not expect in `violations` / `unexpectedFailures`. Every action drains the
/// recorded logs and counts the registry's ConsentConsumed events per consent.
contract ConsentRegistryHandler is CheatCodes {
    bytes32 public constant OUTSIDE_SCHEMA = "schema.never-in-scope";
    bytes32 internal constant USAGE_REF = "invariant-use";
    uint256 internal constant WRONG_KEY = 0xBAD5EED;

    ConsentRegistry public immutable registry;
    address public immutable committee;
    address public immutable trustedConsumer; // trusted and distrusted by the committee
    address public immutable rogueConsumer; // never trusted
    address public immutable relayer;
    ERC1271WalletMock public immutable wallet; // the last owner; controlled by the last key

    uint256[] internal _keys; // the signing key of each owner
    address[] internal _owners; // vm.addr(_keys[i]), except the last: the wallet
    address[] internal _grantees;
    bytes32[] internal _purposes;
    bytes32[] internal _schemas; // what scopes are made of
    bytes32[] internal _consentIds; // every consent granted, in order

    // ---------------------------------------------------------------- ghost state
    mapping(bytes32 consentId => address owner) public ghostOwner;
    mapping(bytes32 consentId => IConsentRegistry.ConsentTerms terms) internal _ghostTerms;
    mapping(bytes32 consentId => uint64 grantedAt) public ghostGrantedAt;
    mapping(bytes32 consentId => uint64 revokedAt) public ghostRevokedAt;
    mapping(bytes32 consentId => uint32 uses) public ghostUses;
    /// ConsentConsumed events the registry emitted for each consent.
    mapping(bytes32 consentId => uint256 count) public consumedEvents;
    mapping(address owner => uint256 nonce) public ghostNonce;
    mapping(address owner => uint256 count) public ghostGrantCount;
    bool public ghostTrusted;

    /// Successful consumes of a revoked consent. Must stay 0.
    uint256 public consumesAfterRevocation;
    /// Successful consumes before validFrom or from validUntil on. Must stay 0.
    uint256 public consumesOutsidePeriod;
    /// Successful consumes of a limited consent that had reached maxUses. Must stay 0.
    uint256 public consumesBeyondMaxUses;
    /// Successful consumes by a caller that is neither the grantee nor a trusted consumer acting for it.
    uint256 public unauthorizedConsumes;
    /// Every ConsentConsumed event of the registry, whatever the action that emitted it.
    uint256 public totalConsumedEvents;

    /// Something succeeded that must not have. Must stay 0.
    uint256 public violations;
    /// Something failed that must have succeeded. Must stay 0.
    uint256 public unexpectedFailures;
    string public lastProblem;

    uint256 public calls;
    uint256 public successfulGrants;
    uint256 public successfulRevokes;
    uint256 public successfulConsumes;
    uint256 public expectedRejections;

    constructor(
        ConsentRegistry registry_,
        address committee_,
        address trustedConsumer_,
        address rogueConsumer_,
        address relayer_,
        uint256[] memory keys_,
        address[] memory grantees_,
        bytes32[] memory purposes_,
        bytes32[] memory schemas_
    ) {
        registry = registry_;
        committee = committee_;
        trustedConsumer = trustedConsumer_;
        rogueConsumer = rogueConsumer_;
        relayer = relayer_;
        _keys = keys_;
        for (uint256 i; i + 1 < keys_.length; ++i) _owners.push(vm.addr(keys_[i]));
        wallet = new ERC1271WalletMock(vm.addr(keys_[keys_.length - 1]));
        _owners.push(address(wallet));
        _grantees = grantees_;
        _purposes = purposes_;
        _schemas = schemas_;
        ghostTrusted = registry_.isTrustedConsumer(trustedConsumer_);
    }

    /// @dev Starts recording logs before the action and counts the ConsentConsumed events after it.
    modifier counted() {
        ++calls;
        vm.recordLogs();
        _;
        _countConsumedEvents();
    }

    // ---------------------------------------------------------------- views for the invariants

    function consentIds() external view returns (bytes32[] memory) {
        return _consentIds;
    }

    function owners() external view returns (address[] memory) {
        return _owners;
    }

    function grantees() external view returns (address[] memory) {
        return _grantees;
    }

    function purposes() external view returns (bytes32[] memory) {
        return _purposes;
    }

    /// @notice The scope schemas and one schema never in any scope.
    function probeSchemas() external view returns (bytes32[] memory probe) {
        probe = new bytes32[](_schemas.length + 1);
        for (uint256 i; i < _schemas.length; ++i) probe[i] = _schemas[i];
        probe[_schemas.length] = OUTSIDE_SCHEMA;
    }

    function ghostTerms(bytes32 consentId) external view returns (IConsentRegistry.ConsentTerms memory) {
        return _ghostTerms[consentId];
    }

    /// @notice Whether the consent is in its validity period now, by the model.
    function inPeriod(bytes32 consentId) public view returns (bool) {
        IConsentRegistry.ConsentTerms storage terms = _ghostTerms[consentId];
        return block.timestamp >= terms.validFrom && block.timestamp < terms.validUntil;
    }

    /// @notice Whether the consent may be used now for `purpose` and `schemaId`, by the model.
    function modelUsable(bytes32 consentId, bytes32 purpose, bytes32 schemaId) public view returns (bool) {
        if (ghostOwner[consentId] == address(0) || ghostRevokedAt[consentId] != 0) return false;
        if (!inPeriod(consentId)) return false;
        IConsentRegistry.ConsentTerms storage terms = _ghostTerms[consentId];
        if (terms.maxUses != 0 && ghostUses[consentId] >= terms.maxUses) return false;
        if (terms.purpose != purpose) return false;
        return _contains(terms.scope, schemaId);
    }

    /// @notice Whether `owner` has a consent usable now by `grantee`, by the model.
    function modelAuthorized(
        address owner,
        address grantee,
        bytes32 purpose,
        bytes32 schemaId
    ) external view returns (bool) {
        for (uint256 i; i < _consentIds.length; ++i) {
            bytes32 consentId = _consentIds[i];
            if (ghostOwner[consentId] != owner || _ghostTerms[consentId].grantee != grantee) continue;
            if (modelUsable(consentId, purpose, schemaId)) return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- grants (owners)

    /// @dev The owner grants directly (the wallet through `execute`).
    function grant(uint256 ownerSeed, uint256 granteeSeed, uint256 termsSeed) external counted {
        uint256 o = ownerSeed % _owners.length;
        address owner = _owners[o];
        IConsentRegistry.ConsentTerms memory terms = _makeTerms(owner, granteeSeed, termsSeed);
        bool expectSuccess = _validTerms(owner, terms);
        bool ok;
        bytes32 consentId;
        if (owner == address(wallet)) {
            vm.prank(wallet.owner());
            try wallet.execute(address(registry), abi.encodeCall(IConsentRegistry.grant, (terms))) returns (
                bytes memory returned
            ) {
                (ok, consentId) = (true, abi.decode(returned, (bytes32)));
            } catch {}
        } else {
            vm.prank(owner);
            try registry.grant(terms) returns (bytes32 id) {
                (ok, consentId) = (true, id);
            } catch {}
        }
        if (ok) _recordGrant(owner, consentId, terms, expectSuccess);
        else _expectedFailure(expectSuccess, "direct grant of valid terms failed");
    }

    /// @dev A relayer submits a grant signed by the owner's key (the wallet's controller for the
    /// wallet); sigSeed % 8: 0-4 a good signature, 5 a wrong key, 6 an expired deadline, 7 a stale or
    /// future nonce.
    function grantBySig(uint256 ownerSeed, uint256 granteeSeed, uint256 termsSeed, uint256 sigSeed) external counted {
        uint256 o = ownerSeed % _owners.length;
        address owner = _owners[o];
        IConsentRegistry.ConsentTerms memory terms = _makeTerms(owner, granteeSeed, termsSeed);
        uint256 mode = sigSeed % 8;
        (uint256 nonce, uint256 deadline) = _nonceAndDeadline(owner, mode, sigSeed);
        bytes memory signature = _sign(
            mode == 5 ? WRONG_KEY : _keys[o],
            ConsentTypedData.grantHash(owner, terms, nonce, deadline)
        );
        bool expectSuccess = mode < 5 && _validTerms(owner, terms);
        vm.prank(relayer);
        try registry.grantBySig(owner, terms, deadline, signature) returns (bytes32 consentId) {
            ++ghostNonce[owner];
            _recordGrant(owner, consentId, terms, expectSuccess);
        } catch {
            _expectedFailure(expectSuccess, "grantBySig with a good signature and valid terms failed");
        }
    }

    // ---------------------------------------------------------------- revocations (owners)

    /// @dev The owner revokes (the wallet through `execute`), or one time in four someone else tries.
    function revoke(uint256 consentSeed, uint256 callerSeed) external counted {
        bytes32 consentId = _consent(consentSeed);
        address owner = ghostOwner[consentId];
        address caller = callerSeed % 4 == 0 ? _notOwner(owner, callerSeed >> 2) : owner;
        bool expectSuccess = caller == owner && ghostRevokedAt[consentId] == 0;
        bool ok;
        if (caller == address(wallet)) {
            vm.prank(wallet.owner());
            try wallet.execute(address(registry), abi.encodeCall(IConsentRegistry.revoke, (consentId))) {
                ok = true;
            } catch {}
        } else {
            vm.prank(caller);
            try registry.revoke(consentId) {
                ok = true;
            } catch {}
        }
        if (ok) _recordRevoke(consentId, expectSuccess, "revoked by a non-owner or twice");
        else _expectedFailure(expectSuccess, "owner's revoke failed");
    }

    /// @dev A relayer submits a revocation; sigSeed % 8 as in grantBySig.
    function revokeBySig(uint256 consentSeed, uint256 sigSeed) external counted {
        bytes32 consentId = _consent(consentSeed);
        address owner = ghostOwner[consentId];
        uint256 mode = sigSeed % 8;
        (uint256 nonce, uint256 deadline) = _nonceAndDeadline(owner, mode, sigSeed);
        bytes memory signature = _sign(
            mode == 5 ? WRONG_KEY : _keys[_ownerIndex(owner)],
            ConsentTypedData.revokeHash(consentId, nonce, deadline)
        );
        bool expectSuccess = mode < 5 && ghostRevokedAt[consentId] == 0;
        vm.prank(relayer);
        try registry.revokeBySig(consentId, deadline, signature) {
            ++ghostNonce[owner];
            _recordRevoke(consentId, expectSuccess, "revokeBySig with a bad signature or twice");
        } catch {
            _expectedFailure(expectSuccess, "revokeBySig with a good signature failed");
        }
    }

    // ---------------------------------------------------------------- consumption

    /// @dev Records a use of a consent picked by _pickUsable. modeSeed % 6: 0-1 the grantee, 2-3 the
    /// trusted consumer for the grantee, 4 the trusted consumer for another grantee, 5 an untrusted
    /// party (the rogue consumer, the owner or another grantee). One time in four another purpose (zero
    /// included), else the consent's; mostly a schema of its scope.
    function consume(uint256 consentSeed, uint256 modeSeed, uint256 purposeSeed, uint256 schemaSeed) external counted {
        bytes32 consentId = _pickUsable(consentSeed);
        IConsentRegistry.ConsentTerms memory terms = _ghostTerms[consentId];
        (address caller, address granteeArg, bool authorized) = _consumer(consentId, terms.grantee, modeSeed);
        bytes32 purpose = purposeSeed % 4 == 0 ? _otherPurpose(terms.purpose, purposeSeed >> 2) : terms.purpose;
        _tryConsume(consentId, caller, granteeArg, authorized, purpose, _schemaFor(terms.scope, schemaSeed));
    }

    /// @dev Jumps exactly to a period boundary of a consent (boundarySeed % 4: validFrom - 1, validFrom,
    /// validUntil - 1, validUntil; no jump when it is not ahead) and has the grantee or the trusted
    /// consumer use it there for its purpose and a schema of its scope.
    function consumeAtBoundary(uint256 consentSeed, uint256 boundarySeed, uint256 modeSeed) external counted {
        bytes32 consentId = _consent(consentSeed);
        IConsentRegistry.ConsentTerms memory terms = _ghostTerms[consentId];
        uint256 pick = boundarySeed % 4;
        uint256 target = pick < 2 ? uint256(terms.validFrom) + pick - 1 : uint256(terms.validUntil) + pick - 3;
        if (target > block.timestamp) vm.warp(target);
        (address caller, address granteeArg, bool authorized) = _consumer(consentId, terms.grantee, modeSeed % 4);
        bytes32 schemaId = terms.scope[(boundarySeed >> 2) % terms.scope.length];
        _tryConsume(consentId, caller, granteeArg, authorized, terms.purpose, schemaId);
    }

    function _tryConsume(
        bytes32 consentId,
        address caller,
        address granteeArg,
        bool authorized,
        bytes32 purpose,
        bytes32 schemaId
    ) internal {
        IConsentRegistry.ConsentTerms storage terms = _ghostTerms[consentId];
        bool expectSuccess = authorized && modelUsable(consentId, purpose, schemaId);
        vm.prank(caller);
        try registry.consume(consentId, granteeArg, purpose, schemaId, USAGE_REF) {
            if (ghostRevokedAt[consentId] != 0) ++consumesAfterRevocation;
            if (!inPeriod(consentId)) ++consumesOutsidePeriod;
            if (terms.maxUses != 0 && ghostUses[consentId] >= terms.maxUses) ++consumesBeyondMaxUses;
            if (!authorized) ++unauthorizedConsumes;
            ++ghostUses[consentId];
            ++successfulConsumes;
            if (!expectSuccess) _violation("a consume succeeded that must have failed");
        } catch {
            _expectedFailure(expectSuccess, "consume of a usable consent by an authorised caller failed");
        }
    }

    // ---------------------------------------------------------------- trust (committee) and attacks

    /// @dev The committee trusts the consumer (two times in three) or distrusts it.
    function setTrust(uint256 seed) external counted {
        bool trusted = seed % 3 != 0;
        vm.prank(committee);
        try registry.setTrustedConsumer(trustedConsumer, trusted) {
            ghostTrusted = trusted;
        } catch {
            _unexpected("committee setTrustedConsumer failed");
        }
    }

    /// @dev Someone other than the committee tries to trust (or distrust) a consumer.
    function attackTrust(uint256 actorSeed, uint256 targetSeed) external counted {
        address[5] memory actors = [_owners[0], _grantees[0], trustedConsumer, rogueConsumer, relayer];
        address actor = actors[actorSeed % actors.length];
        address target = targetSeed % 2 == 0 ? rogueConsumer : trustedConsumer;
        bool trusted = (targetSeed >> 1) % 2 == 0;
        vm.prank(actor);
        try registry.setTrustedConsumer(target, trusted) {
            _violation("a non-committee account set a trusted consumer");
        } catch (bytes memory reason) {
            if (
                keccak256(reason) !=
                keccak256(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, actor))
            ) {
                _violation("setTrustedConsumer by an outsider: not AccessManagedUnauthorized");
            } else {
                ++expectedRejections;
            }
        }
    }

    /// @dev Lets time pass: a second or two, up to an hour, or up to a day.
    function warp(uint256 seed) external counted {
        uint256 pick = seed % 3;
        uint256 step = bound(
            seed >> 2,
            1,
            pick == 0
                ? 2
                : pick == 1
                    ? 1 hours
                    : 1 days
        );
        vm.warp(block.timestamp + step);
    }

    // ---------------------------------------------------------------- internals: terms

    /// @dev Terms from seeds. grantee: granteeSeed % 16 == 15 → the owner, 14 → zero (both invalid),
    /// else a grantee. termsSeed bits: [0, 8) purpose (0xff → zero, invalid), [8, 11) scope mask over
    /// the schemas (0 → empty, invalid), [11, 14) == 7 → the first schema repeated (invalid), [16, 48)
    /// offset of validFrom (< 2 days), bit 48 before (1) or after (0) now, [64, 96) duration (< 3
    /// days), [96, 101) == 0 → empty period (invalid), [104, 112) maxUses (% 5; 0 = unlimited).
    function _makeTerms(
        address owner,
        uint256 granteeSeed,
        uint256 termsSeed
    ) internal view returns (IConsentRegistry.ConsentTerms memory terms) {
        uint256 g = granteeSeed % 16;
        terms.grantee =
            g == 15
                ? owner
                : g == 14
                    ? address(0)
                    : _grantees[granteeSeed % _grantees.length];
        terms.purpose = termsSeed & 0xff == 0xff ? bytes32(0) : _purposes[termsSeed % _purposes.length];
        terms.scope = _makeScope((termsSeed >> 8) & 7, (termsSeed >> 11) & 7 == 7);
        uint256 offset = ((termsSeed >> 16) & 0xffffffff) % 2 days;
        uint256 start = (termsSeed >> 48) & 1 == 1 ? block.timestamp - offset : block.timestamp + offset;
        uint256 duration = (termsSeed >> 96) & 0x1f == 0 ? 0 : 1 + (((termsSeed >> 64) & 0xffffffff) % 3 days);
        terms.validFrom = uint64(start);
        terms.validUntil = uint64(start + duration);
        terms.maxUses = uint32(((termsSeed >> 104) & 0xff) % 5);
    }

    function _makeScope(uint256 mask, bool repeatFirst) internal view returns (bytes32[] memory scope) {
        uint256 count;
        for (uint256 i; i < _schemas.length; ++i) if ((mask >> i) & 1 == 1) ++count;
        if (count > 0 && repeatFirst) ++count;
        scope = new bytes32[](count);
        uint256 n;
        for (uint256 i; i < _schemas.length; ++i) if ((mask >> i) & 1 == 1) scope[n++] = _schemas[i];
        if (n < count) scope[n] = scope[0];
    }

    /// @dev The registry's rules, spelled out independently.
    function _validTerms(address owner, IConsentRegistry.ConsentTerms memory terms) internal pure returns (bool) {
        if (terms.grantee == address(0) || terms.grantee == owner || terms.purpose == bytes32(0)) return false;
        if (terms.scope.length == 0 || terms.scope.length > 16 || terms.validUntil <= terms.validFrom) return false;
        for (uint256 i; i < terms.scope.length; ++i) {
            if (terms.scope[i] == bytes32(0)) return false;
            for (uint256 j = i + 1; j < terms.scope.length; ++j) if (terms.scope[i] == terms.scope[j]) return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- internals: bookkeeping

    function _recordGrant(
        address owner,
        bytes32 consentId,
        IConsentRegistry.ConsentTerms memory terms,
        bool expectSuccess
    ) internal {
        if (!expectSuccess) _violation("a grant succeeded that must have failed");
        if (consentId != ConsentTypedData.consentId(owner, ghostGrantCount[owner])) {
            _violation("grant returned another id than the documented derivation");
        }
        if (ghostOwner[consentId] != address(0)) _violation("a consent id was granted twice");
        ++ghostGrantCount[owner];
        ++successfulGrants;
        _consentIds.push(consentId);
        ghostOwner[consentId] = owner;
        ghostGrantedAt[consentId] = uint64(block.timestamp);
        _ghostTerms[consentId] = terms;
    }

    function _recordRevoke(bytes32 consentId, bool expectSuccess, string memory problem) internal {
        if (!expectSuccess) _violation(problem);
        if (ghostRevokedAt[consentId] == 0) ghostRevokedAt[consentId] = uint64(block.timestamp);
        ++successfulRevokes;
    }

    function _countConsumedEvents() internal {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(registry) || logs[i].topics.length == 0) continue;
            if (logs[i].topics[0] != IConsentRegistry.ConsentConsumed.selector) continue;
            ++consumedEvents[logs[i].topics[1]];
            ++totalConsumedEvents;
        }
    }

    // ---------------------------------------------------------------- internals: picking

    /// @dev The current nonce and a deadline up to a day ahead; mode 6 an expired deadline, mode 7 a
    /// used nonce (or the next-but-one when none was used).
    function _nonceAndDeadline(
        address owner,
        uint256 mode,
        uint256 sigSeed
    ) internal view returns (uint256 nonce, uint256 deadline) {
        nonce = ghostNonce[owner];
        if (mode == 7) nonce = nonce == 0 ? 1 : nonce - 1 - ((sigSeed >> 8) % nonce);
        deadline =
            mode == 6 ? block.timestamp - 1 - ((sigSeed >> 16) % 1 days) : block.timestamp + ((sigSeed >> 16) % 1 days);
    }

    function _sign(uint256 privateKey, bytes32 structHash) internal view returns (bytes memory) {
        bytes32 digest = ConsentTypedData.digest(structHash, block.chainid, address(registry));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(privateKey, digest);
        return abi.encodePacked(r, s, v);
    }

    function _consent(uint256 seed) internal view returns (bytes32) {
        return _consentIds[seed % _consentIds.length];
    }

    /// @dev A consent the model says is usable for its own purpose and some schema of its scope,
    /// searching from a seed-chosen start; one time in four, or when there is none, any consent.
    function _pickUsable(uint256 seed) internal view returns (bytes32) {
        uint256 length = _consentIds.length;
        if ((seed >> 128) % 4 == 0) return _consent(seed);
        for (uint256 i; i < length; ++i) {
            bytes32 consentId = _consentIds[(seed + i) % length];
            IConsentRegistry.ConsentTerms storage terms = _ghostTerms[consentId];
            if (modelUsable(consentId, terms.purpose, terms.scope[0])) return consentId;
        }
        return _consent(seed);
    }

    function _ownerIndex(address owner) internal view returns (uint256) {
        for (uint256 i; i < _owners.length; ++i) if (_owners[i] == owner) return i;
        return 0;
    }

    /// @dev Someone other than `owner`: another owner, a grantee or a consumer.
    function _notOwner(address owner, uint256 seed) internal view returns (address) {
        address[4] memory others = [_owners[seed % _owners.length], _grantees[0], trustedConsumer, rogueConsumer];
        address candidate = others[(seed >> 8) % others.length];
        return candidate == owner ? rogueConsumer : candidate;
    }

    /// @dev The caller, the `grantee` argument and whether the registry must accept the pair.
    function _consumer(
        bytes32 consentId,
        address grantee,
        uint256 modeSeed
    ) internal view returns (address caller, address granteeArg, bool authorized) {
        uint256 mode = modeSeed % 6;
        if (mode < 2) return (grantee, grantee, true);
        if (mode < 4) return (trustedConsumer, grantee, ghostTrusted);
        address other = _grantees[(modeSeed >> 8) % _grantees.length];
        if (other == grantee) other = _grantees[((modeSeed >> 8) + 1) % _grantees.length];
        if (mode == 4) return (trustedConsumer, other, false);
        uint256 who = (modeSeed >> 16) % 3;
        caller =
            who == 0
                ? rogueConsumer
                : who == 1
                    ? ghostOwner[consentId]
                    : other;
        return (caller, grantee, false);
    }

    /// @dev One time in five a schema never in scope, one in five any scope schema, else one of `scope`.
    function _schemaFor(bytes32[] memory scope, uint256 seed) internal view returns (bytes32) {
        uint256 pick = seed % 5;
        if (pick == 0) return OUTSIDE_SCHEMA;
        if (pick == 1) return _schemas[(seed >> 8) % _schemas.length];
        return scope[(seed >> 8) % scope.length];
    }

    /// @dev A purpose other than `purpose`: another of the purposes, or (one time in three) zero.
    function _otherPurpose(bytes32 purpose, uint256 seed) internal view returns (bytes32) {
        if (seed % 3 == 0) return bytes32(0);
        for (uint256 i; i < _purposes.length; ++i) {
            bytes32 candidate = _purposes[(seed + i) % _purposes.length];
            if (candidate != purpose) return candidate;
        }
        return bytes32(0);
    }

    function _contains(bytes32[] storage list, bytes32 value) internal view returns (bool) {
        for (uint256 i; i < list.length; ++i) if (list[i] == value) return true;
        return false;
    }

    function _expectedFailure(bool expectedSuccess, string memory problem) internal {
        if (expectedSuccess) _unexpected(problem);
        else ++expectedRejections;
    }

    function _violation(string memory problem) internal {
        ++violations;
        lastProblem = problem;
    }

    function _unexpected(string memory problem) internal {
        ++unexpectedFailures;
        lastProblem = problem;
    }
}
