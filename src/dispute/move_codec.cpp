// The wire encoding of dispute moves (move_codec.hpp).
#include "vinfer/dispute/move_codec.hpp"

#include "vinfer/wire.hpp"

namespace vinfer::dispute {
namespace {

using wire::ByteReader;
using wire::ByteWriter;

constexpr char kMagic[4] = {'V', 'M', 'O', 'V'};
constexpr uint16_t kVersion = 1;
constexpr size_t kHash = 32;

void put_hashes(ByteWriter& w, const std::vector<Hash>& hs) {
  w.u32(static_cast<uint32_t>(hs.size()));
  for (const Hash& h : hs)
    w.fixed(h);
}
void put_proof(ByteWriter& w, const commit::MerkleProof& p) {
  w.u64(p.index);
  put_hashes(w, p.siblings);
}
void put_range(ByteWriter& w, const commit::RangeOpening& r) {
  w.u64(r.begin);
  w.u64(r.end);
  w.u32(static_cast<uint32_t>(r.chunks.size()));
  for (const auto& c : r.chunks) {
    w.u32(c.chunk_index);
    w.fixed(c.chunk);
    put_proof(w, c.proof);
  }
}

Result<std::vector<Hash>> get_hashes(ByteReader& r, const char* field) {
  VINFER_TRY(uint32_t n, r.count(field, kHash));
  std::vector<Hash> out(n);
  for (Hash& h : out)
    VINFER_CHECK(r.fixed(field, h));
  return out;
}
Result<commit::MerkleProof> get_proof(ByteReader& r) {
  commit::MerkleProof p;
  VINFER_TRY(p.index, r.u64("merkle index"));
  VINFER_TRY(p.siblings, get_hashes(r, "merkle siblings"));
  return p;
}
Result<commit::RangeOpening> get_range(ByteReader& r) {
  commit::RangeOpening o;
  VINFER_TRY(o.begin, r.u64("range begin"));
  VINFER_TRY(o.end, r.u64("range end"));
  VINFER_TRY(uint32_t n, r.count("range chunks", 4 + commit::kChunkBytes + 12));
  o.chunks.resize(n);
  for (auto& c : o.chunks) {
    VINFER_TRY(c.chunk_index, r.u32("chunk index"));
    VINFER_CHECK(r.fixed("chunk", c.chunk));
    VINFER_TRY(c.proof, get_proof(r));
  }
  return o;
}

}  // namespace

std::vector<uint8_t> encode_move(const Move& m) {
  ByteWriter w;
  w.bytes({reinterpret_cast<const uint8_t*>(kMagic), 4});
  w.u16(kVersion);
  w.u8(static_cast<uint8_t>(m.index()));
  if (const auto* b = std::get_if<Bisect>(&m)) {
    w.fixed(b->mid_root);
  } else if (const auto* c = std::get_if<Choose>(&m)) {
    w.u8(c->right ? 1 : 0);
  } else if (const auto* o = std::get_if<OpenStep>(&m)) {
    put_hashes(w, o->peaks);
    w.fixed(o->step_root);
    w.fixed(o->chunks_root);
  } else if (const auto* ch = std::get_if<Children>(&m)) {
    w.fixed(ch->left);
    w.fixed(ch->right);
  } else if (const auto* oc = std::get_if<OpenChunk>(&m)) {
    w.fixed(oc->chunk);
  } else if (const auto* n = std::get_if<NameElement>(&m)) {
    w.u32(n->element_in_chunk);
    w.u32(static_cast<uint32_t>(n->operands.steps.size()));
    for (const auto& s : n->operands.steps) {
      w.u64(s.step);
      w.fixed(s.step_root);
      w.u64(s.in_trace.index);
      w.u64(s.in_trace.size);
      put_hashes(w, s.in_trace.path);
      put_hashes(w, s.in_trace.peaks);
      put_range(w, s.elements);
    }
    w.u32(static_cast<uint32_t>(n->operands.weights.size()));
    for (const auto& o2 : n->operands.weights) {
      w.u32(o2.tensor);
      w.fixed(o2.tensor_root);
      put_proof(w, o2.in_weights);
      put_range(w, o2.elements);
    }
  }
  return w.take();
}

Result<Move> decode_move(std::span<const uint8_t> bytes) {
  ByteReader r(bytes, "move");
  VINFER_CHECK(r.header(kMagic, kVersion));
  VINFER_TRY(uint8_t tag, r.u8("tag"));
  Move m;
  switch (tag) {
    case 0: {
      Bisect b;
      VINFER_CHECK(r.fixed("mid_root", b.mid_root));
      m = b;
      break;
    }
    case 1: {
      VINFER_TRY(uint8_t right, r.u8("right"));
      if (right > 1)
        return r.bad("right", "must be 0 or 1");
      m = Choose{right == 1};
      break;
    }
    case 2: {
      OpenStep o;
      VINFER_TRY(o.peaks, get_hashes(r, "peaks"));
      VINFER_CHECK(r.fixed("step_root", o.step_root));
      VINFER_CHECK(r.fixed("chunks_root", o.chunks_root));
      m = std::move(o);
      break;
    }
    case 3: {
      Children c;
      VINFER_CHECK(r.fixed("left", c.left));
      VINFER_CHECK(r.fixed("right", c.right));
      m = c;
      break;
    }
    case 4: {
      OpenChunk c;
      VINFER_CHECK(r.fixed("chunk", c.chunk));
      m = c;
      break;
    }
    case 5: {
      NameElement n;
      VINFER_TRY(n.element_in_chunk, r.u32("element_in_chunk"));
      VINFER_TRY(uint32_t ns, r.count("step openings", 8 + kHash + 24));
      n.operands.steps.resize(ns);
      for (auto& s : n.operands.steps) {
        VINFER_TRY(s.step, r.u64("operand step"));
        VINFER_CHECK(r.fixed("step_root", s.step_root));
        VINFER_TRY(s.in_trace.index, r.u64("trace index"));
        VINFER_TRY(s.in_trace.size, r.u64("trace size"));
        VINFER_TRY(s.in_trace.path, get_hashes(r, "trace path"));
        VINFER_TRY(s.in_trace.peaks, get_hashes(r, "trace peaks"));
        VINFER_TRY(s.elements, get_range(r));
      }
      VINFER_TRY(uint32_t nw, r.count("weight openings", 4 + kHash + 12));
      n.operands.weights.resize(nw);
      for (auto& o : n.operands.weights) {
        VINFER_TRY(o.tensor, r.u32("weight tensor"));
        VINFER_CHECK(r.fixed("tensor_root", o.tensor_root));
        VINFER_TRY(o.in_weights, get_proof(r));
        VINFER_TRY(o.elements, get_range(r));
      }
      m = std::move(n);
      break;
    }
    default:
      return fail(Errc::parse, "move: tag " + std::to_string(tag) + " at offset 6 is not a move");
  }
  VINFER_CHECK(r.finish());
  return m;
}

}  // namespace vinfer::dispute
