// Parsing the API's request bodies (api_request.hpp).
#include "vinfer/node/api_request.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

#include <nlohmann/json.hpp>

#include "vinfer/arith/formats.hpp"

namespace vinfer::node {
namespace {

using nlohmann::json;

const char* type_name(const json& v) {
  return v.type_name();
}

Status wrong_type(const std::string& field, const char* want, const json& v) {
  return fail(Errc::invalid_argument,
              "'" + field + "' must be " + want + ", not " + type_name(v));
}

// An unsigned integer field within [lo, hi].
Result<uint64_t> read_uint(const json& v, const std::string& field, uint64_t lo, uint64_t hi) {
  if (!v.is_number_integer())
    return wrong_type(field, "an integer", v).error();
  if (!v.is_number_unsigned())  // a negative integer
    return fail(Errc::invalid_argument, "'" + field + "' must be in [" + std::to_string(lo) +
                                            ", " + std::to_string(hi) + "], not " + v.dump());
  const uint64_t x = v.get<uint64_t>();
  if (x < lo || x > hi)
    return fail(Errc::invalid_argument, "'" + field + "' must be in [" + std::to_string(lo) +
                                            ", " + std::to_string(hi) + "], not " +
                                            std::to_string(x));
  return x;
}

// A decimal in Q16 (temperature, top_p): a JSON number or a decimal string. A number is
// printed with 9 decimals and parsed by the canonical parser, so that 0.8 and "0.8" give
// the same integer.
Result<uint32_t> read_q16(const json& v, const std::string& field) {
  std::string text;
  if (v.is_string()) {
    text = v.get<std::string>();
  } else if (v.is_number()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || d < 0 || d > 1e6)
      return fail(Errc::invalid_argument, "'" + field + "' must be a number in [0, 64], not " + v.dump());
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9f", d);
    text = buf;
  } else {
    return wrong_type(field, "a number", v).error();
  }
  auto q = arith::parse_decimal_q16(text);
  if (!q)
    return fail(Errc::invalid_argument, "'" + field + "': " + q.error().message);
  return *q;
}

Result<std::string> render_messages(const json& msgs) {
  if (!msgs.is_array())
    return wrong_type("messages", "an array of {\"role\", \"content\"}", msgs).error();
  if (msgs.empty())
    return fail(Errc::invalid_argument, "'messages' is empty: there is nothing to answer");
  static const std::set<std::string> roles = {"system", "user", "assistant"};
  std::string out;
  for (size_t i = 0; i < msgs.size(); ++i) {
    const json& m = msgs[i];
    const std::string at = "messages[" + std::to_string(i) + "]";
    if (!m.is_object())
      return wrong_type(at, "an object", m).error();
    for (const auto& [k, _] : m.items())
      if (k != "role" && k != "content" && k != "name")
        return fail(Errc::invalid_argument, "unknown field '" + at + "." + k + "'");
    const auto role = m.find("role");
    if (role == m.end())
      return fail(Errc::invalid_argument, "'" + at + ".role' is missing");
    if (!role->is_string() || !roles.count(role->get<std::string>()))
      return fail(Errc::invalid_argument,
                  "'" + at + ".role' must be \"system\", \"user\" or \"assistant\", not " +
                      role->dump());
    const auto content = m.find("content");
    if (content == m.end())
      return fail(Errc::invalid_argument, "'" + at + ".content' is missing");
    if (!content->is_string())
      return wrong_type(at + ".content", "a string", *content).error();
    if (!out.empty())
      out += '\n';
    out += content->get<std::string>();
  }
  return out;
}

Status read_verification(const json& v, CompletionRequest& r) {
  if (!v.is_object())
    return wrong_type("verification", "an object", v);
  for (const auto& [k, x] : v.items()) {
    if (k == "mode") {
      if (!x.is_string())
        return wrong_type("verification.mode", "a string such as \"quorum:3\"", x);
      auto m = parse_mode(x.get<std::string>());
      if (!m)
        return fail(m.error().code, "'verification.mode': " + m.error().message);
      r.mode = *m;
    } else if (k == "reward") {
      VINFER_TRY(r.reward, read_uint(x, "verification.reward", 1, uint64_t{1} << 40));
    } else if (k == "wait_s") {
      VINFER_TRY(const uint64_t w, read_uint(x, "verification.wait_s", 0, kMaxWaitSeconds));
      r.wait_s = static_cast<uint32_t>(w);
    } else if (k == "job_id" || k == "model_root" || k == "status" || k == "certificate") {
      return fail(Errc::invalid_argument, "'verification." + k +
                                              "' is part of the response, not of a request");
    } else {
      return fail(Errc::invalid_argument, "unknown field 'verification." + k + "'");
    }
  }
  return ok_status();
}

}  // namespace

const char* verify_mode_name(VerifyMode m) {
  switch (m) {
    case VerifyMode::proof:
      return "proof";
    case VerifyMode::optimistic:
      return "optimistic";
    case VerifyMode::quorum:
      return "quorum";
    case VerifyMode::sampled:
      return "sampled";
  }
  return "?";
}

