// The requests of a node's OpenAI-style API (issue 7, docs/api.md): the body of
// POST /v1/completions and POST /v1/chat/completions parsed from untrusted bytes, and the
// `verification` object's mode. Pure: no model, no ledger; the server turns a request into
// a model::Job (tokenized with the node's model) and queues it.
//
//   {"model": "kjv-large" | "<model root hex>",    optional; must be the node's model
//    "prompt": "In the beginning",                   /v1/completions
//    "messages": [{"role": "user", "content": ..}],  /v1/chat/completions
//    "max_tokens": 16, "temperature": 0.8, "top_p": 0.9, "seed": 7,
//    "n": 1, "stream": false, "user": "..",          accepted as OpenAI clients send them
//    "verification": {"mode": "quorum:3", "reward": 10, "wait_s": 60}}
//
// Anything else is refused, naming the field: a parameter the engine would silently ignore
// (stop, logprobs, penalties) would make the answer differ from what the client asked for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vinfer/result.hpp"

namespace vinfer::node {

/// The strengths of evidence of DESIGN §1; the API serves quorum today.
enum class VerifyMode : uint8_t { proof, optimistic, quorum, sampled };
const char* verify_mode_name(VerifyMode m);

struct ModeSpec {
  VerifyMode mode = VerifyMode::quorum;
  uint32_t n = 3;              ///< quorum:n, 1..kMaxQuorum
  uint32_t audit_bps = 1000;   ///< sampled:p as basis points
  std::string text() const;    ///< "quorum:3", "sampled:0.1", "optimistic", "proof"
  bool operator==(const ModeSpec&) const = default;
};
inline constexpr uint32_t kMaxQuorum = 64;

/// "proof", "optimistic", "quorum:N" (N in 1..64), "sampled:P" (P in (0, 1], at most 4
/// decimals). The error names what is wrong with `text`.
Result<ModeSpec> parse_mode(std::string_view text);

struct CompletionRequest {
  bool chat = false;
  std::optional<std::string> model;
  std::string prompt;             ///< the prompt, or the chat messages rendered (below)
  uint32_t max_tokens = 16;       ///< OpenAI's default for completions
  uint32_t temperature_q16 = 52429;  ///< 0.8, as `vinfer run`
  uint32_t top_p_q16 = 58982;        ///< 0.9
  std::optional<uint64_t> seed;   ///< none: the node picks one (so the job id is fresh)
  ModeSpec mode;
  uint64_t reward = 10;           ///< per node, from the node's own account
  uint32_t wait_s = 60;           ///< how long the request waits for the certificate
};

inline constexpr uint32_t kMaxApiTokens = 4096;
inline constexpr uint32_t kMaxWaitSeconds = 600;

/// Parses a request body. `chat` selects the chat shape: `messages` instead of `prompt`,
/// rendered as each message's content on its own line (the kjv models are plain text
/// models: there is no chat template). Errc::parse or invalid_argument, naming the field.
Result<CompletionRequest> parse_completion_request(std::string_view body, bool chat);

}  // namespace vinfer::node
