// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {LibArith} from "../src/lib/LibArith.sol";
import {LibMerkle} from "../src/lib/LibMerkle.sol";
import {LibTrace} from "../src/lib/LibTrace.sol";

/// Test-only: exposes the libraries' internal functions for golden vectors (tests/evm).
contract Harness {
    function dotS8(bytes calldata w, bytes calldata x) external pure returns (int256 dot) {
        require(w.length == x.length, "lengths differ");
        uint256 wPtr;
        uint256 xPtr;
        assembly {
            wPtr := w.offset
            xPtr := x.offset
        }
        return LibArith.dotS8(wPtr, xPtr, w.length);
    }

    function matmulRequant(int256 acc, int256 m, int256 mant, uint256 shift) external pure returns (int32) {
        return LibArith.matmulRequant(acc, m, mant, shift);
    }

    function rootFromProof(uint256 leafCount, bytes32 leaf, uint256 index, bytes32[] calldata siblings)
        external
        pure
        returns (bytes32)
    {
        return LibMerkle.rootFromProof(leafCount, leaf, index, siblings);
    }

    function rangeRoot(uint256 leafCount, uint256 first, bytes32[] memory leaves, bytes32[] calldata siblings)
        external
        pure
        returns (bytes32)
    {
        return LibMerkle.rangeRoot(leafCount, first, leaves, siblings);
    }

    function traceRoot(uint64 size, bytes32[] calldata peaks) external pure returns (bytes32) {
        return LibTrace.traceRoot(size, peaks);
    }

    /// verify_trace_opening: true, or a revert naming what failed.
    function traceOpening(
        bytes32 root,
        bytes32 leaf,
        uint64 index,
        uint64 size,
        bytes32[] calldata path,
        bytes32[] calldata peaks
    ) external pure returns (bool) {
        LibTrace.checkPeaks(root, size, peaks);
        LibTrace.checkLeaf(leaf, index, size, path, peaks);
        return true;
    }
}
