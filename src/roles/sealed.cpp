// Sealed jobs (sealed.hpp), on libsodium.
#include "vinfer/roles/sealed.hpp"

#include <sodium.h>

#include <cstring>
#include <string_view>

namespace vinfer::roles {
namespace {

constexpr std::string_view kMagic = "VSL1";
constexpr std::string_view kKdfLabel = "vinfer-seal-v1";
constexpr size_t kPk = crypto_scalarmult_BYTES;
constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kPk == 32 && crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32);

void init() {
  static const bool ok = sodium_init() >= 0;
  VINFER_ASSERT(ok);
}

// The AEAD key from the shared secret, bound to both public keys; false for a
// low-order recipient key (the shared secret would be all zero).
bool derive(const uint8_t* my_sk,
            const uint8_t* their_pk,
            const uint8_t* epk,
            const uint8_t* rpk,
            uint8_t key[32]) {
  uint8_t shared[kPk];
  if (crypto_scalarmult(shared, my_sk, their_pk) != 0)
    return false;
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(kKdfLabel.data()),
                            kKdfLabel.size());
  crypto_generichash_update(&st, shared, kPk);
  crypto_generichash_update(&st, epk, kPk);
  crypto_generichash_update(&st, rpk, kPk);
  crypto_generichash_final(&st, key, 32);
  sodium_memzero(shared, sizeof shared);
  return true;
}

std::vector<uint8_t> associated(const uint8_t* epk,
                                const uint8_t* rpk,
                                std::span<const uint8_t> context) {
  std::vector<uint8_t> ad(kMagic.begin(), kMagic.end());
  ad.insert(ad.end(), epk, epk + kPk);
  ad.insert(ad.end(), rpk, rpk + kPk);
  ad.insert(ad.end(), context.begin(), context.end());
  return ad;
}

}  // namespace

X25519KeyPair x25519_keypair() {
  init();
  X25519KeyPair k;
  crypto_box_keypair(k.pk.data(), k.sk.data());
  return k;
}

X25519KeyPair x25519_keypair_from_seed(std::span<const uint8_t, 32> seed) {
  init();
  X25519KeyPair k;
  crypto_box_seed_keypair(k.pk.data(), k.sk.data(), seed.data());
  return k;
}

std::vector<uint8_t> seal(std::span<const uint8_t> plaintext,
                          const std::array<uint8_t, 32>& recipient,
                          std::span<const uint8_t> context) {
  init();
  const X25519KeyPair eph = x25519_keypair();
  std::vector<uint8_t> out(kMagic.size() + kPk + kNonce + plaintext.size() + kTag);
  std::memcpy(out.data(), kMagic.data(), kMagic.size());
  uint8_t* epk = out.data() + kMagic.size();
  uint8_t* nonce = epk + kPk;
  std::memcpy(epk, eph.pk.data(), kPk);
  randombytes_buf(nonce, kNonce);
  uint8_t key[32];
  // A low-order recipient key gives no usable secret; seal under a random key, so the
  // message is unreadable by anyone (as it must be) rather than readable by everyone.
  if (!derive(eph.sk.data(), recipient.data(), epk, recipient.data(), key))
    randombytes_buf(key, sizeof key);
  const auto ad = associated(epk, recipient.data(), context);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonce, &clen, plaintext.data(),
                                             plaintext.size(), ad.data(), ad.size(), nullptr, nonce,
                                             key);
  sodium_memzero(key, sizeof key);
  VINFER_ASSERT(clen == plaintext.size() + kTag);
  return out;
}

Result<std::vector<uint8_t>> unseal(std::span<const uint8_t> sealed,
                                    const X25519KeyPair& me,
                                    std::span<const uint8_t> context) {
  init();
  const size_t head = kMagic.size() + kPk + kNonce;
  if (sealed.size() < head + kTag)
    return fail(Errc::truncated, "sealed job: " + std::to_string(sealed.size()) +
                                     " bytes, at least " + std::to_string(head + kTag) + " needed");
  if (std::memcmp(sealed.data(), kMagic.data(), kMagic.size()) != 0)
    return fail(Errc::parse, "sealed job: bad magic at offset 0 (expected \"VSL1\")");
  const uint8_t* epk = sealed.data() + kMagic.size();
  const uint8_t* nonce = epk + kPk;
  uint8_t key[32];
  if (!derive(me.sk.data(), epk, epk, me.pk.data(), key))
    return fail(Errc::invalid_argument,
                "sealed job: the ephemeral key at offset 4 is a low-order point");
  const auto ad = associated(epk, me.pk.data(), context);
  std::vector<uint8_t> out(sealed.size() - head - kTag);
  unsigned long long mlen = 0;
  const int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &mlen, nullptr,
                                                            nonce + kNonce, sealed.size() - head,
                                                            ad.data(), ad.size(), nonce, key);
  sodium_memzero(key, sizeof key);
  if (rc != 0)
    return fail(Errc::mismatch,
                "sealed job: authentication failed (another recipient, another context, or "
                "altered bytes)");
  return out;
}

}  // namespace vinfer::roles
