// The proof file (proof_file.hpp).
#include "vinfer/proof/proof_file.hpp"

#include <cstring>
#include <string>

#include "vinfer/proof/transcript.hpp"

namespace vinfer::proof {
namespace {
constexpr char kMagic[8] = {'V', 'I', 'N', 'F', 'P', 'R', 'O', 'F'};
}  // namespace

std::vector<std::uint8_t> write_proof_file(const ProofFile& f) {
  ByteWriter w;
  w.bytes(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(kMagic), sizeof kMagic));
  w.u32(f.version);
  w.u32(f.kind);
  w.bytes(f.model_root);
  w.bytes(f.weights_root);
  w.u32(f.batch);
  w.u64(f.body.size());
  w.bytes(f.body);
  return w.take();
}

Result<ProofFile> parse_proof_file(std::span<const std::uint8_t> bytes) {
  if (bytes.empty())
    return fail(Errc::truncated, "proof file: empty");
  ByteReader r(bytes);
  ProofFile f;
  auto magic = r.bytes("magic", sizeof kMagic);
  if (!magic.ok() || std::memcmp(magic->data(), kMagic, sizeof kMagic) != 0)
    return fail(Errc::parse, "proof file: offset 0: not a vinfer proof (magic is not VINFPROF)");
  VINFER_TRY(f.version, r.u32("version"));
  if (f.version != kProofFileVersion) {
    return fail(Errc::unsupported, "proof file: offset 8: format version " +
                                       std::to_string(f.version) + ", this build reads version " +
                                       std::to_string(kProofFileVersion));
  }
  VINFER_TRY(f.kind, r.u32("kind"));
  if (f.kind != kProofKindGraph)
    return fail(Errc::unsupported,
                "proof file: offset 12: proof kind " + std::to_string(f.kind) + " is unknown");
  VINFER_TRY(auto mr, r.bytes("model root", 32));
  std::memcpy(f.model_root.data(), mr.data(), 32);
  VINFER_TRY(auto wr, r.bytes("weights root", 32));
  std::memcpy(f.weights_root.data(), wr.data(), 32);
  VINFER_TRY(f.batch, r.u32("batch"));
  if (f.batch == 0)
    return fail(Errc::parse, "proof file: offset 80: batch is 0");
  VINFER_TRY(std::uint64_t n, r.u64("body length"));
  if (n > kProofMaxBody || n != r.remaining()) {
    return fail(Errc::parse, "proof file: offset 84: body length " + std::to_string(n) +
                                 ", the file holds " + std::to_string(r.remaining()) +
                                 " bytes after the header");
  }
  VINFER_TRY(auto body, r.bytes("body", static_cast<std::size_t>(n)));
  f.body.assign(body.begin(), body.end());
  return f;
}

}  // namespace vinfer::proof