std::string ModeSpec::text() const {
  switch (mode) {
    case VerifyMode::quorum:
      return "quorum:" + std::to_string(n);
    case VerifyMode::sampled: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "sampled:%u.%04u", audit_bps / 10000, audit_bps % 10000);
      std::string s = buf;
      while (s.back() == '0')
        s.pop_back();
      if (s.back() == '.')
        s.pop_back();
      return s;
    }
    default:
      return verify_mode_name(mode);
  }
}

Result<ModeSpec> parse_mode(std::string_view text) {
  const std::string quoted = "\"" + std::string(text.substr(0, 64)) + "\"";
  ModeSpec m;
  if (text == "proof") {
    m.mode = VerifyMode::proof;
    return m;
  }
  if (text == "optimistic") {
    m.mode = VerifyMode::optimistic;
    return m;
  }
  const auto colon = text.find(':');
  const std::string_view kind = text.substr(0, colon);
  const std::string_view arg = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  if (kind == "quorum") {
    uint32_t n = 0;
    const auto [p, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), n);
    if (arg.empty() || ec != std::errc() || p != arg.data() + arg.size() || n < 1 ||
        n > kMaxQuorum)
      return fail(Errc::invalid_argument, quoted + ": quorum:N needs N in 1.." +
                                              std::to_string(kMaxQuorum) + " (e.g. quorum:3)");
    m.mode = VerifyMode::quorum;
    m.n = n;
    return m;
  }
  if (kind == "sampled") {
    // P as a decimal in (0, 1] with at most 4 decimals: basis points.
    auto q = arg.empty() ? Result<uint32_t>(fail(Errc::invalid_argument, "empty"))
                         : arith::parse_decimal_q16(arg);
    uint32_t bps = 0;
    bool good = q.ok();
    if (good) {
      const auto dot = arg.find('.');
      const std::string_view whole = arg.substr(0, dot);
      const std::string_view frac = dot == std::string_view::npos ? "" : arg.substr(dot + 1);
      good = frac.size() <= 4 && (whole == "0" || whole == "1");
      if (good) {
        uint32_t f = 0;
        for (char c : frac)
          f = f * 10 + static_cast<uint32_t>(c - '0');
        for (size_t i = frac.size(); i < 4; ++i)
          f *= 10;
        bps = (whole == "1" ? 10000 : 0) + f;
        good = bps >= 1 && bps <= 10000;
      }
    }
    if (!good)
      return fail(Errc::invalid_argument,
                  quoted + ": sampled:P needs P in (0, 1] with at most 4 decimals (e.g. sampled:0.1)");
    m.mode = VerifyMode::sampled;
    m.audit_bps = bps;
    return m;
  }
  return fail(Errc::invalid_argument,
              quoted + " is not a mode: proof, optimistic, quorum:N or sampled:P");
}

Result<CompletionRequest> parse_completion_request(std::string_view body, bool chat) {
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded())
    return fail(Errc::parse, "the request body is not JSON");
  if (!j.is_object())
    return fail(Errc::parse, std::string("the request body must be a JSON object, not ") +
                                 type_name(j));
  CompletionRequest r;
  r.chat = chat;
  bool have_text = false;
  const char* text_field = chat ? "messages" : "prompt";
  for (const auto& [k, v] : j.items()) {
    if (k == "model") {
      if (!v.is_string())
        return wrong_type("model", "a string", v).error();
      r.model = v.get<std::string>();
    } else if (k == text_field) {
      if (chat) {
        VINFER_TRY(r.prompt, render_messages(v));
      } else {
        if (!v.is_string())
          return wrong_type("prompt", "a string", v).error();
        r.prompt = v.get<std::string>();
      }
      have_text = true;
    } else if (k == "max_tokens") {
      VINFER_TRY(const uint64_t n, read_uint(v, "max_tokens", 1, kMaxApiTokens));
      r.max_tokens = static_cast<uint32_t>(n);
    } else if (k == "temperature") {
      VINFER_TRY(r.temperature_q16, read_q16(v, "temperature"));
    } else if (k == "top_p") {
      VINFER_TRY(r.top_p_q16, read_q16(v, "top_p"));
    } else if (k == "seed") {
      VINFER_TRY(const uint64_t s, read_uint(v, "seed", 0, UINT64_MAX));
      r.seed = s;
    } else if (k == "n") {
      VINFER_TRY(const uint64_t n, read_uint(v, "n", 1, 1));
      (void)n;
    } else if (k == "stream") {
      if (!v.is_boolean())
        return wrong_type("stream", "a boolean", v).error();
      if (v.get<bool>())
        return fail(Errc::unsupported,
                    "'stream': true is not served: a verified answer is whole or nothing");
    } else if (k == "user") {
      if (!v.is_string())
        return wrong_type("user", "a string", v).error();
    } else if (k == "verification") {
      VINFER_CHECK(read_verification(v, r));
    } else if (k == (chat ? "prompt" : "messages")) {
      return fail(Errc::invalid_argument,
                  "'" + k + "' belongs to " +
                      (chat ? "/v1/completions" : "/v1/chat/completions") + "; this endpoint takes '" +
                      text_field + "'");
    } else {
      return fail(Errc::invalid_argument, "unknown field '" + k + "'");
    }
  }
  if (!have_text)
    return fail(Errc::invalid_argument, std::string("'") + text_field + "' is missing");
  if (r.prompt.empty())
    return fail(Errc::invalid_argument, std::string("'") + text_field + "' is empty");
  return r;
}

}  // namespace vinfer::node
