// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TensorBadDtype, TensorChunkBytes, TensorRangeOutOfBounds, TensorRootMismatch, TensorTooManyChunks} from "./Errors.sol";
import {LibMerkle} from "./LibMerkle.sol";
import {RangeOpening} from "./Types.sol";

/// Tensor roots and element-range openings exactly as src/commit/tensor_root.cpp and
/// tensor_opening.cpp define them (docs/commitments.md §3): 256-byte chunks of the
/// little-endian row-major bytes, leaf keccak256(0x00 || chunk), root
/// keccak256(0x02 || dtype || rows u32 BE || cols u32 BE || chunks_root).
library LibTensor {
    uint256 internal constant CHUNK_BYTES = 256;

    /// Bytes per element of a dtype byte: i8 (1) -> 1, i32 (2) -> 4, i64 (3) -> 8.
    function dtypeSize(uint8 dtype) internal pure returns (uint256) {
        if (dtype == 1) return 1;
        if (dtype == 2) return 4;
        if (dtype == 3) return 8;
        revert TensorBadDtype(dtype);
    }

    /// keccak256(0x02 || dtype || rows || cols || chunksRoot).
    function tensorRoot(uint8 dtype, uint32 rows, uint32 cols, bytes32 chunksRoot) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x02), dtype, rows, cols, chunksRoot));
    }

    /// Checks that `o` opens elements [begin, end) of the rows x cols tensor of `dtype`
    /// committed by `root` (verify_range), and returns the byte offset of element `begin`
    /// inside o.chunks; the elements follow it contiguously, little-endian.
    function verifyRange(
        bytes32 root,
        uint8 dtype,
        uint32 rows,
        uint32 cols,
        uint256 begin,
        uint256 end,
        RangeOpening calldata o
    ) internal pure returns (uint256 offset) {
        uint256 size = dtypeSize(dtype);
        uint256 perChunk = CHUNK_BYTES / size;
        uint256 elements = uint256(rows) * cols;
        uint256 chunkCount = (elements + perChunk - 1) / perChunk;
        // INVARIANT: shapes a verifier accepts have at most 2^32 chunks (u32 chunk index).
        if (chunkCount > 1 << 32) revert TensorTooManyChunks(chunkCount);
        // INVARIANT: a non-empty range inside the tensor.
        if (begin >= end || end > elements) revert TensorRangeOutOfBounds(begin, end, elements);
        uint256 first = begin / perChunk;
        uint256 want = (end - 1) / perChunk - first + 1;
        // INVARIANT: exactly the chunks that cover the range.
        if (o.chunks.length != want * CHUNK_BYTES) revert TensorChunkBytes(o.chunks.length, want * CHUNK_BYTES);
        bytes32[] memory leaves = new bytes32[](want);
        bytes calldata chunks = o.chunks;
        assembly ("memory-safe") {
            let scratch := mload(0x40)
            let dst := add(leaves, 32)
            for { let i := 0 } lt(i, want) { i := add(i, 1) } {
                mstore8(scratch, 0x00)
                calldatacopy(add(scratch, 1), add(chunks.offset, mul(i, 256)), 256)
                mstore(add(dst, mul(i, 32)), keccak256(scratch, 257))
            }
        }
        bytes32 computed = tensorRoot(dtype, rows, cols, LibMerkle.rangeRoot(chunkCount, first, leaves, o.siblings));
        // INVARIANT: the opened chunks are the committed ones.
        if (computed != root) revert TensorRootMismatch(root, computed);
        return (begin % perChunk) * size;
    }

    /// The `size`-byte little-endian element at byte `offset` of `chunks`, sign-extended.
    function readElement(bytes calldata chunks, uint256 offset, uint256 size) internal pure returns (int256 v) {
        uint256 u;
        for (uint256 b = size; b > 0; --b) {
            u = (u << 8) | uint8(chunks[offset + b - 1]);
        }
        assembly {
            v := signextend(sub(size, 1), u)
        }
    }
}
