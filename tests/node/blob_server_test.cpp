// BlobServer over HTTP: PUT, GET and HEAD of /v1/blobs/<hash> round trip on loopback; a PUT
// whose bytes are not the blob of its path gets a 400 naming both hashes, a body over the
// limit a 413, a malformed hash a 400 naming what is wrong, an absent blob a 404 naming it,
// a corrupted copy a 500 (and is not served). Nothing refused is stored.
#include "vinfer/node/blob_server.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "node/blob_testing.hpp"
#include "vinfer/node/blob_path.hpp"

namespace vinfer::node {
namespace {

using commit::keccak256;
using commit::to_hex;
using nlohmann::json;
using namespace testing;

constexpr const char* kOctets = "application/octet-stream";

class BlobHttp : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }
  void start(const BlobServerOptions& opts) {
    server_.reset();
    store_.reset();
    BlobStoreOptions o;
    o.max_blob_bytes = 100000;
    store_ = open_store(dir_.path(), o);
    ASSERT_TRUE(store_);
    auto s = BlobServer::start(*store_, opts);
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    server_ = std::move(s).value();
    http_ = std::make_unique<httplib::Client>(server_->url());
  }

  std::string path(const std::vector<uint8_t>& b) { return blob_path(keccak256(b)); }
  httplib::Result put(const std::string& p, const std::vector<uint8_t>& b,
                      const char* type = kOctets) {
    return http_->Put(p.c_str(), reinterpret_cast<const char*>(b.data()), b.size(), type);
  }
  // The message of a JSON error reply (failing the test if it is not one).
  static std::string message(const httplib::Result& r) {
    if (!r)
      return "no reply: " + httplib::to_string(r.error());
    const json j = json::parse(r->body, nullptr, false);
    EXPECT_TRUE(j.is_object() && j.contains("error")) << r->body;
    if (!j.is_object() || !j.contains("error"))
      return "";
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
    return j["error"]["message"].get<std::string>();
  }

  TempDir dir_;
  std::unique_ptr<BlobStore> store_;
  std::unique_ptr<BlobServer> server_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(BlobHttp, ListensOnLoopbackOnAnOsChosenPort) {
  EXPECT_NE(server_->port(), 0);
  EXPECT_EQ(server_->url(), "http://127.0.0.1:" + std::to_string(server_->port()));
}

TEST_F(BlobHttp, PutGetHeadRoundTrip) {
  const auto bytes = some_bytes(70000);
  auto r = put(path(bytes), bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
  const json j = json::parse(r->body);
  EXPECT_EQ(j["hash"], to_hex(keccak256(bytes)));
  EXPECT_EQ(j["bytes"], bytes.size());
  EXPECT_TRUE(store_->has(keccak256(bytes)));
  r = put(path(bytes), bytes);  // already there
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);

  r = http_->Get(path(bytes).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), kOctets);
  EXPECT_EQ(std::vector<uint8_t>(r->body.begin(), r->body.end()), bytes);
  // Upper case and a 0x name the same blob.
  std::string upper = to_hex(keccak256(bytes));
  for (char& c : upper)
    c = static_cast<char>(std::toupper(c));
  r = http_->Get(("/v1/blobs/0x" + upper).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);

  r = http_->Head(path(bytes).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("X-Blob-Bytes"), std::to_string(bytes.size()));
  EXPECT_TRUE(r->body.empty());
  r = http_->Head(path(some_bytes(5, 9)).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);

  r = http_->Get("/v1/blobs");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const json list = json::parse(r->body)["blobs"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["hash"], to_hex(keccak256(bytes)));
  EXPECT_EQ(list[0]["bytes"], bytes.size());
}

TEST_F(BlobHttp, AbsentBlobIs404NamingIt) {
  const auto h = keccak256(std::string_view("nobody has this"));
  auto r = http_->Get(blob_path(h).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(message(r), "blob " + to_hex(h) + ": not in the store");
}

TEST_F(BlobHttp, WrongHashPutIs400NamingBoth) {
  const auto bytes = some_bytes(1000), other = some_bytes(1000, 2);
  auto r = put(path(other), bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  const std::string m = message(r);
  EXPECT_NE(m.find(to_hex(keccak256(other))), std::string::npos) << m;
  EXPECT_NE(m.find(to_hex(keccak256(bytes))), std::string::npos) << m;
  EXPECT_TRUE(store_->list().empty());
}

TEST_F(BlobHttp, OversizeBodyIs413) {
  const auto bytes = some_bytes(100001);
  auto r = put(path(bytes), bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  const std::string m = message(r);
  EXPECT_NE(m.find("over the blob limit of 100000 bytes"), std::string::npos) << m;
  EXPECT_NE(m.find(to_hex(keccak256(bytes))), std::string::npos) << m;
  EXPECT_TRUE(store_->list().empty());
  // At the limit is fine.
  const auto most = some_bytes(100000);
  r = put(path(most), most);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
}

TEST_F(BlobHttp, FormEncodedPutGetsTheContentTypeToUse) {
  // What curl --data-binary sends unless told otherwise: httplib caps it at 8 KiB.
  const auto bytes = some_bytes(20000);
  auto r = put(path(bytes), bytes, "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(message(r).find("send Content-Type: application/octet-stream"), std::string::npos);
}

TEST_F(BlobHttp, MalformedHashIs400) {
  const std::string good = to_hex(keccak256(std::string_view("x")));
  const std::pair<std::string, std::string> cases[] = {
      {"/v1/blobs/", "the hash has 0 characters, not 64 hex digits"},
      {"/v1/blobs/abc", "the hash has 3 characters, not 64 hex digits"},
      {"/v1/blobs/" + good + "0", "the hash has 65 characters, not 64 hex digits"},
      {"/v1/blobs/" + good.substr(0, 10) + "g" + good.substr(11),
       "character 10 of the hash is not a hex digit"},
      {"/v1/blobs/0x" + good.substr(0, 63) + "z",
       "character 65 of the hash is not a hex digit"},
  };
  for (const auto& [p, why] : cases) {
    for (const bool is_put : {false, true}) {
      auto r = is_put ? put(p, {1, 2, 3}) : http_->Get(p.c_str());
      ASSERT_TRUE(r) << p;
      EXPECT_EQ(r->status, 400) << p;
      EXPECT_EQ(message(r), "blob path: " + why) << p;
    }
  }
  EXPECT_TRUE(store_->list().empty());
  // A path with more segments is no blob route at all.
  auto r = http_->Get(("/v1/blobs/" + good + "/more").c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(message(r).find("GET, HEAD and PUT /v1/blobs/<64 hex digits>"), std::string::npos);
}

TEST_F(BlobHttp, CorruptedCopyIs500AndNotServed) {
  const auto bytes = some_bytes(3000);
  const auto h = *store_->put(bytes);
  auto damaged = bytes;
  damaged[0] ^= 0x80;
  write_file(store_->path_of(h), damaged);
  auto r = http_->Get(blob_path(h).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(message(r).find("corrupted on disk"), std::string::npos);
  r = http_->Get(blob_path(h).c_str());  // now moved aside
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

TEST_F(BlobHttp, ServeOnlyNodeRefusesPut) {
  BlobServerOptions o;
  o.accept_puts = false;
  start(o);
  const auto bytes = some_bytes(10);
  auto r = put(path(bytes), bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_NE(message(r).find("does not accept PUT"), std::string::npos);
  EXPECT_TRUE(store_->list().empty());
}

}  // namespace
}  // namespace vinfer::node
