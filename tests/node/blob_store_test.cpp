// BlobStore on disk: blobs come back as they went in and across a reopen; a file changed
// on disk is reported (naming the hash) and moved aside, never served; bytes under the
// wrong hash or over the limit are refused with nothing stored; concurrent puts of one
// blob leave one good copy; and neither a crash's leftover temp file nor a kill -9 in the
// middle of writing ever shows up as a blob.
#include "vinfer/node/blob_store.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "node/blob_testing.hpp"

namespace vinfer::node {
namespace {

using commit::keccak256;
using commit::to_hex;
using namespace testing;

TEST(BlobStore, RoundTripAndReopen) {
  TempDir dir;
  const auto a = some_bytes(1000, 1), b = some_bytes(0, 2), c = some_bytes(70000, 3);
  {
    auto s = open_store(dir.path());
    ASSERT_TRUE(s);
    for (const auto* bytes : {&a, &b, &c}) {
      auto h = s->put(*bytes);
      ASSERT_TRUE(h.ok()) << h.error().to_string();
      EXPECT_EQ(*h, keccak256(*bytes));
      EXPECT_TRUE(s->has(*h));
      EXPECT_EQ(*s->size(*h), bytes->size());
      auto got = s->get(*h);
      ASSERT_TRUE(got.ok()) << got.error().to_string();
      EXPECT_EQ(*got, *bytes);
    }
    EXPECT_EQ(s->list().size(), 3u);
    // The same bytes again: the same hash, one copy.
    EXPECT_EQ(*s->put(a), keccak256(a));
    EXPECT_EQ(s->list().size(), 3u);
    EXPECT_EQ(read_file(s->path_of(keccak256(a))), a);
  }
  auto s = open_store(dir.path());
  ASSERT_TRUE(s);
  const auto listed = s->list();
  ASSERT_EQ(listed.size(), 3u);
  for (size_t i = 1; i < listed.size(); ++i)
    EXPECT_LT(listed[i - 1].hash, listed[i].hash);
  for (const auto* bytes : {&a, &b, &c})
    EXPECT_EQ(*s->get(keccak256(*bytes)), *bytes);
}

TEST(BlobStore, MissingBlobIsNamed) {
  TempDir dir;
  auto s = open_store(dir.path());
  ASSERT_TRUE(s);
  const auto h = keccak256(std::string_view("absent"));
  EXPECT_FALSE(s->has(h));
  auto got = s->get(h);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, Errc::invalid_argument);
  EXPECT_EQ(got.error().message, "blob " + to_hex(h) + ": not in the store");
  EXPECT_FALSE(s->size(h).ok());
}

TEST(BlobStore, CorruptedOnDiskIsReportedNotServed) {
  TempDir dir;
  auto s = open_store(dir.path());
  ASSERT_TRUE(s);
  const auto bytes = some_bytes(5000);
  const auto h = *s->put(bytes);
  auto damaged = bytes;
  damaged[1234] ^= 0x01;  // one bit, same size: only the hash can tell
  write_file(s->path_of(h), damaged);

  auto got = s->get(h);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, Errc::mismatch);
  EXPECT_NE(got.error().message.find("blob " + to_hex(h)), std::string::npos);
  EXPECT_NE(got.error().message.find(to_hex(keccak256(damaged))), std::string::npos);
  EXPECT_NE(got.error().message.find("corrupted on disk"), std::string::npos);
  // Moved aside, kept for a look, and no longer listed.
  EXPECT_FALSE(s->has(h));
  EXPECT_EQ(names_in(dir / "corrupt").size(), 1u);
  EXPECT_EQ(read_file(dir / ("corrupt/" + names_in(dir / "corrupt")[0])), damaged);
  EXPECT_EQ(s->get(h).error().code, Errc::invalid_argument);
  // The good bytes can be stored again.
  ASSERT_TRUE(s->put(bytes).ok());
  EXPECT_EQ(*s->get(h), bytes);
}

TEST(BlobStore, TruncatedOnDiskIsReplacedByTheNextPut) {
  TempDir dir;
  auto s = open_store(dir.path());
  ASSERT_TRUE(s);
  const auto bytes = some_bytes(5000);
  const auto h = *s->put(bytes);
  write_file(s->path_of(h), {bytes.begin(), bytes.begin() + 100});
  // A put sees a copy of the wrong size and writes the blob again.
  ASSERT_TRUE(s->put(bytes).ok());
  EXPECT_EQ(*s->get(h), bytes);
}

TEST(BlobStore, WrongHashIsRefusedNamingBoth) {
  TempDir dir;
  auto s = open_store(dir.path());
  ASSERT_TRUE(s);
  const auto bytes = some_bytes(300);
  const auto claimed = keccak256(std::string_view("something else"));
  auto r = s->put_expecting(claimed, bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::mismatch);
  EXPECT_NE(r.error().message.find(to_hex(claimed)), std::string::npos);
  EXPECT_NE(r.error().message.find(to_hex(keccak256(bytes))), std::string::npos);
  EXPECT_TRUE(s->list().empty());
  EXPECT_TRUE(names_in(dir / "tmp").empty());
}

