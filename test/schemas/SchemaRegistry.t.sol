// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {ISchemaRegistry} from "../../contracts/interfaces/ISchemaRegistry.sol";
import {SchemaRegistry} from "../../contracts/schemas/SchemaRegistry.sol";
import {Assertions} from "../utils/Assertions.sol";
import {CheatCodes} from "../utils/Vm.sol";

/// describe(SchemaRegistry)
contract SchemaRegistryTest is CheatCodes, Assertions {
    uint64 internal constant SCHEMA_ADMIN_ROLE = 1;

    AccessManager internal manager;
    SchemaRegistry internal registry;

    address internal admin = address(0xAD);
    address internal schemaAdmin = address(0x5C4E);
    address internal stranger = address(0xBAD);

    event SchemaRegistered(
        bytes32 indexed schemaId,
        address indexed registrar,
        uint32 indexed index,
        ISchemaRegistry.SchemaDefinition definition
    );

    function setUp() public {
        vm.warp(1_700_000_000);
        manager = new AccessManager(admin);
        registry = new SchemaRegistry(address(manager));
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = SchemaRegistry.register.selector;
        vm.startPrank(admin);
        manager.setTargetFunctionRole(address(registry), selectors, SCHEMA_ADMIN_ROLE);
        manager.grantRole(SCHEMA_ADMIN_ROLE, schemaAdmin, 0);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ helpers

    function _definition(
        string memory name,
        string memory version_
    ) internal pure returns (ISchemaRegistry.SchemaDefinition memory) {
        return
            ISchemaRegistry.SchemaDefinition({
                name: name,
                version: version_,
                definitionURI: "ipfs://schema",
                definitionHash: sha256("schema"),
                revocable: true,
                reinstatable: false
            });
    }

    function _register(ISchemaRegistry.SchemaDefinition memory definition) internal returns (bytes32) {
        vm.prank(schemaAdmin);
        return registry.register(definition);
    }

    function _registerNumbered(uint256 count) internal returns (bytes32[] memory ids) {
        ids = new bytes32[](count);
        for (uint256 i; i < count; ++i) {
            ids[i] = _register(_definition(string.concat("schema-", _digit(i)), "1.0"));
        }
    }

    function _digit(uint256 i) internal pure returns (string memory) {
        bytes memory out = new bytes(3);
        out[0] = bytes1(uint8(48 + ((i / 100) % 10)));
        out[1] = bytes1(uint8(48 + ((i / 10) % 10)));
        out[2] = bytes1(uint8(48 + (i % 10)));
        return string(out);
    }

    function _repeat(uint256 length) internal pure returns (string memory) {
        bytes memory out = new bytes(length);
        for (uint256 i; i < length; ++i) {
            out[i] = "a";
        }
        return string(out);
    }

    function _expectRegisterRevert(ISchemaRegistry.SchemaDefinition memory definition, bytes memory reason) internal {
        vm.prank(schemaAdmin);
        vm.expectRevert(reason);
        registry.register(definition);
    }

    // ------------------------------------------------------------------ register

    function test_register_storesEveryField() public {
        ISchemaRegistry.SchemaDefinition memory definition = ISchemaRegistry.SchemaDefinition({
            name: "health.test-report",
            version: "1.0",
            definitionURI: "https://schemas.example/health.test-report/1.0.json",
            definitionHash: sha256("{}"),
            revocable: true,
            reinstatable: true
        });
        bytes32 id = _register(definition);

        assertEq(id, keccak256(abi.encode("health.test-report", "1.0")), "schema id");
        ISchemaRegistry.Schema memory stored = registry.schema(id);
        assertEq(stored.name, "health.test-report", "name");
        assertEq(stored.version, "1.0", "version");
        assertEq(stored.definitionURI, "https://schemas.example/health.test-report/1.0.json", "uri");
        assertEq(stored.definitionHash, sha256("{}"), "hash");
        assertTrue(stored.revocable, "revocable");
        assertTrue(stored.reinstatable, "reinstatable");
        assertEq(stored.index, 1, "index");
        assertEq(stored.registeredAt, 1_700_000_000, "registeredAt");
        assertEq(stored.registrar, schemaAdmin, "registrar");
        assertEq(registry.schemaCount(), 1, "count");
        assertEq(registry.schemaIdAt(1), id, "schemaIdAt(1)");
        assertTrue(registry.exists(id), "exists");
    }

    function test_register_assignsSequentialIndexes() public {
        bytes32[] memory ids = _registerNumbered(3);
        for (uint256 i; i < 3; ++i) {
            assertEq(registry.schema(ids[i]).index, i + 1, "index");
            assertEq(registry.schemaIdAt(uint32(i + 1)), ids[i], "schemaIdAt");
        }
        assertEq(registry.schemaCount(), 3, "count");
    }

    function test_register_emitsSchemaRegistered() public {
        _registerNumbered(1);
        ISchemaRegistry.SchemaDefinition memory definition = _definition("credit.report", "2.1");
        bytes32 id = keccak256(abi.encode("credit.report", "2.1"));
        vm.expectEmit(true, true, true, true, address(registry));
        emit SchemaRegistered(id, schemaAdmin, 2, definition);
        _register(definition);
    }

    function test_register_returnsId() public {
        // Built before the prank: sha256 is a precompile call, which would consume it.
        ISchemaRegistry.SchemaDefinition memory definition = _definition("a", "b");
        vm.prank(schemaAdmin);
        bytes32 id = registry.register(definition);
        assertEq(id, registry.schemaIdOf("a", "b"), "returned id");
    }

    function test_register_acceptsUriOnly() public {
        ISchemaRegistry.SchemaDefinition memory definition = _definition("uri-only", "1");
        definition.definitionHash = bytes32(0);
        bytes32 id = _register(definition);
        assertEq(registry.schema(id).definitionHash, bytes32(0), "hash");
        assertEq(registry.schema(id).definitionURI, "ipfs://schema", "uri");
    }

    function test_register_acceptsHashOnly() public {
        ISchemaRegistry.SchemaDefinition memory definition = _definition("hash-only", "1");
        definition.definitionURI = "";
        bytes32 id = _register(definition);
        assertEq(registry.schema(id).definitionURI, "", "uri");
        assertEq(registry.schema(id).definitionHash, sha256("schema"), "hash");
    }

    function test_register_acceptsNonRevocable() public {
        ISchemaRegistry.SchemaDefinition memory definition = _definition("final", "1");
        definition.revocable = false;
        bytes32 id = _register(definition);
        assertFalse(registry.schema(id).revocable, "revocable");
        assertFalse(registry.schema(id).reinstatable, "reinstatable");
    }

    function test_register_acceptsNamesOf64Bytes() public {
        bytes32 id = _register(_definition(_repeat(64), _repeat(64)));
        assertEq(registry.schema(id).name, _repeat(64), "name");
        assertEq(registry.schema(id).version, _repeat(64), "version");
    }

    function test_register_revertsWhenDuplicate() public {
        bytes32 id = _register(_definition("dup", "1.0"));
        ISchemaRegistry.SchemaDefinition memory again = _definition("dup", "1.0");
        again.definitionURI = "https://other";
        again.revocable = false;
        _expectRegisterRevert(again, abi.encodeWithSelector(ISchemaRegistry.SchemaAlreadyRegistered.selector, id));
        assertEq(registry.schemaCount(), 1, "count unchanged");
    }

    function test_register_allowsSameNameWithNewVersion() public {
        bytes32 first = _register(_definition("doc", "1.0"));
        bytes32 second = _register(_definition("doc", "1.1"));
        assertNotEq(first, second, "ids");
        assertEq(registry.schema(second).index, 2, "index");
    }

    function test_register_revertsWhenNameEmpty() public {
        _expectRegisterRevert(
            _definition("", "1.0"),
            abi.encodeWithSelector(ISchemaRegistry.InvalidSchemaName.selector)
        );
    }

    function test_register_revertsWhenNameTooLong() public {
        _expectRegisterRevert(
            _definition(_repeat(65), "1.0"),
            abi.encodeWithSelector(ISchemaRegistry.InvalidSchemaName.selector)
        );
    }

    function test_register_revertsWhenVersionEmpty() public {
        _expectRegisterRevert(
            _definition("name", ""),
            abi.encodeWithSelector(ISchemaRegistry.InvalidSchemaName.selector)
        );
    }

    function test_register_revertsWhenVersionTooLong() public {
        _expectRegisterRevert(
            _definition("name", _repeat(65)),
            abi.encodeWithSelector(ISchemaRegistry.InvalidSchemaName.selector)
        );
    }

    function test_register_revertsWhenNoUriAndNoHash() public {
        ISchemaRegistry.SchemaDefinition memory definition = _definition("name", "1.0");
        definition.definitionURI = "";
        definition.definitionHash = bytes32(0);
        _expectRegisterRevert(definition, abi.encodeWithSelector(ISchemaRegistry.MissingSchemaDefinition.selector));
    }

    function test_register_revertsWhenReinstatableWithoutRevocable() public {
        ISchemaRegistry.SchemaDefinition memory definition = _definition("name", "1.0");
        definition.revocable = false;
        definition.reinstatable = true;
        _expectRegisterRevert(
            definition,
            abi.encodeWithSelector(ISchemaRegistry.ReinstatableRequiresRevocable.selector)
        );
    }

    function test_register_revertsWhenCallerUnauthorized() public {
        ISchemaRegistry.SchemaDefinition memory definition = _definition("name", "1.0");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        registry.register(definition);
        assertEq(registry.schemaCount(), 0, "count");
    }

    function test_register_revertsForAccessManagerAdminWithoutRole() public {
        ISchemaRegistry.SchemaDefinition memory definition = _definition("name", "1.0");
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, admin));
        registry.register(definition);
    }

    function test_register_revertsAfterRoleRevoked() public {
        vm.prank(admin);
        manager.revokeRole(SCHEMA_ADMIN_ROLE, schemaAdmin);
        _expectRegisterRevert(
            _definition("name", "1.0"),
            abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, schemaAdmin)
        );
    }

    // ------------------------------------------------------------------ schemaIdOf

    function test_schemaIdOf_isKeccakOfAbiEncodedNameAndVersion() public view {
        assertEq(
            registry.schemaIdOf("health.test-report", "1.0"),
            keccak256(abi.encode("health.test-report", "1.0")),
            "schemaIdOf"
        );
    }

    function test_schemaIdOf_distinguishesConcatenationBoundaries() public view {
        assertNotEq(registry.schemaIdOf("ab", "c"), registry.schemaIdOf("a", "bc"), "boundary");
    }

    function testFuzz_schemaIdOf_matchesDerivation(string calldata name, string calldata version_) public view {
        assertEq(registry.schemaIdOf(name, version_), keccak256(abi.encode(name, version_)), "schemaIdOf");
    }

    // ------------------------------------------------------------------ schema / exists

    function test_schema_revertsWhenUnknown() public {
        bytes32 unknown = keccak256("unknown");
        vm.expectRevert(abi.encodeWithSelector(ISchemaRegistry.SchemaNotFound.selector, unknown));
        registry.schema(unknown);
    }

    function test_exists_falseForUnknownTrueForRegistered() public {
        bytes32 id = registry.schemaIdOf("doc", "1");
        assertFalse(registry.exists(id), "before");
        _register(_definition("doc", "1"));
        assertTrue(registry.exists(id), "after");
        assertFalse(registry.exists(bytes32(0)), "zero id");
    }

    // ------------------------------------------------------------------ schemaIdAt / schemaCount

    function test_indexOf_returnsTheCompactIndex() public {
        bytes32[] memory ids = _registerNumbered(3);
        assertEq(registry.indexOf(ids[0]), 1, "first");
        assertEq(registry.indexOf(ids[2]), 3, "third");
    }

    function test_indexOf_revertsForUnknownSchema() public {
        bytes32 unknown = registry.schemaIdOf("nope", "1.0");
        vm.expectRevert(abi.encodeWithSelector(ISchemaRegistry.SchemaNotFound.selector, unknown));
        registry.indexOf(unknown);
    }

    function test_policyAt_returnsIdAndRevocationFlags() public {
        ISchemaRegistry.SchemaDefinition memory revocableOnly = _definition("revocable-only", "1.0");
        revocableOnly.revocable = true;
        revocableOnly.reinstatable = false;
        bytes32 id = _register(revocableOnly);
        ISchemaRegistry.SchemaDefinition memory final_ = _definition("final", "1.0");
        final_.revocable = false;
        _register(final_);
        ISchemaRegistry.SchemaDefinition memory reinstatableToo = _definition("reinstatable", "1.0");
        reinstatableToo.reinstatable = true;
        _register(reinstatableToo);

        (bytes32 schemaId, bool revocable, bool reinstatable) = registry.policyAt(1);
        assertEq(schemaId, id, "id");
        assertTrue(revocable && !reinstatable, "revocable only");
        (, revocable, reinstatable) = registry.policyAt(2);
        assertTrue(!revocable && !reinstatable, "final");
        (, revocable, reinstatable) = registry.policyAt(3);
        assertTrue(revocable && reinstatable, "reinstatable");
    }

    function test_policyAt_revertsForUnknownIndex() public {
        _registerNumbered(1);
        vm.expectRevert(abi.encodeWithSelector(ISchemaRegistry.SchemaIndexNotFound.selector, uint32(2)));
        registry.policyAt(2);
    }

    function test_schemaIdAt_revertsForIndexZero() public {
        _registerNumbered(1);
        vm.expectRevert(abi.encodeWithSelector(ISchemaRegistry.SchemaIndexNotFound.selector, uint32(0)));
        registry.schemaIdAt(0);
    }

    function test_schemaIdAt_revertsPastCount() public {
        _registerNumbered(2);
        vm.expectRevert(abi.encodeWithSelector(ISchemaRegistry.SchemaIndexNotFound.selector, uint32(3)));
        registry.schemaIdAt(3);
    }

    function test_schemaIdAt_revertsWhenEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(ISchemaRegistry.SchemaIndexNotFound.selector, uint32(1)));
        registry.schemaIdAt(1);
    }

    function test_schemaIdAt_returnsLastIndex() public {
        bytes32[] memory ids = _registerNumbered(4);
        assertEq(registry.schemaIdAt(4), ids[3], "last");
    }

    function test_schemaCount_zeroInitially() public view {
        assertEq(registry.schemaCount(), 0, "count");
    }

    // ------------------------------------------------------------------ schemaIds

    function test_schemaIds_emptyWhenNothingRegistered() public view {
        assertEq(registry.schemaIds(0, 10).length, 0, "length");
    }

    function test_schemaIds_emptyWhenOffsetAtEnd() public {
        _registerNumbered(3);
        assertEq(registry.schemaIds(3, 10).length, 0, "offset == count");
    }

    function test_schemaIds_emptyWhenOffsetBeyondEnd() public {
        _registerNumbered(3);
        assertEq(registry.schemaIds(4, 10).length, 0, "offset > count");
        assertEq(registry.schemaIds(type(uint256).max, type(uint256).max).length, 0, "max offset");
    }

    function test_schemaIds_emptyWhenLimitZero() public {
        _registerNumbered(3);
        assertEq(registry.schemaIds(0, 0).length, 0, "limit 0");
    }

    function test_schemaIds_truncatesWhenLimitLargerThanRest() public {
        bytes32[] memory ids = _registerNumbered(5);
        bytes32[] memory page = registry.schemaIds(3, 10);
        bytes32[] memory expected = new bytes32[](2);
        expected[0] = ids[3];
        expected[1] = ids[4];
        assertEq(page, expected, "rest");
    }

    function test_schemaIds_handlesMaxLimit() public {
        bytes32[] memory ids = _registerNumbered(3);
        assertEq(registry.schemaIds(0, type(uint256).max), ids, "all");
        bytes32[] memory tail = registry.schemaIds(2, type(uint256).max);
        assertEq(tail.length, 1, "tail length");
        assertEq(tail[0], ids[2], "tail");
    }

    function test_schemaIds_returnsExactPages() public {
        bytes32[] memory ids = _registerNumbered(6);
        for (uint256 pageStart; pageStart < 6; pageStart += 2) {
            bytes32[] memory page = registry.schemaIds(pageStart, 2);
            assertEq(page.length, 2, "page length");
            assertEq(page[0], ids[pageStart], "first of page");
            assertEq(page[1], ids[pageStart + 1], "second of page");
        }
        assertEq(registry.schemaIds(6, 2).length, 0, "after last page");
    }

    function testFuzz_schemaIds_pagesMatchRegistrationOrder(uint8 countSeed, uint256 offset, uint256 limit) public {
        uint256 count = bound(countSeed, 0, 12);
        bytes32[] memory ids = _registerNumbered(count);
        // Mostly small values, so every branch is hit; sometimes huge ones.
        if (offset % 4 != 0) offset = bound(offset, 0, count + 2);
        if (limit % 4 != 0) limit = bound(limit, 0, count + 2);

        bytes32[] memory page = registry.schemaIds(offset, limit);

        uint256 expectedLength = offset >= count ? 0 : (count - offset < limit ? count - offset : limit);
        assertEq(page.length, expectedLength, "page length");
        for (uint256 i; i < page.length; ++i) {
            assertEq(page[i], ids[offset + i], "page element");
        }
    }

    function testFuzz_schemaIds_pagesCoverEverythingOnce(uint8 countSeed, uint8 limitSeed) public {
        uint256 count = bound(countSeed, 0, 12);
        uint256 limit = bound(limitSeed, 1, 5);
        bytes32[] memory ids = _registerNumbered(count);
        uint256 seen;
        for (uint256 offset; offset < count; offset += limit) {
            bytes32[] memory page = registry.schemaIds(offset, limit);
            for (uint256 i; i < page.length; ++i) {
                assertEq(page[i], ids[seen++], "id in order");
            }
        }
        assertEq(seen, count, "all seen once");
    }

    // ------------------------------------------------------------------ version

    function test_version_is010() public view {
        assertEq(registry.version(), "0.1.0", "version");
    }

    function test_authority_isAccessManager() public view {
        assertEq(registry.authority(), address(manager), "authority");
    }
}
