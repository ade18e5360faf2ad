// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {LibArith} from "../src/lib/LibArith.sol";
import {LibMerkle} from "../src/lib/LibMerkle.sol";
import {LibTrace} from "../src/lib/LibTrace.sol";
import {LibQuorum} from "../src/quorum/LibQuorum.sol";

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

    /// quorum::select_quorum on any candidate list: the picked nodes and stakes, in draw order.
    function selectQuorum(bytes32 seed, address[] calldata node, uint64[] calldata stake, uint32 n)
        external
        pure
        returns (address[] memory picked, uint64[] memory pickedStake)
    {
        require(node.length == stake.length, "lengths differ");
        LibQuorum.Candidate[] memory c = new LibQuorum.Candidate[](node.length);
        for (uint256 i = 0; i < node.length; ++i) {
            c[i] = LibQuorum.Candidate(node[i], stake[i]);
        }
        LibQuorum.Candidate[] memory p = LibQuorum.select(seed, c, n);
        picked = new address[](p.length);
        pickedStake = new uint64[](p.length);
        for (uint256 i = 0; i < p.length; ++i) {
            picked[i] = p[i].node;
            pickedStake[i] = p[i].stake;
        }
    }

    function selectionSeed(bytes32 jobId, bytes32 beacon) external pure returns (bytes32) {
        return LibQuorum.selectionSeed(jobId, beacon);
    }

    function outputCommitment(bytes32 jobId, bytes32 outputHash, bytes32 salt, address node)
        external
        pure
        returns (bytes32)
    {
        return LibQuorum.outputCommitment(jobId, outputHash, salt, node);
    }
}
