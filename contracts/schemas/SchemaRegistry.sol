// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

import {ISchemaRegistry} from "../interfaces/ISchemaRegistry.sol";
import {SchemaIds} from "../libraries/SchemaIds.sol";

/// @title SchemaRegistry
/// @notice Immutable registry of document kinds; administered through the consortium's AccessManager.
contract SchemaRegistry is ISchemaRegistry, AccessManaged {
    uint256 private constant _MAX_NAME_LENGTH = 64;

    mapping(bytes32 schemaId => Schema schema) private _schemas;
    bytes32[] private _schemaIds;

    constructor(address initialAuthority) AccessManaged(initialAuthority) {}

    /// @inheritdoc ISchemaRegistry
    function register(SchemaDefinition calldata definition) external restricted returns (bytes32 schemaId) {
        uint256 nameLength = bytes(definition.name).length;
        uint256 versionLength = bytes(definition.version).length;
        if (
            nameLength == 0 || nameLength > _MAX_NAME_LENGTH || versionLength == 0 || versionLength > _MAX_NAME_LENGTH
        ) {
            revert InvalidSchemaName();
        }
        if (bytes(definition.definitionURI).length == 0 && definition.definitionHash == bytes32(0)) {
            revert MissingSchemaDefinition();
        }
        if (definition.reinstatable && !definition.revocable) revert ReinstatableRequiresRevocable();

        schemaId = SchemaIds.derive(definition.name, definition.version);
        if (_schemas[schemaId].index != 0) revert SchemaAlreadyRegistered(schemaId);

        _schemaIds.push(schemaId);
        // Cannot exceed uint32: each registration is a transaction, 2^32 of them is out of reach.
        uint32 index = uint32(_schemaIds.length);
        _schemas[schemaId] = Schema({
            name: definition.name,
            version: definition.version,
            definitionURI: definition.definitionURI,
            definitionHash: definition.definitionHash,
            revocable: definition.revocable,
            reinstatable: definition.reinstatable,
            index: index,
            registeredAt: uint64(block.timestamp),
            registrar: msg.sender
        });
        emit SchemaRegistered(schemaId, msg.sender, index, definition);
    }

    /// @inheritdoc ISchemaRegistry
    function schemaIdOf(string calldata name, string calldata version_) external pure returns (bytes32) {
        return SchemaIds.derive(name, version_);
    }

    /// @inheritdoc ISchemaRegistry
    function schema(bytes32 schemaId) external view returns (Schema memory) {
        Schema storage stored = _schemas[schemaId];
        if (stored.index == 0) revert SchemaNotFound(schemaId);
        return stored;
    }

    /// @inheritdoc ISchemaRegistry
    function exists(bytes32 schemaId) external view returns (bool) {
        return _schemas[schemaId].index != 0;
    }

    /// @inheritdoc ISchemaRegistry
    function indexOf(bytes32 schemaId) external view returns (uint32 index) {
        index = _schemas[schemaId].index;
        if (index == 0) revert SchemaNotFound(schemaId);
    }

    /// @inheritdoc ISchemaRegistry
    function policyAt(uint32 index) external view returns (bytes32 schemaId, bool revocable, bool reinstatable) {
        schemaId = schemaIdAt(index);
        Schema storage stored = _schemas[schemaId];
        return (schemaId, stored.revocable, stored.reinstatable);
    }

    /// @inheritdoc ISchemaRegistry
    function schemaIdAt(uint32 index) public view returns (bytes32) {
        if (index == 0 || index > _schemaIds.length) revert SchemaIndexNotFound(index);
        return _schemaIds[index - 1];
    }

    /// @inheritdoc ISchemaRegistry
    function schemaCount() external view returns (uint32) {
        return uint32(_schemaIds.length);
    }

    /// @inheritdoc ISchemaRegistry
    function schemaIds(uint256 offset, uint256 limit) external view returns (bytes32[] memory ids) {
        uint256 total = _schemaIds.length;
        if (offset >= total) return new bytes32[](0);
        uint256 end = total - offset < limit ? total : offset + limit;
        ids = new bytes32[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            ids[i - offset] = _schemaIds[i];
        }
    }

    /// @inheritdoc ISchemaRegistry
    function version() external pure returns (string memory) {
        return "0.1.0";
    }
}
