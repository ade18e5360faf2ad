// BlobStore (blob_store.hpp): POSIX files, one per blob, written by temp file + fsync +
// rename, read back through keccak-256.
#include "vinfer/node/blob_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "vinfer/wire.hpp"

namespace vinfer::node {
namespace {

constexpr const char* kTmp = "tmp";
constexpr const char* kCorrupt = "corrupt";

std::string errno_text() {
  return std::strerror(errno);
}

Error store_error(const std::string& dir, const std::string& what) {
  return fail(Errc::io, "blob store " + dir + ": " + what);
}

// mkdir that is content with a folder already there.
bool make_dir(const std::string& path) {
  return ::mkdir(path.c_str(), 0755) == 0 || errno == EEXIST;
}

// A rename or a create in `dir` is durable once the folder itself is fsync'd.
bool sync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

bool write_all(int fd, std::span<const uint8_t> b) {
  while (!b.empty()) {
    const ssize_t n = ::write(fd, b.data(), b.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    b = b.subspan(static_cast<size_t>(n));
  }
  return true;
}

// The names of the entries of `dir` (without . and ..); empty if it cannot be read.
std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (!d)
    return names;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..")
      names.push_back(name);
  }
  ::closedir(d);
  return names;
}

// A blob's file name is exactly the lower-case hex that to_hex writes: no other spelling of
// the same hash may sit beside it as a second copy.
bool is_lower_hex(const std::string& s, size_t n) {
  if (s.size() != n)
    return false;
  for (char c : s)
    if (wire::hex_digit(c) < 0 || (c >= 'A' && c <= 'F'))
      return false;
  return true;
}

}  // namespace

std::string blob_name(const commit::Hash& h) {
  return "blob " + commit::to_hex(h);
}

BlobStore::BlobStore(std::string dir, const BlobStoreOptions& opts, int lock_fd)
    : dir_(std::move(dir)), opts_(opts), lock_fd_(lock_fd) {}

BlobStore::~BlobStore() {
  if (lock_fd_ >= 0)
    ::close(lock_fd_);  // releases the flock
}

Result<std::unique_ptr<BlobStore>> BlobStore::open(const std::string& dir,
                                                   const BlobStoreOptions& opts) {
  if (dir.empty())
    return fail(Errc::invalid_argument, "blob store: empty directory name");
  if (!make_dir(dir) || !make_dir(dir + "/" + kTmp) || !make_dir(dir + "/" + kCorrupt))
    return store_error(dir, "cannot create the directory: " + errno_text());
  const std::string lock_path = dir + "/LOCK";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return store_error(dir, "cannot open LOCK: " + errno_text());
  // One process (and one BlobStore) per directory: emptying tmp/ below would otherwise
  // delete another writer's blob in progress.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const bool held = errno == EWOULDBLOCK;
    const std::string why = errno_text();
    ::close(fd);
    return store_error(dir, held ? "in use (its LOCK is held by another open store)"
                                 : "cannot lock LOCK: " + why);
  }
  std::unique_ptr<BlobStore> s(new BlobStore(dir, opts, fd));
  // Whatever is in tmp/ was being written when a process died: never renamed, never a blob.
  const std::string tmp = dir + "/" + kTmp;
  for (const std::string& name : entries(tmp))
    if (::unlink((tmp + "/" + name).c_str()) != 0)
      return store_error(dir, "cannot remove the leftover " + tmp + "/" + name + ": " +
                                  errno_text());
  VINFER_CHECK(s->scan());
  return s;
}

