// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TraceIndexOutOfRange, TracePathLength, TracePeakCount, TracePeakMismatch, TraceRootMismatch} from "./Errors.sol";
import {LibMerkle} from "./LibMerkle.sol";

/// The trace accumulator (a Merkle Mountain Range of step roots) exactly as
/// src/commit/accumulator.cpp defines it (docs/commitments.md §4):
/// root = keccak256(0x03 || size u64 BE || peaks, largest first).
library LibTrace {
    /// keccak256(0x03 || size (u64 BE) || peaks...).
    function traceRoot(uint64 size, bytes32[] calldata peaks) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x03), size, peaks));
    }

    /// Checks that `peaks` are popcount(size) hashes that give `root` after `size` appends.
    function checkPeaks(bytes32 root, uint64 size, bytes32[] calldata peaks) internal pure {
        uint256 pop;
        for (uint64 v = size; v != 0; v &= v - 1) ++pop;
        // INVARIANT: one peak per set bit of the size.
        if (peaks.length != pop) revert TracePeakCount(peaks.length, pop);
        bytes32 computed = traceRoot(size, peaks);
        // INVARIANT: the peaks are those of the agreed accumulator.
        if (computed != root) revert TraceRootMismatch(root, computed);
    }

    /// Checks that `leaf` is leaf `index` of an accumulator of `size` leaves whose peaks
    /// (already checked with checkPeaks) are `peaks`; `path` runs from the leaf to its peak.
    function checkLeaf(bytes32 leaf, uint64 index, uint64 size, bytes32[] calldata path, bytes32[] calldata peaks)
        internal
        pure
    {
        // INVARIANT: the leaf was appended before the accumulator had `size` leaves.
        if (index >= size) revert TraceIndexOutOfRange(index, size);
        // Peaks largest first: the peak of height h covers [o, o + 2^h), o = size with bits
        // 0..h cleared. index < size, so above their highest differing bit h they agree and
        // at h size has a 1 and index a 0: the leaf is in the peak of height h, the one after
        // the peaks of the set bits of size above h.
        uint256 h = LibMerkle.bitLength(uint256(size ^ index)) - 1;
        uint256 p;
        for (uint256 above = uint256(size) >> (h + 1); above != 0; above &= above - 1) ++p;
        // INVARIANT: the path climbs exactly the peak's height.
        if (path.length != h) revert TracePathLength(path.length, h);
        bytes32 cur = leaf;
        for (uint256 t = 0; t < h; ++t) {
            cur = (index >> t) & 1 == 1 ? LibMerkle.node(path[t], cur) : LibMerkle.node(cur, path[t]);
        }
        // INVARIANT: the path leads to the peak that holds the leaf.
        if (cur != peaks[p]) revert TracePeakMismatch(index);
    }
}
