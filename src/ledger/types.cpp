// Addresses, names and the money identity (address.hpp, types.hpp, event.hpp).
#include <cstring>
#include <string>

#include "vinfer/ledger/event.hpp"
#include "vinfer/ledger/types.hpp"
#include "vinfer/wire.hpp"

namespace vinfer::ledger {
namespace {

using wire::hex_digit;

std::string hex_bytes(const uint8_t* p, size_t n) {
  return wire::hex_of({p, n});
}

}  // namespace

Address address_of(std::string_view name) {
  const Hash h = commit::keccak256(name);
  Address a;
  std::memcpy(a.data(), h.data() + h.size() - a.size(), a.size());
  return a;
}

std::string to_hex(const Address& a) {
  return "0x" + hex_bytes(a.data(), a.size());
}

Result<Address> address_from_hex(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  Address a;
  if (text.size() != 2 * a.size())
    return fail(Errc::parse,
                "address: " + std::to_string(text.size()) + " hex digits, expected 40");
  for (size_t i = 0; i < a.size(); ++i) {
    const int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return fail(Errc::parse, "address: not a hex digit at offset " + std::to_string(2 * i));
    a[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return a;
}

std::string short_hex(const Hash& h) {
  return "0x" + hex_bytes(h.data(), 4) + "\u2026";
}

bool Params::operator==(const Params& o) const {
  return worker_bond == o.worker_bond && challenger_bond == o.challenger_bond &&
         challenge_window == o.challenge_window && game.clock_blocks == o.game.clock_blocks &&
         winner_share_pct == o.winner_share_pct && min_stake == o.min_stake &&
         unbonding_blocks == o.unbonding_blocks && round.commit_blocks == o.round.commit_blocks &&
         round.reveal_blocks == o.round.reveal_blocks && slash_bps == o.slash_bps &&
         majority_share_bps == o.majority_share_bps;
}

Status validate(const Params& p) {
  if (p.winner_share_pct > 100)
    return fail(Errc::invalid_argument,
                "params: winner_share_pct " + std::to_string(p.winner_share_pct) + " above 100");
  if (p.game.clock_blocks == 0)
    return fail(Errc::invalid_argument, "params: game.clock_blocks must be >= 1");
  if (p.round.commit_blocks == 0)
    return fail(Errc::invalid_argument, "params: round.commit_blocks must be >= 1");
  if (p.round.reveal_blocks == 0)
    return fail(Errc::invalid_argument, "params: round.reveal_blocks must be >= 1");
  if (p.slash_bps > quorum::kBps)
    return fail(Errc::invalid_argument,
                "params: slash_bps " + std::to_string(p.slash_bps) + " above 10000");
  if (p.majority_share_bps > quorum::kBps)
    return fail(Errc::invalid_argument, "params: majority_share_bps " +
                                            std::to_string(p.majority_share_bps) + " above 10000");
  return ok_status();
}

const char* sampled_status_name(SampledStatus s) {
  switch (s) {
    case SampledStatus::posted:
      return "posted";
    case SampledStatus::open:
      return "open";
    case SampledStatus::cancelled:
      return "cancelled";
    case SampledStatus::refused:
      return "refused";
    case SampledStatus::paid:
      return "paid";
    case SampledStatus::worker_slashed:
      return "worker_slashed";
    case SampledStatus::escalated:
      return "escalated";
    case SampledStatus::disputed:
      return "disputed";
  }
  return "invalid";
}

const char* job_status_name(JobStatus s) {
  switch (s) {
    case JobStatus::open:
      return "open";
    case JobStatus::claimed:
      return "claimed";
    case JobStatus::finalized:
      return "finalized";
    case JobStatus::rejected:
      return "rejected";
    case JobStatus::cancelled:
      return "cancelled";
  }
  return "invalid";
}

const char* game_status_name(GameStatus s) {
  switch (s) {
    case GameStatus::open:
      return "open";
    case GameStatus::defender_won:
      return "defender_won";
    case GameStatus::challenger_won:
      return "challenger_won";
    case GameStatus::closed:
      return "closed";
  }
  return "invalid";
}

const char* event_kind_name(EventKind k) {
  const auto i = static_cast<size_t>(k);
  return i < kEventKindCount ? detail::kEventKindNames[i] : "invalid";
}

bool Totals::holds() const {
  // Summed in 128 bits: a broken ledger must not hide behind a wrapped sum.
  const unsigned __int128 held =
      static_cast<unsigned __int128>(balances) + stakes + unbonding + bonds + escrow + burned;
  return held == deposits;
}

std::string Totals::to_string() const {
  return "deposits=" + std::to_string(deposits) + " balances=" + std::to_string(balances) +
         " stakes=" + std::to_string(stakes) + " unbonding=" + std::to_string(unbonding) +
         " bonds=" + std::to_string(bonds) + " escrow=" + std::to_string(escrow) +
         " burned=" + std::to_string(burned);
}

}  // namespace vinfer::ledger
