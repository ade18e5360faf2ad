// The Fiat-Shamir transcript and the two ends of a non-interactive proof.
//
// A Transcript is a keccak-256 chain: every message either side sends is absorbed
// with a label, and every verifier challenge is squeezed from the chain, so a
// challenge depends on everything said before it. The prover holds a
// ProverChannel (transcript + the proof bytes it writes); the verifier holds a
// VerifierChannel (transcript + the proof bytes it reads). Both absorb the same
// bytes in the same order, so they draw the same challenges: the verifier sees
// only bytes, never a prover object (STYLE.md "Protocols").
//
// Chain: state_0 = keccak("vinfer-transcript-v1" || domain);
//   absorb:    state = keccak(0x00 || state || u32 len(label) || label || u64 len(data) || data)
//   challenge: state = keccak(0x01 || state || u32 len(label) || label), then output word i is
//              bytes [8i, 8i+8) of keccak(0x02 || state || u32 block), little-endian, kept when
//              < p (rejection sampling: each challenge is uniform in F_p).
// All integers are little-endian. Exact layout: docs/proofs.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/proof/field.hpp"
#include "vinfer/result.hpp"

namespace vinfer::proof {

/// The keccak chain both sides keep.
class Transcript {
 public:
  /// A transcript for one protocol instance; `domain` names the protocol and version.
  explicit Transcript(std::string_view domain);

  /// Absorbs a labelled message.
  void absorb(std::string_view label, std::span<const std::uint8_t> data);
  /// A uniform element of F_p drawn from everything absorbed so far.
  Fp challenge_fp(std::string_view label);
  /// A uniform element of the extension.
  Ext challenge_ext(std::string_view label);
  /// `n` extension challenges in one call (a point).
  std::vector<Ext> challenge_point(std::string_view label, std::size_t n);
  /// A uniform integer in [0, bound), bound >= 1 (query positions).
  std::uint64_t challenge_index(std::string_view label, std::uint64_t bound);
  /// The current chain state (tests; binding a proof to its context).
  const commit::Hash& state() const { return state_; }

 private:
  // Ratchets the state for one challenge and returns a source of 64-bit words.
  void ratchet(std::string_view label);
  std::uint64_t next_word();

  commit::Hash state_{};
  commit::Hash block_{};
  std::uint32_t block_index_ = 0;
  unsigned word_in_block_ = 4;
};

/// Appends canonical little-endian field elements and raw bytes to a proof.
class ByteWriter {
 public:
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void fp(Fp v) { u64(v.value()); }
  void ext(Ext v) {
    fp(v.a);
    fp(v.b);
  }
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  const std::vector<std::uint8_t>& data() const { return out_; }
  std::vector<std::uint8_t> take() { return std::move(out_); }

 private:
  std::vector<std::uint8_t> out_;
};

/// Reads a proof front to back; every read fails with the field name and offset
/// when the bytes end early or an element is not canonical.
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> in) : in_(in) {}
  Result<std::uint32_t> u32(std::string_view what);
  Result<std::uint64_t> u64(std::string_view what);
  Result<Fp> fp(std::string_view what);
  Result<Ext> ext(std::string_view what);
  Result<std::span<const std::uint8_t>> bytes(std::string_view what, std::size_t n);
  std::size_t offset() const { return pos_; }
  std::size_t remaining() const { return in_.size() - pos_; }

 private:
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
};

/// The prover's end: each message goes into the proof bytes and the transcript.
class ProverChannel {
 public:
  explicit ProverChannel(std::string_view domain) : transcript_(domain) {}
  void send_ext(std::string_view label, Ext v);
  void send_exts(std::string_view label, std::span<const Ext> v);
  void send_hash(std::string_view label, const commit::Hash& h);
  void send_u64(std::string_view label, std::uint64_t v);
  Ext challenge(std::string_view label) { return transcript_.challenge_ext(label); }
  Transcript& transcript() { return transcript_; }
  ByteWriter& writer() { return writer_; }
  std::vector<std::uint8_t> finish() { return writer_.take(); }

 private:
  Transcript transcript_;
  ByteWriter writer_;
};

/// The verifier's end: reads each message from the proof bytes and absorbs it exactly
/// as the prover did.
class VerifierChannel {
 public:
  VerifierChannel(std::string_view domain, std::span<const std::uint8_t> proof)
      : transcript_(domain), reader_(proof) {}
  Result<Ext> recv_ext(std::string_view label);
  Result<std::vector<Ext>> recv_exts(std::string_view label, std::size_t n);
  Result<commit::Hash> recv_hash(std::string_view label);
  Result<std::uint64_t> recv_u64(std::string_view label);
  Ext challenge(std::string_view label) { return transcript_.challenge_ext(label); }
  Transcript& transcript() { return transcript_; }
  ByteReader& reader() { return reader_; }
  /// Fails unless every byte of the proof was read (trailing bytes are a malleability).
  Status finish() const;

 private:
  Transcript transcript_;
  ByteReader reader_;
};

}  // namespace vinfer::proof
