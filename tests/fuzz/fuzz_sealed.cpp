// libFuzzer target: opening sealed jobs (roles/sealed.hpp) — bytes from the ledger or a
// peer are untrusted. A fixed recipient key; the input is the sealed bytes, the first byte
// choosing the context. Nothing may crash, and nothing but seal()'s output may open.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "vinfer/roles/sealed.hpp"

using namespace vinfer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const roles::X25519KeyPair me = [] {
    std::array<uint8_t, 32> seed{};
    seed.fill(7);
    return roles::x25519_keypair_from_seed(seed);
  }();
  if (size < 1)
    return 0;
  const uint8_t ctx[1] = {data[0]};
  auto opened = roles::unseal({data + 1, size - 1}, me, {ctx, 1});
  // Forging an authenticated message without the sender's ephemeral secret is not
  // something a fuzzer can do; an opened input means the AEAD check is broken.
  if (opened.ok())
    std::abort();
  return 0;
}
