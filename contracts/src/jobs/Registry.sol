// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ModelExists, ModelNotRegistered, ModelRootMismatch} from "../lib/Errors.sol";
import {LibMerkle} from "../lib/LibMerkle.sol";

/// The model registry (MemoryLedger::register_model): a model is its root, the Merkle root
/// of the four leaves of docs/model-format.md §Model root,
///   [keccak256(arch), arith_leaf, tokenizer_leaf, weights_root],
/// with commit::merkle_root's node hash (LibMerkle.node). Anyone may register a model once.
///
/// Not checked here, unlike the C++ ledger: that `arch` parses as an architecture encoding
/// and that `arith_leaf` is this build's arithmetic version with the architecture's table
/// root. Both need the architecture parser on chain; docs/contracts.md says so.
contract Registry {
    struct Model {
        address owner;
        uint64 registeredAt; // block
        bytes32 archHash; // keccak256(arch); the encoding itself is in the event
        bytes32 arithLeaf;
        bytes32 tokenizerLeaf;
        bytes32 weightsRoot;
    }

    mapping(bytes32 => Model) internal models;

    event ModelRegistered(bytes32 indexed root, address indexed owner, bytes arch);

    /// Registers the model whose root is `root`; reverts unless the leaves give that root.
    function registerModel(
        bytes32 root,
        bytes calldata arch,
        bytes32 arithLeaf,
        bytes32 tokenizerLeaf,
        bytes32 weightsRoot
    ) external {
        Model storage m = models[root];
        // INVARIANT: a root is registered once; its owner and block never change.
        if (m.owner != address(0)) revert ModelExists(root, m.registeredAt);
        bytes32 archHash = keccak256(arch);
        bytes32 computed =
            LibMerkle.node(LibMerkle.node(archHash, arithLeaf), LibMerkle.node(tokenizerLeaf, weightsRoot));
        // INVARIANT: the root is the tree of exactly these four leaves.
        if (computed != root) revert ModelRootMismatch(root, computed);
        models[root] = Model(msg.sender, uint64(block.number), archHash, arithLeaf, tokenizerLeaf, weightsRoot);
        emit ModelRegistered(root, msg.sender, arch);
    }

    /// The record of `root` (reverts if it is not registered).
    function model(bytes32 root) external view returns (Model memory) {
        return requireModel(root);
    }

    function requireModel(bytes32 root) internal view returns (Model storage m) {
        m = models[root];
        if (m.owner == address(0)) revert ModelNotRegistered(root);
    }
}
