// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Paging
/// @notice Pages of stored lists for the registries' paged views: `limit` entries from `offset`,
/// fewer at the end, none past it.
library Paging {
    /// @notice Entries `offset` to `offset + limit` (exclusive, clipped to the end) of `list`.
    function page(bytes32[] storage list, uint256 offset, uint256 limit) internal view returns (bytes32[] memory out) {
        uint256 count = _count(list.length, offset, limit);
        out = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            out[i] = list[offset + i];
        }
    }

    /// @notice Entries `offset` to `offset + limit` (exclusive, clipped to the end) of `list`.
    function page(address[] storage list, uint256 offset, uint256 limit) internal view returns (address[] memory out) {
        uint256 count = _count(list.length, offset, limit);
        out = new address[](count);
        for (uint256 i = 0; i < count; ++i) {
            out[i] = list[offset + i];
        }
    }

    function _count(uint256 length, uint256 offset, uint256 limit) private pure returns (uint256) {
        if (offset >= length) return 0;
        return length - offset < limit ? length - offset : limit;
    }
}
