// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

// Every custom error of the vinfer contracts (STYLE.md "Contracts"). Each names what failed,
// with the values a node needs to say so in its own error message.

/// A Merkle proof has the wrong number of siblings for its tree.
error MerkleSiblingCount(uint256 given, uint256 needed);
/// A leaf range [first, first + count) is empty or does not lie inside a tree of `leafCount` leaves.
error MerkleRangeOutOfTree(uint256 first, uint256 count, uint256 leafCount);

/// A dtype byte is not i8 (1), i32 (2) or i64 (3).
error TensorBadDtype(uint8 dtype);
/// A tensor shape has more than 2^32 chunks.
error TensorTooManyChunks(uint256 chunks);
/// An element range [begin, end) is empty or past the tensor's `elements`.
error TensorRangeOutOfBounds(uint256 begin, uint256 end, uint256 elements);
/// A range opening carries `given` chunk bytes; the range needs `needed`.
error TensorChunkBytes(uint256 given, uint256 needed);
/// The chunks and siblings of an opening do not lead to the committed tensor root.
error TensorRootMismatch(bytes32 expected, bytes32 computed);

/// A trace opening's leaf index is not below the accumulator size.
error TraceIndexOutOfRange(uint256 index, uint256 size);
/// A trace opening has `given` peaks; an accumulator of its size has `needed`.
error TracePeakCount(uint256 given, uint256 needed);
/// A trace opening's path length is not the height of the leaf's peak.
error TracePathLength(uint256 given, uint256 needed);
/// The peaks of a trace opening do not hash to the agreed accumulator root.
error TraceRootMismatch(bytes32 expected, bytes32 computed);
/// A step root's path does not lead to its peak.
error TracePeakMismatch(uint256 index);

/// The weight tensor roots do not open against the model's weights root.
error WeightsRootMismatch(bytes32 expected, bytes32 computed);

/// A dot product is wider than the packed accumulation is exact for (65536).
error DotTooWide(uint256 n);
/// An operand value lies outside the domain of the operator (as the C++ referee rejects it).
error OperandOutOfDomain(string what, int256 value);
