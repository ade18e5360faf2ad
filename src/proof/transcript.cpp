// Transcript, byte reader/writer and the two channel ends (layout: transcript.hpp).
#include "vinfer/proof/transcript.hpp"

#include <cstring>

namespace vinfer::proof {
namespace {

void put_u32(commit::Keccak256& h, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    h.update_byte(static_cast<std::uint8_t>(v >> (8 * i)));
  }
}

void put_u64(commit::Keccak256& h, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    h.update_byte(static_cast<std::uint8_t>(v >> (8 * i)));
  }
}

void put_label(commit::Keccak256& h, std::string_view label) {
  put_u32(h, static_cast<std::uint32_t>(label.size()));
  h.update({reinterpret_cast<const std::uint8_t*>(label.data()), label.size()});
}

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::array<std::uint8_t, 16> ext_bytes(Ext v) {
  std::array<std::uint8_t, 16> b{};
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<std::uint8_t>(v.a.value() >> (8 * i));
    b[8 + i] = static_cast<std::uint8_t>(v.b.value() >> (8 * i));
  }
  return b;
}

}  // namespace

Transcript::Transcript(std::string_view domain) {
  commit::Keccak256 h;
  h.update(as_bytes("vinfer-transcript-v1"));
  h.update(as_bytes(domain));
  state_ = h.finalize();
}

void Transcript::absorb(std::string_view label, std::span<const std::uint8_t> data) {
  commit::Keccak256 h;
  h.update_byte(0x00);
  h.update(state_);
  put_label(h, label);
  put_u64(h, data.size());
  h.update(data);
  state_ = h.finalize();
  word_in_block_ = 4;  // the next challenge starts from the new state
}

void Transcript::ratchet(std::string_view label) {
  commit::Keccak256 h;
  h.update_byte(0x01);
  h.update(state_);
  put_label(h, label);
  state_ = h.finalize();
  block_index_ = 0;
  word_in_block_ = 4;
}

std::uint64_t Transcript::next_word() {
  if (word_in_block_ == 4) {
    commit::Keccak256 h;
    h.update_byte(0x02);
    h.update(state_);
    put_u32(h, block_index_++);
    block_ = h.finalize();
    word_in_block_ = 0;
  }
  std::uint64_t w = 0;
  for (int i = 0; i < 8; ++i) {
    w |= static_cast<std::uint64_t>(block_[8 * word_in_block_ + i]) << (8 * i);
  }
  ++word_in_block_;
  return w;
}

Fp Transcript::challenge_fp(std::string_view label) {
  ratchet(label);
  for (;;) {  // a word is >= p with probability 2^-32
    const std::uint64_t w = next_word();
    if (w < Fp::kModulus) {
      return Fp::from_u64(w);
    }
  }
}

Ext Transcript::challenge_ext(std::string_view label) {
  ratchet(label);
  Fp c[2];
  for (Fp& x : c) {
    for (;;) {
      const std::uint64_t w = next_word();
      if (w < Fp::kModulus) {
        x = Fp::from_u64(w);
        break;
      }
    }
  }
  return {c[0], c[1]};
}

std::vector<Ext> Transcript::challenge_point(std::string_view label, std::size_t n) {
  std::vector<Ext> r;
  r.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    r.push_back(challenge_ext(label));
  }
  return r;
}

std::uint64_t Transcript::challenge_index(std::string_view label, std::uint64_t bound) {
  VINFER_ASSERT(bound >= 1);
  ratchet(label);
  // Rejection sampling below the largest multiple of bound: exactly uniform.
  const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % bound + 1) % bound;
  for (;;) {
    const std::uint64_t w = next_word();
    if (w <= limit) {
      return w % bound;
    }
  }
}

void ByteWriter::u32(std::uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
}

void ByteWriter::u64(std::uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
}

Result<std::span<const std::uint8_t>> ByteReader::bytes(std::string_view what, std::size_t n) {
  if (n > remaining()) {
    return fail(Errc::truncated, "proof ends at offset " + std::to_string(in_.size()) + " inside " +
                                     std::string(what) + " (needs " + std::to_string(n) +
                                     " bytes at offset " + std::to_string(pos_) + ")");
  }
  auto s = in_.subspan(pos_, n);
  pos_ += n;
  return s;
}

