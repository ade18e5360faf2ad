// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {OperandOutOfDomain, WeightsRootMismatch} from "../lib/Errors.sol";
import {LibArith} from "../lib/LibArith.sol";
import {LibMerkle} from "../lib/LibMerkle.sol";
import {LibTensor} from "../lib/LibTensor.sol";
import {LibTrace} from "../lib/LibTrace.sol";
import {MatmulOpenings, MatmulStatement} from "../lib/Types.sol";

/// The one-step referee (DESIGN §5 step 5), so far for the matmul operator: recomputes one
/// output element from operands opened against the agreed accumulator root and the model's
/// weights root, exactly as dispute::recompute_element does (src/dispute/referee_rules.cpp,
/// openings.cpp). Reverts, naming what failed, on any opening that does not verify.
contract OneStepReferee {
    uint8 internal constant I8 = 1;
    uint8 internal constant I32 = 2;
    uint8 internal constant I64 = 3;

    /// matmul element e = sat_act(round(dot_s8(w_e, x) * m * d_e)): x the quantized input row,
    /// m its absmax, w_e weight row e and d_e = (mant, shift) its multiplier.
    function matmulElement(MatmulStatement calldata st, MatmulOpenings calldata op)
        external
        pure
        returns (int32)
    {
        // INVARIANT: the element is a row of the weight matrix.
        if (st.element >= st.weightRows) revert OperandOutOfDomain("weight row", int256(uint256(st.element)));
        // Operand steps: both step roots are leaves of the agreed accumulator after k steps.
        LibTrace.checkPeaks(st.agreedRoot, st.traceSize, op.peaks);
        LibTrace.checkLeaf(op.inputRoot, st.inputStep, st.traceSize, op.inputPath, op.peaks);
        LibTrace.checkLeaf(op.absmaxRoot, st.absmaxStep, st.traceSize, op.absmaxPath, op.peaks);
        // Weights: the matrix and its .scale tensor are adjacent leaves of the weights root.
        {
            bytes32[] memory roots = new bytes32[](2);
            roots[0] = op.weightRoot;
            roots[1] = op.scaleRoot;
            bytes32 w = LibMerkle.rangeRoot(st.weightCount, st.weightTensor, roots, op.weightsSiblings);
            // INVARIANT: both tensor roots are the model's.
            if (w != st.weightsRoot) revert WeightsRootMismatch(st.weightsRoot, w);
        }
        uint256 xOff = LibTensor.verifyRange(op.inputRoot, I8, st.inputRows, st.width, 0, st.width, op.input);
        uint256 mOff = LibTensor.verifyRange(op.absmaxRoot, I64, 1, 1, 0, 1, op.absmax);
        uint256 rowBegin = uint256(st.element) * st.width;
        uint256 wOff = LibTensor.verifyRange(
            op.weightRoot, I8, st.weightRows, st.width, rowBegin, rowBegin + st.width, op.weight
        );
        uint256 dOff = LibTensor.verifyRange(
            op.scaleRoot, I32, st.weightRows, 2, 2 * uint256(st.element), 2 * uint256(st.element) + 2, op.scale
        );

        int256 m = LibTensor.readElement(op.absmax.chunks, mOff, 8);
        // INVARIANT: the absmax is in the domain the C++ referee accepts.
        if (m < 0 || m > 1 << 31) revert OperandOutOfDomain("absmax", m);
        int256 mant = LibTensor.readElement(op.scale.chunks, dOff, 4);
        int256 shift = LibTensor.readElement(op.scale.chunks, dOff + 4, 4);
        // INVARIANT: a Dyadic multiplier: mant >= 0, 0 <= shift <= kDyadicMaxShift.
        if (mant < 0) revert OperandOutOfDomain("row multiplier mant", mant);
        if (shift < 0 || shift > LibArith.DYADIC_MAX_SHIFT) revert OperandOutOfDomain("row multiplier shift", shift);

        uint256 wPtr;
        uint256 xPtr;
        bytes calldata wc = op.weight.chunks;
        bytes calldata xc = op.input.chunks;
        assembly {
            wPtr := add(wc.offset, wOff)
            xPtr := add(xc.offset, xOff)
        }
        int256 acc = LibArith.dotS8(wPtr, xPtr, st.width);
        return LibArith.matmulRequant(acc, m, mant, uint256(shift));
    }
}
