// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

// Types shared by the contracts, laid out as their C++ twins (STYLE.md "Protocols").

/// Elements [begin, end) of one committed tensor (commit::RangeOpening), in a compact form:
/// the covering chunks concatenated (256 bytes each, in order) and one range proof for the
/// run of chunk leaves (LibMerkle.rangeRoot) instead of a full path per chunk.
struct RangeOpening {
    bytes chunks;
    bytes32[] siblings;
}

/// What the schedule says about one matmul element (DESIGN §5 step 5): op, shapes and
/// operands come from the schedule of the disputed job, never from a party. Until the
/// schedule is computed on chain, the caller supplies these fields.
struct MatmulStatement {
    bytes32 agreedRoot; // accumulator root after `traceSize` = k steps
    uint64 traceSize; // k: the disputed step; its operands are earlier steps
    uint64 inputStep; // the quantize step: i8, inputRows x width; opens row 0
    uint32 inputRows;
    uint32 width; // dot product length (= weight columns)
    uint64 absmaxStep; // the absmax step: i64, 1 x 1; opens element 0
    bytes32 weightsRoot; // the model's weights root
    uint32 weightCount; // leaves of the weights tree (weight_tensor_count)
    uint32 weightTensor; // i8 weightRows x width; its .scale tensor is the next leaf: i32 weightRows x 2
    uint32 weightRows;
    uint32 element; // the output element = the weight row
}

/// The openings a party supplies for one matmul element (dispute::OperandBundle).
struct MatmulOpenings {
    bytes32[] peaks; // the agreed accumulator's peaks
    bytes32 inputRoot; // tensor root of the quantize step (= trace leaf inputStep)
    bytes32[] inputPath;
    RangeOpening input;
    bytes32 absmaxRoot; // tensor root of the absmax step
    bytes32[] absmaxPath;
    RangeOpening absmax;
    bytes32 weightRoot; // tensor roots of the weight matrix and its .scale tensor
    bytes32 scaleRoot;
    bytes32[] weightsSiblings; // range proof of leaves [weightTensor, weightTensor + 2)
    RangeOpening weight; // elements [element * width, (element + 1) * width)
    RangeOpening scale; // elements [2 * element, 2 * element + 2): (mant, shift)
}
