// The wire encoding of dispute moves: what a party sends (later: the calldata of the
// contracts' move functions, and the node's API). Integers big-endian, hashes and chunks
// raw (include/vinfer/wire.hpp). The decoder reads untrusted bytes and names the field
// and offset of the first thing wrong; every count is bounded by the bytes that follow.
//
//   move       = "VMOV" u16 version=1, u8 tag, body
//   tag 0 bisect        mid_root
//   tag 1 choose        u8 right (0 or 1)
//   tag 2 open_step     u32 n, n x peak, step_root, chunks_root
//   tag 3 children      left, right
//   tag 4 open_chunk    256 bytes
//   tag 5 name_element  u32 element_in_chunk, bundle
//   bundle     = u32 n, n x step_opening, u32 m, m x weight_opening
//   step_opening   = u64 step, step_root, trace_opening, range
//   weight_opening = u32 tensor, tensor_root, merkle_proof, range
//   trace_opening  = u64 index, u64 size, u32 n, n x hash (path), u32 m, m x hash (peaks)
//   merkle_proof   = u64 index, u32 n, n x hash
//   range          = u64 begin, u64 end, u32 n, n x (u32 chunk_index, 256 bytes, merkle_proof)
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vinfer/dispute/game.hpp"
#include "vinfer/result.hpp"

namespace vinfer::dispute {

/// The move's bytes.
std::vector<uint8_t> encode_move(const Move& m);
/// Parses a move (untrusted); decode_move(encode_move(m)) gives m back.
Result<Move> decode_move(std::span<const uint8_t> bytes);

}  // namespace vinfer::dispute