Status BlobStore::scan() {
  for (const std::string& sub : entries(dir_)) {
    if (!is_lower_hex(sub, 2))
      continue;
    const std::string folder = dir_ + "/" + sub;
    for (const std::string& name : entries(folder)) {
      if (!is_lower_hex(name, 64) || name.compare(0, 2, sub) != 0)
        continue;
      struct stat st {};
      if (::stat((folder + "/" + name).c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        continue;
      auto h = commit::hash_from_hex(name);
      VINFER_ASSERT(h.ok());  // 64 hex digits
      index_[*h] = static_cast<uint64_t>(st.st_size);
    }
  }
  return ok_status();
}

std::string BlobStore::path_of(const commit::Hash& h) const {
  const std::string hex = commit::to_hex(h);
  return dir_ + "/" + hex.substr(0, 2) + "/" + hex;
}

Result<commit::Hash> BlobStore::put(std::span<const uint8_t> bytes) {
  return put_expecting(commit::keccak256(bytes), bytes);
}

Result<commit::Hash> BlobStore::put_expecting(const commit::Hash& expected,
                                              std::span<const uint8_t> bytes) {
  if (bytes.size() > opts_.max_blob_bytes)
    return fail(Errc::limit, blob_name(expected) + ": " + std::to_string(bytes.size()) +
                                 " bytes, over the limit of " +
                                 std::to_string(opts_.max_blob_bytes));
  const commit::Hash h = commit::keccak256(bytes);
  if (h != expected)
    return fail(Errc::mismatch, blob_name(expected) + ": the bytes sent have keccak " +
                                    commit::to_hex(h) + " (a blob is stored under its own hash only)");
  // A file of the right size is taken as the blob (get() checks it when read); one of another
  // size is a damaged copy, replaced atomically by the rename below.
  struct stat st {};
  if (::stat(path_of(h).c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<uint64_t>(st.st_size) == bytes.size()) {
    std::lock_guard<std::mutex> lock(mu_);
    index_[h] = bytes.size();
    return h;
  }
  VINFER_CHECK(write_blob(h, bytes));
  return h;
}

Status BlobStore::write_blob(const commit::Hash& h, std::span<const uint8_t> bytes) {
  const std::string hex = commit::to_hex(h);
  std::string tmp;
  {
    std::lock_guard<std::mutex> lock(mu_);
    tmp = dir_ + "/" + kTmp + "/" + hex + "." + std::to_string(next_tmp_++);
  }
  auto broken = [&](const std::string& step) {
    const Error e = fail(Errc::io, blob_name(h) + ": " + step + ": " + errno_text());
    ::unlink(tmp.c_str());
    return e;
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return broken("cannot create " + tmp);
  const bool written = write_all(fd, bytes);
  const bool synced = written && ::fsync(fd) == 0;
  if (!written || !synced) {
    const Error e = broken(written ? "fsync of " + tmp : "writing " + tmp);
    ::close(fd);
    return e;
  }
  if (::close(fd) != 0)
    return broken("closing " + tmp);
  const std::string folder = dir_ + "/" + hex.substr(0, 2);
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0) {
    if (!make_dir(folder) || !sync_dir(dir_))
      return broken("cannot create " + folder);
  }
  {
    // Under the lock: a get() that found a corrupt file moves it aside under the same lock,
    // so it can never move this good copy instead (it checks the inode it read).
    std::lock_guard<std::mutex> lock(mu_);
    if (::rename(tmp.c_str(), path_of(h).c_str()) != 0)
      return broken("renaming " + tmp + " onto " + path_of(h));
    index_[h] = bytes.size();
  }
  if (!sync_dir(folder))
    return fail(Errc::io, blob_name(h) + ": fsync of " + folder + ": " + errno_text());
  return ok_status();
}

Result<std::vector<uint8_t>> BlobStore::get(const commit::Hash& h) {
  const std::string path = path_of(h);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT)
      return fail(Errc::io, blob_name(h) + ": cannot open " + path + ": " + errno_text());
    std::lock_guard<std::mutex> lock(mu_);
    index_.erase(h);  // removed behind the store's back
    return fail(Errc::invalid_argument, blob_name(h) + ": not in the store");
  }
  std::vector<uint8_t> bytes;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0)
    bytes.reserve(static_cast<size_t>(st.st_size));
  uint8_t buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      const Error e = fail(Errc::io, blob_name(h) + ": reading " + path + ": " + errno_text());
      ::close(fd);
      return e;
    }
    if (n == 0)
      break;
    bytes.insert(bytes.end(), buf, buf + n);
  }
  const commit::Hash got = commit::keccak256(bytes);
  if (got != h) {
    quarantine(h, fd);
    ::close(fd);
    return fail(Errc::mismatch, blob_name(h) + ": the file holds " + std::to_string(bytes.size()) +
                                    " bytes whose keccak is " + commit::to_hex(got) +
                                    " (corrupted on disk; moved to " + dir_ + "/" + kCorrupt +
                                    "/)");
  }
  ::close(fd);
  return bytes;
}

void BlobStore::quarantine(const commit::Hash& h, int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string path = path_of(h);
  struct stat mine {};
  struct stat now {};
  // Only the file that was read: a put may have renamed a good copy onto the name since.
  if (::fstat(fd, &mine) != 0 || ::stat(path.c_str(), &now) != 0 || mine.st_ino != now.st_ino ||
      mine.st_dev != now.st_dev)
    return;
  // Nanoseconds: unique across restarts too, so an earlier corrupt copy is never overwritten.
  const auto stamp = std::chrono::system_clock::now().time_since_epoch().count();
  const std::string aside =
      dir_ + "/" + kCorrupt + "/" + commit::to_hex(h) + "." + std::to_string(stamp);
  if (::rename(path.c_str(), aside.c_str()) == 0)
    index_.erase(h);
}

bool BlobStore::has(const commit::Hash& h) const {
  std::lock_guard<std::mutex> lock(mu_);
  return index_.count(h) != 0;
}

Result<uint64_t> BlobStore::size(const commit::Hash& h) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(h);
  if (it == index_.end())
    return fail(Errc::invalid_argument, blob_name(h) + ": not in the store");
  return it->second;
}

std::vector<BlobInfo> BlobStore::list() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<BlobInfo> out;
  out.reserve(index_.size());
  for (const auto& [h, n] : index_)
    out.push_back({h, n});
  return out;
}

}  // namespace vinfer::node
