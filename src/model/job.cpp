// Job canonical bytes, id and validation.
#include "vinfer/model/job.hpp"

#include <string>

#include "vinfer/arith/formats.hpp"

namespace vinfer::model {
namespace {
constexpr uint8_t kMagic[4] = {'V', 'J', 'O', 'B'};
constexpr uint8_t kVersion = 1;
constexpr size_t kMaxPromptTokens = 1u << 20;

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8)
    out.push_back(static_cast<uint8_t>(v >> s));
}
void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int s = 56; s >= 0; s -= 8)
    out.push_back(static_cast<uint8_t>(v >> s));
}

// Big-endian reader over untrusted bytes; every read names its field.
struct Reader {
  std::span<const uint8_t> b;
  size_t at = 0;
  Result<uint64_t> get(size_t n, const char* field) {
    if (b.size() - at < n) {
      return fail(Errc::truncated, std::string("job field '") + field + "' at offset " +
                                       std::to_string(at) + " needs " + std::to_string(n) +
                                       " bytes, " + std::to_string(b.size() - at) + " left");
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i)
      v = (v << 8) | b[at + i];
    at += n;
    return v;
  }
};
}  // namespace

std::vector<uint8_t> Job::canonical_bytes() const {
  std::vector<uint8_t> out(kMagic, kMagic + 4);
  out.push_back(kVersion);
  out.insert(out.end(), model_root.begin(), model_root.end());
  put_u32(out, static_cast<uint32_t>(tokens.size()));
  for (uint32_t t : tokens)
    put_u32(out, t);
  put_u32(out, max_tokens);
  put_u32(out, temperature_q16);
  put_u32(out, top_p_q16);
  put_u64(out, seed);
  return out;
}

commit::Hash Job::id() const {
  return commit::keccak256(canonical_bytes());
}

Result<Job> Job::from_bytes(std::span<const uint8_t> bytes) {
  Reader r{bytes};
  Job job;
  for (int i = 0; i < 4; ++i) {
    VINFER_TRY(uint64_t m, r.get(1, "magic"));
    if (m != kMagic[i])
      return fail(Errc::parse, "job magic: not a vinfer job (offset 0)");
  }
  VINFER_TRY(uint64_t version, r.get(1, "version"));
  if (version != kVersion) {
    return fail(Errc::unsupported, "job version " + std::to_string(version) + " at offset 4");
  }
  for (auto& byte : job.model_root) {
    VINFER_TRY(uint64_t v, r.get(1, "model_root"));
    byte = static_cast<uint8_t>(v);
  }
  VINFER_TRY(uint64_t n, r.get(4, "token count"));
  if (n > kMaxPromptTokens || n * 4 > bytes.size() - r.at) {
    return fail(Errc::limit, "job token count " + std::to_string(n) + " at offset 37 exceeds the " +
                                 std::to_string(bytes.size()) + "-byte job");
  }
  job.tokens.resize(n);
  for (auto& t : job.tokens) {
    VINFER_TRY(uint64_t v, r.get(4, "tokens"));
    t = static_cast<uint32_t>(v);
  }
  VINFER_TRY(uint64_t max_tokens, r.get(4, "max_tokens"));
  VINFER_TRY(uint64_t temp, r.get(4, "temperature_q16"));
  VINFER_TRY(uint64_t top_p, r.get(4, "top_p_q16"));
  VINFER_TRY(uint64_t seed, r.get(8, "seed"));
  if (r.at != bytes.size()) {
    return fail(Errc::parse, "job has " + std::to_string(bytes.size() - r.at) +
                                 " trailing bytes at offset " + std::to_string(r.at));
  }
  job.max_tokens = static_cast<uint32_t>(max_tokens);
  job.temperature_q16 = static_cast<uint32_t>(temp);
  job.top_p_q16 = static_cast<uint32_t>(top_p);
  job.seed = seed;
  return job;
}

Status validate(const Job& job, const LlamaConfig& cfg) {
  if (job.tokens.empty())
    return fail(Errc::invalid_argument, "job: empty prompt (need at least BOS)");
  for (size_t i = 0; i < job.tokens.size(); ++i) {
    if (job.tokens[i] >= cfg.vocab_size) {
      return fail(Errc::invalid_argument, "job: token " + std::to_string(i) + " = " +
                                              std::to_string(job.tokens[i]) + " >= vocab size " +
                                              std::to_string(cfg.vocab_size));
    }
  }
  if (job.max_tokens == 0)
    return fail(Errc::invalid_argument, "job: max_tokens must be >= 1");
  const uint64_t positions = job.tokens.size() + uint64_t{job.max_tokens} - 1;
  if (positions > cfg.seq_len) {
    return fail(Errc::limit, "job: prompt (" + std::to_string(job.tokens.size()) +
                                 " tokens) + max_tokens (" + std::to_string(job.max_tokens) +
                                 ") - 1 exceeds the model's context of " +
                                 std::to_string(cfg.seq_len));
  }
  if (job.temperature_q16 > arith::kMaxTemperatureQ16) {
    return fail(Errc::invalid_argument, "job: temperature above 64");
  }
  if (job.top_p_q16 == 0 || job.top_p_q16 > (1u << arith::kFracParam)) {
    return fail(Errc::invalid_argument, "job: top_p must be in (0, 1]");
  }
  return ok_status();
}

}  // namespace vinfer::model