TEST(BlobStore, OverTheLimitIsRefused) {
  TempDir dir;
  BlobStoreOptions o;
  o.max_blob_bytes = 64;
  auto s = open_store(dir.path(), o);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->put(some_bytes(64)).ok());
  auto r = s->put(some_bytes(65));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::limit);
  EXPECT_NE(r.error().message.find("65 bytes, over the limit of 64"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(s->list().size(), 1u);
}

TEST(BlobStore, SecondOpenOfOneDirectoryIsRefused) {
  TempDir dir;
  auto s = open_store(dir.path());
  ASSERT_TRUE(s);
  auto again = BlobStore::open(dir.path());
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("in use"), std::string::npos) << again.error().message;
  s.reset();
  EXPECT_TRUE(BlobStore::open(dir.path()).ok());
}

TEST(BlobStore, ConcurrentPutsOfTheSameBlob) {
  TempDir dir;
  auto s = open_store(dir.path());
  ASSERT_TRUE(s);
  const auto bytes = some_bytes(1 << 20);
  const auto h = keccak256(bytes);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 4; ++i) {
        auto r = s->put(bytes);
        if (!r.ok() || *r != h)
          ++failures;
        // Reads in between see the whole blob or none of it, never part.
        auto got = s->get(h);
        if (got.ok() ? *got != bytes : got.error().code != Errc::invalid_argument)
          ++failures;
        if (!s->put(some_bytes(100, 10 + t)).ok())
          ++failures;
      }
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(*s->get(h), bytes);
  EXPECT_EQ(s->list().size(), 9u);
  EXPECT_TRUE(names_in(dir / "tmp").empty());
}

TEST(BlobStore, CrashLeftoverTempFileIsIgnoredAndCleaned) {
  TempDir dir;
  const auto kept = some_bytes(400, 1), lost = some_bytes(4000, 2);
  std::string leftover;
  {
    auto s = open_store(dir.path());
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->put(kept).ok());
    // What a process killed between write and rename leaves: half a blob in tmp/, named
    // after its hash. Plus a name in a blob folder that is not a blob's.
    leftover = dir / ("tmp/" + to_hex(keccak256(lost)) + ".0");
    write_file(leftover, {lost.begin(), lost.begin() + 1000});
    write_file(dir / "README", {'h', 'i'});
  }
  auto s = open_store(dir.path());
  ASSERT_TRUE(s);
  EXPECT_TRUE(names_in(dir / "tmp").empty());
  EXPECT_FALSE(s->has(keccak256(lost)));
  ASSERT_EQ(s->list().size(), 1u);
  EXPECT_EQ(s->list()[0].hash, keccak256(kept));
  // The blob the crash lost is simply absent, and can be put again.
  ASSERT_TRUE(s->put(lost).ok());
  EXPECT_EQ(*s->get(keccak256(lost)), lost);
}

// Files under the blob folders (ab/abcd...), whole or not.
size_t blob_files(const std::string& dir) {
  size_t n = 0;
  for (const std::string& sub : names_in(dir))
    if (sub.size() == 2)
      n += names_in(dir + "/" + sub).size();
  return n;
}

TEST(BlobStore, KillNineWhileWritingLeavesOnlyWholeBlobs) {
  TempDir dir;
  constexpr size_t kBlob = size_t{256} << 10;
  // Rounds of: a child writes distinct blobs until it is killed at some point of a write;
  // the store reopens with every blob whole. Until a few kills have landed between a temp
  // file's creation and its rename (about half of them do), at most 40 rounds.
  int mid_write = 0;
  size_t blobs = 0;
  for (uint32_t round = 0; round < 40 && mid_write < 3; ++round) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto s = BlobStore::open(dir.path());
      if (!s.ok())
        _exit(2);
      for (uint32_t i = 0;; ++i)
        if (!(*s)->put(some_bytes(kBlob, round << 16 | i)).ok())
          _exit(3);
    }
    // Once it has written a couple of blobs, at a point that varies from round to round.
    for (int i = 0; i < 5000 && blob_files(dir.path()) < blobs + 2; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::microseconds(round * 997 % 20000));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child stopped by itself: " << status;
    mid_write += names_in(dir / "tmp").empty() ? 0 : 1;

    auto s = open_store(dir.path());  // the dead child's lock went with it
    ASSERT_TRUE(s);
    EXPECT_TRUE(names_in(dir / "tmp").empty());
    const auto listed = s->list();
    EXPECT_GT(listed.size(), blobs);
    for (const BlobInfo& b : listed) {
      auto got = s->get(b.hash);
      ASSERT_TRUE(got.ok()) << got.error().to_string();
      EXPECT_EQ(got->size(), kBlob);
    }
    blobs = listed.size();
  }
  EXPECT_GT(mid_write, 0) << "no kill landed in the middle of a write";
}

}  // namespace
}  // namespace vinfer::node
