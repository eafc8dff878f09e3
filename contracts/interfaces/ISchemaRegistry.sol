// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ISchemaRegistry
/// @notice Registry of document kinds ("claim schemas", like WeIdentity CPTs or EAS schemas).
/// A schema names a kind of document (a lab test report, a medical record, a credit report), points
/// at its JSON schema off chain and fixes whether its records may be revoked and reinstated.
/// Schemas are immutable once registered: a new meaning needs a new version.
interface ISchemaRegistry {
    /// @notice A registered document kind.
    /// @param name Human-readable name, e.g. "health.test-report".
    /// @param version Version string of the definition, e.g. "1.0".
    /// @param definitionURI Where the JSON schema can be fetched (may be empty when only the hash is known).
    /// @param definitionHash SHA-256 of the JSON schema document (may be zero when only the URI is known).
    /// @param revocable Whether issuers may revoke records of this schema.
    /// @param reinstatable Whether issuers may reinstate (un-revoke) records of this schema.
    /// @param index Compact sequential index (1-based) used inside packed records.
    /// @param registeredAt Block timestamp of registration.
    /// @param registrar Account that registered the schema.
    struct Schema {
        string name;
        string version;
        string definitionURI;
        bytes32 definitionHash;
        bool revocable;
        bool reinstatable;
        uint32 index;
        uint64 registeredAt;
        address registrar;
    }

    /// @notice Parameters of a schema to register.
    struct SchemaDefinition {
        string name;
        string version;
        string definitionURI;
        bytes32 definitionHash;
        bool revocable;
        bool reinstatable;
    }

    /// @notice Emitted when a schema is registered. Carries every field, so the registry can be
    /// rebuilt from logs alone.
    /// @param schemaId Deterministic id: keccak256(abi.encode(name, version)).
    /// @param registrar Account that registered it.
    /// @param index Compact index assigned to it.
    /// @param definition The registered fields.
    event SchemaRegistered(
        bytes32 indexed schemaId,
        address indexed registrar,
        uint32 indexed index,
        SchemaDefinition definition
    );

    /// @notice A schema with this name and version exists already.
    error SchemaAlreadyRegistered(bytes32 schemaId);
    /// @notice No schema has this id.
    error SchemaNotFound(bytes32 schemaId);
    /// @notice No schema has this compact index.
    error SchemaIndexNotFound(uint32 index);
    /// @notice Name or version is empty, or longer than 64 bytes.
    error InvalidSchemaName();
    /// @notice Neither a definition URI nor a definition hash was given.
    error MissingSchemaDefinition();
    /// @notice Reinstatable without revocable makes no sense.
    error ReinstatableRequiresRevocable();

    /// @notice Registers a schema. Restricted to the consortium's schema administrators.
    /// @param definition The schema's fields.
    /// @return schemaId The schema's id.
    function register(SchemaDefinition calldata definition) external returns (bytes32 schemaId);

    /// @notice The id a schema with this name and version has (or would have).
    function schemaIdOf(string calldata name, string calldata version) external pure returns (bytes32);

    /// @notice The schema with this id; reverts with {SchemaNotFound} when unknown.
    function schema(bytes32 schemaId) external view returns (Schema memory);

    /// @notice Whether a schema with this id is registered.
    function exists(bytes32 schemaId) external view returns (bool);

    /// @notice The compact index of a schema; reverts with {SchemaNotFound} when unknown. One slot
    /// read, unlike {schema}, which copies the strings.
    function indexOf(bytes32 schemaId) external view returns (uint32);

    /// @notice A schema's id and revocation policy by compact index; reverts with {SchemaIndexNotFound}.
    function policyAt(uint32 index) external view returns (bytes32 schemaId, bool revocable, bool reinstatable);

    /// @notice The id of the schema with this compact index; reverts with {SchemaIndexNotFound}.
    function schemaIdAt(uint32 index) external view returns (bytes32);

    /// @notice How many schemas are registered; valid indexes are 1..count.
    function schemaCount() external view returns (uint32);

    /// @notice Schema ids in registration order, paged.
    /// @param offset Number of schemas to skip.
    /// @param limit Maximum number of ids to return.
    function schemaIds(uint256 offset, uint256 limit) external view returns (bytes32[] memory ids);

    /// @notice Semantic version of this contract.
    function version() external pure returns (string memory);
}
