// BlobFetcher against real peers on loopback: a peer that serves other bytes is skipped and
// named as a liar, the next honest one's bytes are kept; when every peer fails, the error
// lists each one and why; a slow peer times out, an oversize one is cut off; a good local
// copy is used without asking anyone, a corrupted one is fetched again.
#include "vinfer/node/blob_fetcher.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <thread>

#include "node/blob_testing.hpp"
#include "vinfer/node/blob_server.hpp"

namespace vinfer::node {
namespace {

using commit::keccak256;
using commit::to_hex;
using namespace testing;
using namespace std::chrono_literals;

// A peer that answers every GET with `body`, after `delay`: a liar, or a slow one.
class FakePeer {
 public:
  explicit FakePeer(std::string body, std::chrono::milliseconds delay = 0ms) {
    http_.Get(".*", [body = std::move(body), delay](const httplib::Request&,
                                                     httplib::Response& res) {
      std::this_thread::sleep_for(delay);
      res.set_content(body, "application/octet-stream");
    });
    port_ = http_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running())
      std::this_thread::sleep_for(1ms);
  }
  ~FakePeer() {
    http_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server http_;
  std::thread thread_;
  int port_ = 0;
};

// A peer: a store of its own behind a BlobServer.
struct Peer {
  explicit Peer(const BlobStoreOptions& o = {}) {
    store = open_store(dir.path(), o);
    auto s = BlobServer::start(*store);
    EXPECT_TRUE(s.ok()) << s.error().to_string();
    server = std::move(s).value();
  }
  std::string url() const { return server->url(); }
  TempDir dir;
  std::unique_ptr<BlobStore> store;
  std::unique_ptr<BlobServer> server;
};

// A URL where nothing listens: a server's, once it has stopped.
std::string closed_url() {
  Peer p;
  const std::string url = p.url();
  p.server->stop();
  return url;
}

TEST(BlobFetcher, SkipsALyingPeerThenTakesAnHonestOne) {
  const auto blob = some_bytes(50000);
  const auto h = keccak256(blob);
  const std::string lie = "these are not the bytes you are looking for";
  FakePeer liar(lie);
  Peer honest;
  ASSERT_TRUE(honest.store->put(blob).ok());
  TempDir mine;
  auto store = open_store(mine.path());
  ASSERT_TRUE(store);
  BlobFetcher fetcher(*store);

  const std::string down = closed_url();
  const std::vector<std::string> peers = {down, liar.url(), honest.url()};
  auto got = fetcher.fetch(h, peers);
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(got->bytes, blob);
  EXPECT_EQ(got->peer, honest.url());
  ASSERT_EQ(got->skipped.size(), 2u);
  EXPECT_EQ(got->skipped[0].peer, down);
  EXPECT_FALSE(got->skipped[0].lied);
  EXPECT_EQ(got->skipped[1].peer, liar.url());
  EXPECT_TRUE(got->skipped[1].lied);
  EXPECT_EQ(got->skipped[1].error.code, Errc::mismatch);
  const auto lie_hash = keccak256(std::string_view(lie));
  EXPECT_EQ(got->skipped[1].error.message, "peer " + liar.url() + ": served " +
                                               std::to_string(lie.size()) +
                                               " bytes whose keccak is " + to_hex(lie_hash));
  // Kept: the next fetch asks nobody.
  EXPECT_EQ(*store->get(h), blob);
  auto again = fetcher.fetch(h, std::vector<std::string>{liar.url()});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->peer, "");
  EXPECT_TRUE(again->skipped.empty());
  // The lie was never stored under any name.
  EXPECT_FALSE(store->has(lie_hash));
  EXPECT_EQ(store->list().size(), 1u);
}

TEST(BlobFetcher, WhenEveryPeerFailsTheErrorListsEach) {
  const auto h = keccak256(some_bytes(100));
  FakePeer liar("lies");
  Peer empty;
  TempDir mine;
  auto store = open_store(mine.path());
  ASSERT_TRUE(store);
  BlobFetcher fetcher(*store);
  const std::string down = closed_url();
  const std::vector<std::string> peers = {liar.url(), empty.url(), down, "nonsense"};
  auto got = fetcher.fetch(h, peers);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, Errc::io);
  const std::string& m = got.error().message;
  EXPECT_EQ(m.rfind("blob " + to_hex(h) + ": no peer served it (4 peers tried); ", 0), 0u) << m;
  EXPECT_NE(m.find("peer " + liar.url() + ": served 4 bytes whose keccak is"), std::string::npos)
      << m;
  EXPECT_NE(m.find("peer " + empty.url() + ": HTTP 404: blob " + to_hex(h) + ": not in the store"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("peer " + down + ": GET /v1/blobs/" + to_hex(h) + ": "), std::string::npos)
      << m;
  EXPECT_NE(m.find("peer nonsense: not a base URL"), std::string::npos) << m;
  EXPECT_TRUE(store->list().empty());

  auto none = fetcher.fetch(h, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, Errc::invalid_argument);
}

TEST(BlobFetcher, SlowPeerTimesOut) {
  const auto blob = some_bytes(1000);
  FakePeer slow(std::string(blob.begin(), blob.end()), 1500ms);
  Peer honest;
  ASSERT_TRUE(honest.store->put(blob).ok());
  TempDir mine;
  auto store = open_store(mine.path());
  ASSERT_TRUE(store);
  BlobFetcherOptions o;
  o.read_timeout = 200ms;
  BlobFetcher fetcher(*store, o);
  const auto start = std::chrono::steady_clock::now();
  auto got = fetcher.fetch(keccak256(blob), std::vector<std::string>{slow.url(), honest.url()});
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1400ms);
  EXPECT_EQ(got->peer, honest.url());
  ASSERT_EQ(got->skipped.size(), 1u);
  EXPECT_NE(got->skipped[0].error.message.find("Read"), std::string::npos)
      << got->skipped[0].error.message;
}

