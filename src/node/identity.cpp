// A node's keys on disk (identity.hpp).
#include "vinfer/node/identity.hpp"

#include <fcntl.h>
#include <secp256k1.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "vinfer/wire.hpp"

namespace vinfer::node {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

// "0600"-style octal of a mode's permission bits.
std::string octal(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

std::string hex_line(std::span<const uint8_t> b) {
  return wire::hex_of(b) + "\n";
}

// Writes one secret file: O_EXCL (never over an existing key), mode 0600, fsync'd.
Status write_secret(const std::string& path, std::span<const uint8_t> bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return fail(Errc::invalid_argument,
                  path + " exists already: a node's keys are never overwritten");
    return fail(Errc::io, "cannot create " + path + ": " + errno_text());
  }
  const std::string text = hex_line(bytes);
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok)
    return fail(Errc::io, "cannot write " + path + ": " + errno_text());
  return ok_status();
}

// Reads one secret file of 64 hex digits, refusing one that others may read.
Result<std::array<uint8_t, 32>> read_secret(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(Errc::io, "cannot open " + path + ": " + errno_text());
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return fail(Errc::io, "cannot stat " + path + ": " + errno_text());
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return fail(Errc::invalid_argument, path + " has mode " + octal(st.st_mode) +
                                            ": a secret key must be readable by its owner "
                                            "only (chmod 600 " + path + ")");
  }
  char buf[80];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n < 0)
    return fail(Errc::io, "cannot read " + path + ": " + errno_text());
  std::string_view text(buf, static_cast<size_t>(n));
  if (!text.empty() && text.back() == '\n')
    text.remove_suffix(1);
  if (text.size() != 64)
    return fail(Errc::parse, path + ": " + std::to_string(text.size()) +
                                 " characters, not 64 hex digits");
  std::array<uint8_t, 32> out{};
  for (size_t i = 0; i < 64; ++i) {
    const int d = wire::hex_digit(text[i]);
    if (d < 0)
      return fail(Errc::parse, path + ": character " + std::to_string(i) + " is not a hex digit");
    out[i / 2] = static_cast<uint8_t>(i % 2 ? out[i / 2] | d : d << 4);
  }
  return out;
}

const secp256k1_context* secp() {
  static secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  return ctx;
}

Result<NodeIdentity> derive(const std::array<uint8_t, 32>& chain,
                            const std::array<uint8_t, 32>& sealing_seed,
                            const std::array<uint8_t, 32>& role) {
  NodeIdentity id;
  id.chain_secret = chain;
  VINFER_TRY(id.address, address_of_secret(chain));
  id.sealing = roles::x25519_keypair_from_seed(sealing_seed);
  std::memcpy(id.role_secret.data(), role.data(), 32);
  return id;
}

}  // namespace

Result<ledger::Address> address_of_secret(const std::array<uint8_t, 32>& secret) {
  secp256k1_pubkey pk;
  if (!secp256k1_ec_pubkey_create(secp(), &pk, secret.data()))
    return fail(Errc::invalid_argument,
                "not a secp256k1 secret key (zero, or not below the group order)");
  uint8_t ser[65];
  size_t len = sizeof ser;
  secp256k1_ec_pubkey_serialize(secp(), ser, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
  const commit::Hash h = commit::keccak256(std::span<const uint8_t>(ser + 1, 64));
  ledger::Address a;
  std::memcpy(a.data(), h.data() + 12, 20);
  return a;
}

Result<NodeIdentity> create_identity(const std::string& dir) {
  if (sodium_init() < 0)
    return fail(Errc::io, "libsodium could not be initialised");
  const std::string keys = dir + "/keys";
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return fail(Errc::io, "cannot create " + dir + ": " + errno_text());
  if (::mkdir(keys.c_str(), 0700) != 0 && errno != EEXIST)
    return fail(Errc::io, "cannot create " + keys + ": " + errno_text());
  std::array<uint8_t, 32> chain{}, sealing{}, role{};
  do
    randombytes_buf(chain.data(), chain.size());
  while (!address_of_secret(chain).ok());  // a random 256-bit value is almost never out of range
  randombytes_buf(sealing.data(), sealing.size());
  randombytes_buf(role.data(), role.size());
  VINFER_CHECK(write_secret(dir + "/" + kChainKeyFile, chain));
  VINFER_CHECK(write_secret(dir + "/" + kSealingKeyFile, sealing));
  VINFER_CHECK(write_secret(dir + "/" + kRoleSecretFile, role));
  return derive(chain, sealing, role);
}

Result<NodeIdentity> load_identity(const std::string& dir) {
  VINFER_TRY(const auto chain, read_secret(dir + "/" + kChainKeyFile));
  VINFER_TRY(const auto sealing, read_secret(dir + "/" + kSealingKeyFile));
  VINFER_TRY(const auto role, read_secret(dir + "/" + kRoleSecretFile));
  auto id = derive(chain, sealing, role);
  if (!id)
    return fail(id.error().code, dir + "/" + kChainKeyFile + ": " + id.error().message);
  return id;
}

}  // namespace vinfer::node
