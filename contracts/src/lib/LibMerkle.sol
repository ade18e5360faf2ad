// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {MerkleRangeOutOfTree, MerkleSiblingCount} from "./Errors.sol";

/// Binary Merkle trees over 32-byte leaves exactly as src/commit/merkle.cpp builds them
/// (docs/commitments.md §1-2): padded to a power of two with zero hashes, internal node
/// keccak256(0x01 || left || right), a tree of one leaf has that leaf as its root.
library LibMerkle {
    /// keccak256(0x01 || left || right): 65 bytes hashed in scratch memory past the free pointer.
    function node(bytes32 left, bytes32 right) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore8(p, 0x01)
            mstore(add(p, 1), left)
            mstore(add(p, 33), right)
            h := keccak256(p, 65)
        }
    }

    /// Height of a tree of `leafCount` leaves = siblings of a single-leaf proof:
    /// ceil(log2(max(leafCount, 1))), i.e. bit_length(leafCount - 1).
    function depth(uint256 leafCount) internal pure returns (uint256) {
        return leafCount <= 1 ? 0 : bitLength(leafCount - 1);
    }

    /// Number of bits of v: 0 for 0, else 1 + the index of its highest set bit.
    function bitLength(uint256 v) internal pure returns (uint256 n) {
        unchecked {
            for (uint256 s = 128; s > 0; s >>= 1) {
                if (v >> s != 0) {
                    v >>= s;
                    n += s;
                }
            }
            n += v; // v is 0 or 1 here
        }
    }

    /// The root that `leaf` at `index` and its bottom-up `siblings` imply for a tree of
    /// `leafCount` leaves (merkle_root_from_proof).
    function rootFromProof(uint256 leafCount, bytes32 leaf, uint256 index, bytes32[] calldata siblings)
        internal
        pure
        returns (bytes32 cur)
    {
        // INVARIANT: the leaf lies in the tree and the path has exactly one sibling per level.
        if (index >= leafCount) revert MerkleRangeOutOfTree(index, 1, leafCount);
        uint256 d = depth(leafCount);
        if (siblings.length != d) revert MerkleSiblingCount(siblings.length, d);
        cur = leaf;
        for (uint256 t = 0; t < d; ++t) {
            cur = (index >> t) & 1 == 1 ? node(siblings[t], cur) : node(cur, siblings[t]);
        }
    }

    /// Siblings a range proof of leaves [first, first + count) needs in a tree of `d` levels.
    function rangeSiblingCount(uint256 first, uint256 count, uint256 d) internal pure returns (uint256 s) {
        uint256 lo = first;
        uint256 hi = first + count;
        for (uint256 t = 0; t < d; ++t) {
            if (lo & 1 == 1) ++s;
            if (hi & 1 == 1) ++s;
            lo >>= 1;
            hi = (hi + 1) >> 1;
        }
    }

    /// The root that the contiguous leaves [first, first + nodes.length) imply for a tree of
    /// `leafCount` leaves. `siblings` are the nodes just outside the run, level by level from
    /// the leaves up, the left one before the right one (padding nodes included: a padding
    /// subtree of height t is Z_t). Equals rootFromProof of every leaf of the run with its own
    /// path, for a fraction of the siblings. Overwrites `nodes`.
    function rangeRoot(uint256 leafCount, uint256 first, bytes32[] memory nodes, bytes32[] calldata siblings)
        internal
        pure
        returns (bytes32)
    {
        uint256 count = nodes.length;
        // INVARIANT: the run is non-empty and inside the tree.
        if (count == 0 || first >= leafCount || count > leafCount - first) {
            revert MerkleRangeOutOfTree(first, count, leafCount);
        }
        uint256 d = depth(leafCount);
        uint256 needed = rangeSiblingCount(first, count, d);
        // INVARIANT: exactly the siblings the run's shape needs, none left over.
        if (siblings.length != needed) revert MerkleSiblingCount(siblings.length, needed);
        uint256 lo = first;
        uint256 hi = first + count; // one past the run
        uint256 s;
        // No index below can overflow (hi <= leafCount < 2^256 - 1, l >= lo - 1 with the
        // l < lo case taking a sibling); the array reads stay bounds-checked.
        unchecked {
            for (uint256 t = 0; t < d; ++t) {
                uint256 pLo = lo >> 1;
                uint256 pHi = (hi + 1) >> 1;
                // Writes go to index p - pLo <= the indices read in the same and later rounds.
                for (uint256 p = pLo; p < pHi; ++p) {
                    uint256 l = 2 * p;
                    bytes32 left = l < lo ? siblings[s++] : nodes[l - lo];
                    bytes32 right = l + 1 >= hi ? siblings[s++] : nodes[l + 1 - lo];
                    nodes[p - pLo] = node(left, right);
                }
                lo = pLo;
                hi = pHi;
            }
        }
        return nodes[0];
    }
}