Result<std::uint32_t> ByteReader::u32(std::string_view what) {
  VINFER_TRY(auto b, bytes(what, 4));
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    v |= static_cast<std::uint32_t>(b[i]) << (8 * i);
  }
  return v;
}

Result<std::uint64_t> ByteReader::u64(std::string_view what) {
  VINFER_TRY(auto b, bytes(what, 8));
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v |= static_cast<std::uint64_t>(b[i]) << (8 * i);
  }
  return v;
}

Result<Fp> ByteReader::fp(std::string_view what) {
  const std::size_t at = pos_;
  VINFER_TRY(std::uint64_t v, u64(what));
  if (v >= Fp::kModulus) {
    return fail(Errc::parse, std::string(what) + " at offset " + std::to_string(at) +
                                 " is not a canonical field element (>= p)");
  }
  return Fp::from_u64(v);
}

Result<Ext> ByteReader::ext(std::string_view what) {
  VINFER_TRY(Fp a, fp(what));
  VINFER_TRY(Fp b, fp(what));
  return Ext{a, b};
}

void ProverChannel::send_ext(std::string_view label, Ext v) {
  const auto b = ext_bytes(v);
  writer_.bytes(b);
  transcript_.absorb(label, b);
}

void ProverChannel::send_exts(std::string_view label, std::span<const Ext> v) {
  std::vector<std::uint8_t> b;
  b.reserve(16 * v.size());
  for (Ext e : v) {
    const auto eb = ext_bytes(e);
    b.insert(b.end(), eb.begin(), eb.end());
  }
  writer_.bytes(b);
  transcript_.absorb(label, b);
}

void ProverChannel::send_hash(std::string_view label, const commit::Hash& h) {
  writer_.bytes(h);
  transcript_.absorb(label, h);
}

void ProverChannel::send_u64(std::string_view label, std::uint64_t v) {
  ByteWriter w;
  w.u64(v);
  writer_.bytes(w.data());
  transcript_.absorb(label, w.data());
}

Result<Ext> VerifierChannel::recv_ext(std::string_view label) {
  VINFER_TRY(Ext v, reader_.ext(label));
  transcript_.absorb(label, ext_bytes(v));
  return v;
}

Result<std::vector<Ext>> VerifierChannel::recv_exts(std::string_view label, std::size_t n) {
  if (n > reader_.remaining() / 16) {
    return fail(Errc::truncated, std::string(label) + ": proof ends at offset " +
                                     std::to_string(reader_.offset() + reader_.remaining()) +
                                     ", needs " + std::to_string(n) + " elements");
  }
  std::vector<Ext> v;
  v.reserve(n);
  std::vector<std::uint8_t> b;
  b.reserve(16 * n);
  for (std::size_t i = 0; i < n; ++i) {
    VINFER_TRY(Ext e, reader_.ext(label));
    const auto eb = ext_bytes(e);
    b.insert(b.end(), eb.begin(), eb.end());
    v.push_back(e);
  }
  transcript_.absorb(label, b);
  return v;
}

Result<commit::Hash> VerifierChannel::recv_hash(std::string_view label) {
  VINFER_TRY(auto b, reader_.bytes(label, 32));
  commit::Hash h{};
  std::memcpy(h.data(), b.data(), 32);
  transcript_.absorb(label, h);
  return h;
}

Result<std::uint64_t> VerifierChannel::recv_u64(std::string_view label) {
  VINFER_TRY(auto b, reader_.bytes(label, 8));
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v |= static_cast<std::uint64_t>(b[i]) << (8 * i);
  }
  transcript_.absorb(label, b);
  return v;
}

Status VerifierChannel::finish() const {
  if (reader_.remaining() != 0) {
    return fail(Errc::parse, std::to_string(reader_.remaining()) +
                                 " trailing bytes after the proof at offset " +
                                 std::to_string(reader_.offset()));
  }
  return ok_status();
}

}  // namespace vinfer::proof
