// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {DuplicateCandidate, NotEnoughCandidates, QuorumEmpty} from "../lib/Errors.sol";

/// quorum:n's pure rules, byte for byte as src/quorum/{selection,commitment,beacon}.cpp.
library LibQuorum {
    /// quorum::Candidate: struct Candidate { address node; uint64 stake; }.
    struct Candidate {
        address node;
        uint64 stake;
    }

    /// quorum::selection_seed: keccak256(job_id || beacon).
    function selectionSeed(bytes32 jobId, bytes32 beacon) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(jobId, beacon));
    }

    /// quorum::selection_draw: keccak256("VQS1" || seed || be64(i)).
    function selectionDraw(bytes32 seed, uint64 i) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes4("VQS1"), seed, i));
    }

    /// quorum::output_commitment: keccak256("VQC1" || job_id || output_hash || salt || node).
    function outputCommitment(bytes32 jobId, bytes32 outputHash, bytes32 salt, address node)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encodePacked(bytes4("VQC1"), jobId, outputHash, salt, node));
    }

    /// quorum::select_quorum: sorts `c` by address (in place), drops zero stakes, and draws
    /// `n` distinct nodes, each draw weighted by the stake of the nodes still in. The result
    /// is in draw order.
    function select(bytes32 seed, Candidate[] memory c, uint32 n) internal pure returns (Candidate[] memory picked) {
        if (n == 0) revert QuorumEmpty();
        sortByNode(c);
        uint256 len = 0; // eligible nodes, compacted to the front, in id order
        uint256 total = 0;
        for (uint256 i = 0; i < c.length; ++i) {
            if (i > 0 && c[i].node == c[i - 1].node) revert DuplicateCandidate(c[i].node);
            if (c[i].stake == 0) continue;
            c[len++] = c[i];
            total += c[i].stake;
        }
        if (len < n) revert NotEnoughCandidates(n, len);
        picked = new Candidate[](n);
        for (uint64 i = 0; i < n; ++i) {
            uint256 x = uint256(selectionDraw(seed, i)) % total;
            // INVARIANT: x < total = Σ stake of c[0 .. len), so the walk stops inside.
            uint256 j = 0;
            while (x >= c[j].stake) {
                x -= c[j].stake;
                ++j;
            }
            picked[i] = c[j];
            total -= c[j].stake;
            for (uint256 k = j + 1; k < len; ++k) {
                c[k - 1] = c[k];
            }
            --len;
        }
    }

    /// Insertion sort by address ascending (quorum sizes and candidate lists are small).
    function sortByNode(Candidate[] memory c) internal pure {
        for (uint256 i = 1; i < c.length; ++i) {
            Candidate memory v = c[i];
            uint256 j = i;
            while (j > 0 && c[j - 1].node > v.node) {
                c[j] = c[j - 1];
                --j;
            }
            c[j] = v;
        }
    }
}
