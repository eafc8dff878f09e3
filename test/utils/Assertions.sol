// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Assertions
/// @notice Minimal assertion helpers for Solidity tests; each failure reverts with a message that
/// names what differed and both values.
abstract contract Assertions {
    error AssertionFailed(string message);

    function fail(string memory message) internal pure {
        revert AssertionFailed(message);
    }

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) fail(message);
    }

    function assertFalse(bool condition, string memory message) internal pure {
        if (condition) fail(message);
    }

    function assertEq(bool a, bool b, string memory message) internal pure {
        if (a != b) fail(string.concat(message, ": bool mismatch"));
    }

    function assertEq(uint256 a, uint256 b, string memory message) internal pure {
        if (a != b) fail(string.concat(message, ": ", _toString(a), " != ", _toString(b)));
    }

    function assertEq(address a, address b, string memory message) internal pure {
        if (a != b) fail(string.concat(message, ": address mismatch"));
    }

    function assertEq(bytes32 a, bytes32 b, string memory message) internal pure {
        if (a != b) fail(string.concat(message, ": bytes32 mismatch"));
    }

    function assertEq(string memory a, string memory b, string memory message) internal pure {
        if (keccak256(bytes(a)) != keccak256(bytes(b))) {
            fail(string.concat(message, ": [", a, "] != [", b, "]"));
        }
    }

    function assertEq(bytes32[] memory a, bytes32[] memory b, string memory message) internal pure {
        assertEq(a.length, b.length, string.concat(message, " (length)"));
        for (uint256 i; i < a.length; ++i) {
            if (a[i] != b[i]) fail(string.concat(message, ": element ", _toString(i), " differs"));
        }
    }

    function assertNotEq(bytes32 a, bytes32 b, string memory message) internal pure {
        if (a == b) fail(string.concat(message, ": values are equal"));
    }

    function assertNotEq(uint256 a, uint256 b, string memory message) internal pure {
        if (a == b) fail(string.concat(message, ": both ", _toString(a)));
    }

    function assertGt(uint256 a, uint256 b, string memory message) internal pure {
        if (a <= b) fail(string.concat(message, ": ", _toString(a), " <= ", _toString(b)));
    }

    function assertLe(uint256 a, uint256 b, string memory message) internal pure {
        if (a > b) fail(string.concat(message, ": ", _toString(a), " > ", _toString(b)));
    }

    function _toString(uint256 value) private pure returns (string memory) {
        if (value == 0) return "0";
        uint256 digits;
        for (uint256 v = value; v != 0; v /= 10) ++digits;
        bytes memory buffer = new bytes(digits);
        while (value != 0) {
            buffer[--digits] = bytes1(uint8(48 + (value % 10)));
            value /= 10;
        }
        return string(buffer);
    }
}
