// A node's blobs by content hash (issue 7, DESIGN §2 "blob store"): models, job inputs,
// outputs and trace chunks kept on disk under their keccak-256 (commit/keccak.hpp), so that
// any peer can serve them and anyone can check what it got.
//
// Layout of a store directory:
//   LOCK                 flock'd by the one process that has the store open
//   ab/abcd…ef           a blob, named by the 64 hex digits of its hash, under its first two
//   tmp/…                writes in progress; emptied when the store is opened
//   corrupt/abcd…ef.N    files whose bytes no longer hash to their name, moved aside
//
// A blob is written to tmp/, fsync'd, renamed onto its name and its folder fsync'd, so a
// kill -9 or a power cut leaves either the whole blob under its name or nothing there (and
// at most a stray file in tmp/, removed at the next open). Every read hashes the bytes it
// read: a file changed on disk is reported and moved to corrupt/, never served, and the
// hash can then be fetched again.
//
// Thread-safe: any number of threads may put and get at once, the same blob included.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "vinfer/commit/keccak.hpp"
#include "vinfer/result.hpp"

namespace vinfer::node {

/// How a BlobStore is opened.
struct BlobStoreOptions {
  size_t max_blob_bytes = size_t{64} << 20;  ///< larger blobs are refused (Errc::limit)
};

/// One present blob: its hash and size in bytes.
struct BlobInfo {
  commit::Hash hash;
  uint64_t bytes = 0;
};

/// Content-addressed blobs in one directory.
///
/// Error codes of get(): Errc::invalid_argument for a hash not in the store, Errc::mismatch
/// for a file whose bytes do not hash to its name (now moved aside), Errc::io for a file
/// that cannot be read. Every message starts "blob <hex>:".
class BlobStore {
 public:
  /// Opens (creating if needed) the store in `dir`, takes its lock (a second open of the
  /// same directory, in this process or another, fails until the first is closed), empties
  /// tmp/ and indexes the blobs present. Names that are not a blob's are left alone.
  static Result<std::unique_ptr<BlobStore>> open(const std::string& dir,
                                                 const BlobStoreOptions& opts = {});
  /// Releases the lock.
  ~BlobStore();
  BlobStore(const BlobStore&) = delete;
  BlobStore& operator=(const BlobStore&) = delete;

  /// Stores `bytes` durably and returns their keccak-256. A blob already present is not
  /// written again. Errc::limit over max_blob_bytes; Errc::io if the disk refuses.
  Result<commit::Hash> put(std::span<const uint8_t> bytes);
  /// As put, for a caller that was told the hash: Errc::mismatch (naming both) if `bytes`
  /// hash to something else, and nothing is stored.
  Result<commit::Hash> put_expecting(const commit::Hash& expected, std::span<const uint8_t> bytes);

  /// The bytes of blob `h`, checked against `h` (error codes above).
  Result<std::vector<uint8_t>> get(const commit::Hash& h);
  /// Whether blob `h` is in the index (its bytes are checked only when read).
  bool has(const commit::Hash& h) const;
  /// The size of blob `h`, or Errc::invalid_argument if it is not present.
  Result<uint64_t> size(const commit::Hash& h) const;
  /// Every blob present, in hash order.
  std::vector<BlobInfo> list() const;

  /// The directory it was opened on.
  const std::string& dir() const { return dir_; }
  /// The per-blob size limit.
  size_t max_blob_bytes() const { return opts_.max_blob_bytes; }
  /// The path a blob `h` is (or would be) stored at.
  std::string path_of(const commit::Hash& h) const;

 private:
  BlobStore(std::string dir, const BlobStoreOptions& opts, int lock_fd);
  Status scan();
  Status write_blob(const commit::Hash& h, std::span<const uint8_t> bytes);
  void quarantine(const commit::Hash& h, int fd);

  std::string dir_;
  BlobStoreOptions opts_;
  int lock_fd_ = -1;
  // Guards index_ and next_tmp_, and orders a rename onto a blob's name against moving a
  // corrupt file under that name aside.
  mutable std::mutex mu_;
  std::map<commit::Hash, uint64_t> index_;  // hash -> bytes
  uint64_t next_tmp_ = 0;
};

/// "blob <64 hex digits>" — how every message about one blob starts.
std::string blob_name(const commit::Hash& h);

}  // namespace vinfer::node
