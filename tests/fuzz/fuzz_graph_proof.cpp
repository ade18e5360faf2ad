// libFuzzer target: the graph proof verifier and the proof file parser on hostile bytes
// (DESIGN §8: verifiers never crash, they reject with a reason). Byte 0 picks the mode:
//   even: the rest is a whole proof file (parse_proof_file, then graph_verify of its body);
//   odd:  the rest is (u32 offset, u8 xor) pairs applied to an honest proof, which takes
//         the verifier deep into the protocol before it meets the change.
// The statement (a small synthetic MLP, batch 2) is fixed: a prover controls only the bytes.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "../proof/small_mlp.hpp"
#include "vinfer/proof/circuit.hpp"
#include "vinfer/proof/graph_proof.hpp"
#include "vinfer/proof/proof_file.hpp"

using namespace vinfer::proof;

namespace {

struct Setup {
  Circuit c;
  GraphStatement st;
  std::vector<std::uint8_t> honest;
};

const Setup& setup() {
  static const Setup s = [] {
    Setup out;
    const vinfer::model::QGraph g = test_graphs::small_mlp(1);
    const std::uint32_t batch = 2;
    out.c = build_circuit(g, batch).value();
    const WeightCommitment w = commit_weights(out.c, g);
    std::vector<std::int8_t> in(std::size_t{20} * batch);
    for (std::size_t i = 0; i < in.size(); ++i)
      in[i] = static_cast<std::int8_t>(static_cast<int>((i * 37) % 255) - 127);
    const auto values = test_graphs::forward(g, in, batch);
    out.st.weights_root = w.pcs.root;
    out.st.batch = batch;
    out.st.input = in;
    out.st.output = values[g.output];
    out.honest = graph_prove(out.c, g, w, out.st, values).value();
    return out;
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Setup& s = setup();
  if (size == 0)
    return 0;
  const std::span<const std::uint8_t> rest(data + 1, size - 1);
  if ((data[0] & 1) == 0) {
    auto f = parse_proof_file(rest);
    if (f.ok() && f->batch == s.st.batch)
      (void)graph_verify(s.c, s.st, f->body);
    (void)graph_verify(s.c, s.st, rest);
    return 0;
  }
  std::vector<std::uint8_t> proof = s.honest;
  for (std::size_t i = 0; i + 5 <= rest.size(); i += 5) {
    std::uint32_t off;
    std::memcpy(&off, rest.data() + i, 4);
    proof[off % proof.size()] ^= rest[i + 4];
  }
  const auto st = graph_verify(s.c, s.st, proof);
  // Any change at all must be rejected (a flip with xor 0 changes nothing).
  bool changed = false;
  for (std::size_t i = 0; i < proof.size() && !changed; ++i)
    changed = proof[i] != s.honest[i];
  if (changed && st.ok())
    __builtin_trap();
  if (!changed && !st.ok())
    __builtin_trap();
  return 0;
}
