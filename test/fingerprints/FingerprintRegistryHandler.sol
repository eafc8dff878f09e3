// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {FingerprintRegistry} from "../../contracts/fingerprints/FingerprintRegistry.sol";
import {MerkleTestTree} from "../utils/MerkleTestTree.sol";
import {CheatCodes} from "../utils/Vm.sol";

/// @title FingerprintRegistryHandler
/// @notice Drives a FingerprintRegistry for invariant tests: several accredited issuers anchor,
/// batch, revoke and reinstate fingerprints drawn from a small shared pool (so they collide and try
/// to take over each other's records), time moves on and accreditations come and go.
/// Revoking and reinstating need the record's issuer to be accredited for its schema now, and
/// every change to records needs the registry not to be paused (the pauser pauses and unpauses).
/// @dev The invariant runner ignores reverts (failOnRevert = false), so the handler never asserts:
/// it records anything unexpected in `violations` / `unexpectedFailures`, which the invariants check.
/// Schema indexes follow FingerprintRegistryFixture: 1 revocable and reinstatable, 2 revocable
/// only, 3 neither.
contract FingerprintRegistryHandler is CheatCodes {
    using MerkleTestTree for bytes32[];

    uint256 public constant POOL_SIZE = 48;
    uint256 internal constant SCHEMA_COUNT = 3;
    uint256 internal constant MAX_BATCH = 8;

    struct Batch {
        bytes32 root;
        address issuer;
        uint32 schemaIndex;
        bytes32[] leaves;
    }

    FingerprintRegistry public immutable registry;
    address public immutable operator;
    address public immutable pauser;
    bytes32[] internal _schemaIds; // by index - 1
    address[] internal _issuers;
    address public constant OUTSIDER = address(0xBAD0);

    bytes32[POOL_SIZE] internal _pool;

    // ---------------------------------------------------------------- ghost state
    mapping(bytes32 fingerprint => address issuer) public firstIssuer;
    mapping(bytes32 fingerprint => uint32 schemaIndex) public ghostSchema;
    mapping(bytes32 fingerprint => uint256 anchoredAt) public ghostAnchoredAt;
    /// Revoked, and not reinstated since (what `revocationOf` stores; see isRevokedNow).
    mapping(bytes32 fingerprint => bool revoked) public ghostRevoked;
    mapping(bytes32 fingerprint => uint256 reinstatedAt) public ghostReinstatedAt;
    mapping(address issuer => uint256 count) public ghostAnchorsBy;
    bytes32[] internal _anchored;

    Batch[] internal _batches;
    mapping(bytes32 root => address issuer) public batchIssuer;
    mapping(bytes32 root => mapping(bytes32 fingerprint => bool revoked)) public ghostLeafRevoked;
    mapping(bytes32 root => mapping(bytes32 fingerprint => uint256 reinstatedAt)) public ghostLeafReinstatedAt;
    mapping(bytes32 root => uint32 schemaIndex) public batchSchemaIndex;

    mapping(address issuer => mapping(uint32 schemaIndex => bool active)) public ghostAccredited;
    mapping(address issuer => mapping(uint32 schemaIndex => uint256 accreditedAt)) internal _accreditedAt;
    mapping(address issuer => mapping(uint32 schemaIndex => uint256 from)) internal _windowFrom;
    /// Untrusted windows, as [from, until) with until 0 while open.
    mapping(address issuer => mapping(uint32 schemaIndex => uint256[2][] windows)) internal _windows;
    bool public ghostPaused;

    /// Something succeeded that must not have (e.g. a foreign revocation). Must stay 0.
    uint256 public violations;
    /// Something failed that must have succeeded. Must stay 0.
    uint256 public unexpectedFailures;
    string public lastProblem;

    uint256 public calls;
    uint256 public successfulAnchors;
    uint256 public successfulRevocations;
    uint256 public successfulReinstatements;
    uint256 public foreignAttemptsRejected;
    uint256 public leafRevocations;

    constructor(
        FingerprintRegistry registry_,
        address operator_,
        address pauser_,
        address[] memory issuers_,
        bytes32[] memory schemaIds_,
        uint256 accreditedAt
    ) {
        registry = registry_;
        operator = operator_;
        pauser = pauser_;
        _issuers = issuers_;
        _schemaIds = schemaIds_;
        for (uint256 i; i < POOL_SIZE; ++i) {
            _pool[i] = keccak256(abi.encode("crossproof.invariant.pool", i));
        }
        for (uint256 i; i < issuers_.length; ++i) {
            for (uint32 s = 1; s <= SCHEMA_COUNT; ++s) {
                ghostAccredited[issuers_[i]][s] = true;
                _accreditedAt[issuers_[i]][s] = accreditedAt;
            }
        }
    }

    // ---------------------------------------------------------------- views for the invariants

    /// Whether verify must answer Revoked: revoked and not reinstated since, or reinstated while
    /// its issuer was untrusted for its schema (a window that a later backdated withdrawal opened).
    function isRevokedNow(bytes32 fingerprint) public view returns (bool) {
        if (ghostRevoked[fingerprint]) return true;
        uint256 reinstatedAt = ghostReinstatedAt[fingerprint];
        return reinstatedAt != 0 && _untrustedAt(firstIssuer[fingerprint], ghostSchema[fingerprint], reinstatedAt);
    }

    /// isRevokedNow for a leaf of a batch.
    function isLeafRevokedNow(bytes32 root, bytes32 fingerprint) public view returns (bool) {
        if (ghostLeafRevoked[root][fingerprint]) return true;
        uint256 reinstatedAt = ghostLeafReinstatedAt[root][fingerprint];
        return reinstatedAt != 0 && _untrustedAt(batchIssuer[root], batchSchemaIndex[root], reinstatedAt);
    }

    function pool(uint256 i) external view returns (bytes32) {
        return _pool[i];
    }

    function issuers() external view returns (address[] memory) {
        return _issuers;
    }

    function anchoredCount() external view returns (uint256) {
        return _anchored.length;
    }

    function anchoredAt(uint256 i) external view returns (bytes32) {
        return _anchored[i];
    }

    function batchCount() external view returns (uint256) {
        return _batches.length;
    }

    function batch(uint256 i) external view returns (bytes32 root, address issuer, bytes32[] memory leaves) {
        Batch storage b = _batches[i];
        return (b.root, b.issuer, b.leaves);
    }

    // ---------------------------------------------------------------- actions

    function anchor(uint256 issuerSeed, uint256 fingerprintSeed, uint256 schemaSeed, uint256 expirySeed) external {
        ++calls;
        address issuer = _issuer(issuerSeed);
        bytes32 fingerprint = _pool[fingerprintSeed % POOL_SIZE];
        uint32 schemaIndex = _schemaIndex(schemaSeed);
        uint64 expiresAt = _expiry(expirySeed);
        bool expectSuccess = _mayChangeRecords(issuer, schemaIndex) && firstIssuer[fingerprint] == address(0);

        vm.prank(issuer);
        try registry.anchor(fingerprint, schemaIndex, expiresAt) {
            if (!expectSuccess) _violation("anchor succeeded over an existing record or without accreditation");
            _recordAnchor(fingerprint, issuer, schemaIndex);
        } catch {
            if (expectSuccess) _unexpected("anchor of a fresh fingerprint by an accredited issuer failed");
        }
    }

    function anchorMany(uint256 issuerSeed, uint256 fingerprintSeed, uint256 countSeed, uint256 schemaSeed) external {
        ++calls;
        address issuer = _issuer(issuerSeed);
        uint32 schemaIndex = _schemaIndex(schemaSeed);
        uint256 count = bound(countSeed, 1, 4);
        bytes32[] memory fingerprints = new bytes32[](count);
        bool expectSuccess = _mayChangeRecords(issuer, schemaIndex);
        for (uint256 i; i < count; ++i) {
            // Consecutive pool entries: distinct while count <= POOL_SIZE.
            fingerprints[i] = _pool[(fingerprintSeed + i) % POOL_SIZE];
            if (firstIssuer[fingerprints[i]] != address(0)) expectSuccess = false;
        }

        vm.prank(issuer);
        try registry.anchorMany(fingerprints, schemaIndex, 0) {
            if (!expectSuccess) _violation("anchorMany succeeded over an existing record or without accreditation");
            for (uint256 i; i < count; ++i) {
                _recordAnchor(fingerprints[i], issuer, schemaIndex);
            }
        } catch {
            if (expectSuccess) _unexpected("anchorMany of fresh fingerprints by an accredited issuer failed");
        }
    }

    /// @dev Leaves come from the shared pool, so issuers routinely put each other's fingerprints
    /// into their own batches (squatting).
    function anchorBatch(
        uint256 issuerSeed,
        uint256 leafSeed,
        uint256 sizeSeed,
        uint256 schemaSeed,
        bool withURI
    ) external {
        ++calls;
        address issuer = _issuer(issuerSeed);
        uint32 schemaIndex = _schemaIndex(schemaSeed);
        uint256 size = bound(sizeSeed, 1, MAX_BATCH);
        bytes32[] memory leaves = new bytes32[](size);
        for (uint256 i; i < size; ++i) {
            leaves[i] = _pool[(leafSeed + i * 7) % POOL_SIZE];
        }
        bytes32 root = leaves.root();
        bool expectSuccess = _mayChangeRecords(issuer, schemaIndex) && batchIssuer[root] == address(0);

        vm.prank(issuer);
        bool ok;
        if (withURI) {
            try registry.anchorBatchWithURI(root, uint32(size), schemaIndex, 0, "ipfs://manifest") {
                ok = true;
            } catch {}
        } else {
            try registry.anchorBatch(root, uint32(size), schemaIndex, 0) {
                ok = true;
            } catch {}
        }
        if (ok) {
            if (!expectSuccess) _violation("anchorBatch succeeded over an existing root or without accreditation");
            batchIssuer[root] = issuer;
            batchSchemaIndex[root] = schemaIndex;
            _batches.push(Batch({root: root, issuer: issuer, schemaIndex: schemaIndex, leaves: leaves}));
            ++successfulAnchors;
        } else if (expectSuccess) {
            _unexpected("anchorBatch of a fresh root by an accredited issuer failed");
        }
    }

    /// @dev The caller is any issuer (or an outsider), so most attempts target someone else's record.
    function revoke(uint256 callerSeed, uint256 indexSeed, uint256 reasonSeed) external {
        ++calls;
        if (_anchored.length == 0) return;
        bytes32 fingerprint = _pickAnchored(indexSeed, false);
        address caller = _caller(callerSeed, firstIssuer[fingerprint]);
        uint16 reason = _reason(reasonSeed);
        bytes32 supersededBy = reasonSeed % 2 == 0 ? bytes32(0) : keccak256(abi.encode(reasonSeed));
        bool isOwner = caller == firstIssuer[fingerprint];
        bool expectSuccess =
            isOwner &&
                _mayChangeRecords(caller, ghostSchema[fingerprint]) &&
                ghostSchema[fingerprint] != 3 &&
                reason != 0 &&
                !isRevokedNow(fingerprint);

        vm.prank(caller);
        try registry.revoke(fingerprint, reason, supersededBy) {
            if (!expectSuccess) _violation("revoke succeeded when it must not");
            ghostRevoked[fingerprint] = true;
            ghostReinstatedAt[fingerprint] = 0;
            ++successfulRevocations;
        } catch {
            if (expectSuccess) _unexpected("revoke by the record's issuer failed");
            if (!isOwner) ++foreignAttemptsRejected;
        }
    }

    function reinstate(uint256 callerSeed, uint256 indexSeed) external {
        ++calls;
        if (_anchored.length == 0) return;
        bytes32 fingerprint = _pickAnchored(indexSeed, true);
        address caller = _caller(callerSeed, firstIssuer[fingerprint]);
        bool isOwner = caller == firstIssuer[fingerprint];
        bool expectSuccess =
            isOwner && _mayChangeRecords(caller, 1) && ghostSchema[fingerprint] == 1 && isRevokedNow(fingerprint);

        vm.prank(caller);
        try registry.reinstate(fingerprint) {
            if (!expectSuccess) _violation("reinstate succeeded when it must not");
            ghostRevoked[fingerprint] = false;
            ghostReinstatedAt[fingerprint] = block.timestamp;
            ++successfulReinstatements;
        } catch {
            if (expectSuccess) _unexpected("reinstate by the record's issuer failed");
            if (!isOwner) ++foreignAttemptsRejected;
        }
    }

    function revokeLeaf(
        uint256 callerSeed,
        uint256 batchSeed,
        uint256 leafSeed,
        uint256 reasonSeed,
        bool corrupt
    ) external {
        ++calls;
        if (_batches.length == 0) return;
        Batch storage b = _batches[batchSeed % _batches.length];
        uint256 index = leafSeed % b.leaves.length;
        bytes32 fingerprint = b.leaves[index];
        bytes32[] memory proof = _proof(b.leaves, index, corrupt);
        address caller = _caller(callerSeed, b.issuer);
        uint16 reason = _reason(reasonSeed);
        bool isOwner = caller == b.issuer;
        bool expectSuccess =
            isOwner &&
                _mayChangeRecords(caller, b.schemaIndex) &&
                !corrupt &&
                b.schemaIndex != 3 &&
                reason != 0 &&
                !isLeafRevokedNow(b.root, fingerprint);

        vm.prank(caller);
        try registry.revokeLeaf(b.root, fingerprint, proof, reason, bytes32(0)) {
            if (!expectSuccess) _violation("revokeLeaf succeeded when it must not");
            ghostLeafRevoked[b.root][fingerprint] = true;
            ghostLeafReinstatedAt[b.root][fingerprint] = 0;
            ++successfulRevocations;
            ++leafRevocations;
        } catch {
            if (expectSuccess) _unexpected("revokeLeaf by the batch's issuer failed");
            if (!isOwner) ++foreignAttemptsRejected;
        }
    }

    function reinstateLeaf(uint256 callerSeed, uint256 batchSeed, uint256 leafSeed, bool corrupt) external {
        ++calls;
        if (_batches.length == 0) return;
        Batch storage b = _batches[batchSeed % _batches.length];
        uint256 index = leafSeed % b.leaves.length;
        bytes32 fingerprint = b.leaves[index];
        bytes32[] memory proof = _proof(b.leaves, index, corrupt);
        address caller = _caller(callerSeed, b.issuer);
        bool isOwner = caller == b.issuer;
        bool expectSuccess =
            isOwner &&
                _mayChangeRecords(caller, 1) &&
                !corrupt &&
                b.schemaIndex == 1 &&
                isLeafRevokedNow(b.root, fingerprint);

        vm.prank(caller);
        try registry.reinstateLeaf(b.root, fingerprint, proof) {
            if (!expectSuccess) _violation("reinstateLeaf succeeded when it must not");
            ghostLeafRevoked[b.root][fingerprint] = false;
            ghostLeafReinstatedAt[b.root][fingerprint] = block.timestamp;
            ++successfulReinstatements;
        } catch {
            if (expectSuccess) _unexpected("reinstateLeaf by the batch's issuer failed");
            if (!isOwner) ++foreignAttemptsRejected;
        }
    }

    /// @dev An issuer other than the owner tries to anchor an anchored fingerprint or batch root.
    function attackAnchor(uint256 attackerSeed, uint256 indexSeed, bool targetBatch) external {
        ++calls;
        bytes32 key;
        address owner;
        if (targetBatch) {
            if (_batches.length == 0) return;
            Batch storage b = _batches[indexSeed % _batches.length];
            (key, owner) = (b.root, b.issuer);
        } else {
            if (_anchored.length == 0) return;
            key = _anchored[indexSeed % _anchored.length];
            owner = firstIssuer[key];
        }
        address attacker = _issuers[attackerSeed % _issuers.length];
        if (attacker == owner) attacker = _issuers[(attackerSeed + 1) % _issuers.length];
        uint32 schemaIndex = _schemaIndex(attackerSeed >> 8);

        vm.prank(attacker);
        bool ok;
        if (targetBatch) {
            try registry.anchorBatch(key, 1, schemaIndex, 0) {
                ok = true;
            } catch {}
        } else {
            try registry.anchor(key, schemaIndex, 0) {
                ok = true;
            } catch {}
        }
        if (ok) _violation("another issuer re-anchored an anchored record");
        else ++foreignAttemptsRejected;
    }

    /// @dev Lets time pass (up to a week); anchors may expire.
    function warp(uint256 secondsSeed) external {
        ++calls;
        vm.warp(block.timestamp + bound(secondsSeed, 1, 7 days));
    }

    /// @dev Withdraws (possibly backdated) or restores an issuer's accreditation for a schema.
    function toggleAccreditation(uint256 issuerSeed, uint256 schemaSeed, uint256 backdateSeed) external {
        ++calls;
        address issuer = _issuer(issuerSeed);
        uint32 schemaIndex = _schemaIndex(schemaSeed);
        bytes32 schemaId = _schemaIds[schemaIndex - 1];
        if (ghostAccredited[issuer][schemaIndex]) {
            uint256 effectiveFrom =
                block.timestamp - bound(backdateSeed, 0, block.timestamp - _accreditedAt[issuer][schemaIndex]);
            vm.prank(operator);
            try registry.withdrawAccreditation(issuer, schemaId, uint64(effectiveFrom)) {
                ghostAccredited[issuer][schemaIndex] = false;
                _windowFrom[issuer][schemaIndex] = effectiveFrom;
                _windows[issuer][schemaIndex].push([effectiveFrom, 0]);
            } catch {
                _unexpected("withdrawAccreditation failed");
            }
        } else {
            // A re-accreditation in the very second its window began would leave an empty window.
            bool expectSuccess = block.timestamp > _windowFrom[issuer][schemaIndex];
            vm.prank(operator);
            try registry.accredit(issuer, schemaId) {
                if (!expectSuccess) _violation("re-accreditation inside the window's first second succeeded");
                ghostAccredited[issuer][schemaIndex] = true;
                _accreditedAt[issuer][schemaIndex] = block.timestamp;
                uint256 windowCount = _windows[issuer][schemaIndex].length;
                if (windowCount != 0) _windows[issuer][schemaIndex][windowCount - 1][1] = block.timestamp;
            } catch {
                if (expectSuccess) _unexpected("accredit failed");
            }
        }
    }

    /// @dev Pauses a running registry or unpauses a paused one; with `repeat`, tries the same again
    /// (pause while paused, unpause while running), which must fail.
    function togglePause(bool repeat) external {
        ++calls;
        bool pausing = repeat ? ghostPaused : !ghostPaused;
        bool ok;
        vm.prank(pauser);
        if (pausing) {
            try registry.pause() {
                ok = true;
            } catch {}
        } else {
            try registry.unpause() {
                ok = true;
            } catch {}
        }
        if (ok && repeat) _violation("a repeated pause or unpause succeeded");
        if (!ok && !repeat) _unexpected("pause or unpause by the pauser failed");
        if (ok) ghostPaused = pausing;
    }

    // ---------------------------------------------------------------- internals

    function _recordAnchor(bytes32 fingerprint, address issuer, uint32 schemaIndex) private {
        if (firstIssuer[fingerprint] != address(0)) return; // already reported as a violation
        firstIssuer[fingerprint] = issuer;
        ghostSchema[fingerprint] = schemaIndex;
        ghostAnchoredAt[fingerprint] = block.timestamp;
        ++ghostAnchorsBy[issuer];
        _anchored.push(fingerprint);
        ++successfulAnchors;
    }

    function _proof(
        bytes32[] memory leaves,
        uint256 index,
        bool corrupt
    ) private pure returns (bytes32[] memory proof) {
        proof = leaves.proof(index);
        if (corrupt) {
            if (proof.length == 0) {
                proof = new bytes32[](1);
                proof[0] = keccak256("corrupt");
            } else {
                proof[0] = ~proof[0];
            }
        }
    }

    /// @dev Whether `time` is inside one of the issuer's untrusted windows for the schema.
    function _untrustedAt(address issuer, uint32 schemaIndex, uint256 time) private view returns (bool) {
        uint256[2][] storage windows = _windows[issuer][schemaIndex];
        for (uint256 i = 0; i < windows.length; ++i) {
            if (time >= windows[i][0] && (windows[i][1] == 0 || time < windows[i][1])) return true;
        }
        return false;
    }

    /// @dev Whether `issuer` may anchor, revoke or reinstate records of `schemaIndex` now.
    function _mayChangeRecords(address issuer, uint32 schemaIndex) private view returns (bool) {
        return ghostAccredited[issuer][schemaIndex] && !ghostPaused;
    }

    function _issuer(uint256 seed) private view returns (address) {
        return _issuers[seed % _issuers.length];
    }

    /// @dev Three times in four the record's owner; otherwise any issuer (often another one) or, now
    /// and then, an account that was never accredited.
    function _caller(uint256 seed, address owner) private view returns (address) {
        if (seed % 4 != 0) return owner;
        seed >>= 2;
        return seed % 8 == 7 ? OUTSIDER : _issuers[seed % _issuers.length];
    }

    /// @dev An anchored fingerprint, preferring (from a seed-chosen start) one whose ghost
    /// revocation state is `revoked`, so reinstatements and revocations both find targets.
    function _pickAnchored(uint256 seed, bool revoked) private view returns (bytes32) {
        uint256 length = _anchored.length;
        uint256 start = seed % length;
        if ((seed >> 128) % 4 == 0) return _anchored[start]; // sometimes, any record at all
        for (uint256 i; i < length; ++i) {
            bytes32 fingerprint = _anchored[(start + i) % length];
            if (isRevokedNow(fingerprint) == revoked) return fingerprint;
        }
        return _anchored[start];
    }

    /// @dev Mostly a valid reason code, sometimes the reserved 0.
    function _reason(uint256 seed) private pure returns (uint16) {
        return seed % 8 == 0 ? 0 : uint16(bound(seed >> 3, 1, 6));
    }

    function _schemaIndex(uint256 seed) private pure returns (uint32) {
        return uint32(seed % SCHEMA_COUNT) + 1;
    }

    function _expiry(uint256 seed) private view returns (uint64) {
        if (seed % 3 != 0) return 0;
        return uint64(block.timestamp + bound(seed, 1, 30 days));
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