TEST(BlobFetcher, OversizeReplyIsCutOff) {
  BlobStoreOptions small;
  small.max_blob_bytes = 1000;
  FakePeer big(std::string(200000, 'x'));
  TempDir mine;
  auto store = open_store(mine.path(), small);
  ASSERT_TRUE(store);
  BlobFetcher fetcher(*store);
  auto got = fetcher.fetch(keccak256(some_bytes(10)), std::vector<std::string>{big.url()});
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("the blob is 200000 bytes, over the limit of 1000"),
            std::string::npos)
      << got.error().message;
}

TEST(BlobFetcher, CorruptedLocalCopyIsFetchedAgain) {
  const auto blob = some_bytes(2000);
  const auto h = keccak256(blob);
  Peer honest;
  ASSERT_TRUE(honest.store->put(blob).ok());
  TempDir mine;
  auto store = open_store(mine.path());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->put(blob).ok());
  auto damaged = blob;
  damaged[7] ^= 1;
  write_file(store->path_of(h), damaged);
  BlobFetcher fetcher(*store);
  auto got = fetcher.fetch(h, std::vector<std::string>{honest.url()});
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(got->peer, honest.url());
  EXPECT_EQ(*store->get(h), blob);
}

TEST(BlobFetcher, BaseUrlWithAPathPrefix) {
  // A peer behind a prefix: the fetcher asks for <prefix>/v1/blobs/<hash>.
  const auto blob = some_bytes(100);
  const auto h = keccak256(blob);
  httplib::Server http;
  std::string asked;
  http.Get(".*", [&](const httplib::Request& req, httplib::Response& res) {
    asked = req.path;
    res.set_content(std::string(blob.begin(), blob.end()), "application/octet-stream");
  });
  const int port = http.bind_to_any_port("127.0.0.1");
  std::thread t([&] { http.listen_after_bind(); });
  while (!http.is_running())
    std::this_thread::sleep_for(1ms);
  TempDir mine;
  auto store = open_store(mine.path());
  BlobFetcher fetcher(*store);
  auto got = fetcher.fetch(
      h, std::vector<std::string>{"http://127.0.0.1:" + std::to_string(port) + "/node7/"});
  http.stop();
  t.join();
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(asked, "/node7/v1/blobs/" + to_hex(h));
}

}  // namespace
}  // namespace vinfer::node
