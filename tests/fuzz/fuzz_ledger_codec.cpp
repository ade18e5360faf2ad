// libFuzzer target: the ledger's record decoders — claims, game states, params, quorum
// rounds, tallies and payouts, sampled jobs — and the job's canonical bytes (a database file is
// untrusted bytes once it has been on disk). Byte 0 picks the decoder; a record that decodes must
// encode back to the same bytes (the layouts are canonical), and a decoded game state must be safe
// to ask the game rules about.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "vinfer/dispute/game.hpp"
#include "vinfer/ledger/codec.hpp"
#include "vinfer/model/job.hpp"

using namespace vinfer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  const std::span<const uint8_t> b(data + 1, size - 1);
  // Every decoder: what decodes must re-encode to the same bytes.
  auto canonical = [&](const auto& decoded, auto encode) {
    if (decoded.ok() && encode(*decoded) != std::vector<uint8_t>(b.begin(), b.end()))
      std::abort();
  };
  switch (data[0] % 8) {
    case 7:
      canonical(ledger::decode_sampled_job(b), ledger::encode_sampled_job);
      break;
    case 4:
      canonical(ledger::decode_quorum_round(b), ledger::encode_quorum_round);
      break;
    case 5:
      canonical(ledger::decode_quorum_tally(b), ledger::encode_quorum_tally);
      break;
    case 6:
      canonical(ledger::decode_quorum_payout(b), ledger::encode_quorum_payout);
      break;
    case 0:
      canonical(ledger::decode_claim(b), ledger::encode_claim);
      break;
    case 1: {
      auto g = ledger::decode_game_state(b);
      canonical(g, ledger::encode_game_state);
      if (g.ok()) {
        (void)dispute::timed_out(*g, 1000);
        (void)dispute::resolve_timeout(*g, 1000);
      }
      break;
    }
    case 2:
      canonical(ledger::decode_params(b), ledger::encode_params);
      break;
    default: {
      auto j = model::Job::from_bytes(b);
      if (j.ok() && j->canonical_bytes() != std::vector<uint8_t>(b.begin(), b.end()))
        std::abort();
      break;
    }
  }
  return 0;
}
