// Verification certificates (certificate.hpp).
#include "vinfer/node/certificate.hpp"

#include <nlohmann/json.hpp>

#include "node/ledger_wire.hpp"
#include "vinfer/commit/tensor_root.hpp"
#include "vinfer/ledger/address.hpp"

namespace vinfer::node {
namespace {

using nlohmann::json;

const quorum::Outcome kOutcomes[] = {quorum::Outcome::agreed, quorum::Outcome::dissented,
                                     quorum::Outcome::not_revealed, quorum::Outcome::not_committed,
                                     quorum::Outcome::no_majority};

// Reads the fields of one object, keeping the first problem (as ledger_wire's reader).
class Reader {
 public:
  Reader(const json& j, std::string what) : j_(j), what_(std::move(what)) {
    if (!j_.is_object())
      bad("is not an object");
  }
  const json* field(const char* k) {
    if (!err_.empty())
      return nullptr;
    auto it = j_.find(k);
    if (it == j_.end()) {
      bad(std::string("'") + k + "' is missing");
      return nullptr;
    }
    return &*it;
  }
  std::string str(const char* k) {
    const json* v = field(k);
    if (v && !v->is_string())
      bad(std::string("'") + k + "' must be a string");
    return v && v->is_string() ? v->get<std::string>() : "";
  }
  uint64_t u64(const char* k) {
    const json* v = field(k);
    if (v && !v->is_number_unsigned())
      bad(std::string("'") + k + "' must be an unsigned integer");
    return v && v->is_number_unsigned() ? v->get<uint64_t>() : 0;
  }
  ledger::Hash hash(const char* k) {
    const std::string s = str(k);
    if (!err_.empty())
      return {};
    auto h = commit::hash_from_hex(s);
    if (!h)
      bad(std::string("'") + k + "': " + h.error().message);
    return h ? *h : ledger::Hash{};
  }
  void bad(const std::string& why) {
    if (err_.empty())
      err_ = what_ + ": " + why;
  }
  const std::string& error() const { return err_; }

 private:
  const json& j_;
  std::string what_;
  std::string err_;
};

}  // namespace

ledger::Hash output_hash_of(const std::vector<uint32_t>& tokens) {
  std::vector<int32_t> v(tokens.begin(), tokens.end());
  return commit::tensor_root(commit::DType::i32, 1, v.size(),
                             {reinterpret_cast<const uint8_t*>(v.data()), v.size() * 4});
}

Result<Certificate> quorum_certificate(const ledger::QuorumJobRecord& rec,
                                       std::vector<uint32_t> tokens) {
  const std::string job = "quorum job " + commit::to_hex(rec.id);
  if (!rec.settled)
    return fail(Errc::invalid_argument, job + " is not settled yet");
  if (!rec.tally)
    return fail(Errc::invalid_argument, job + " was refunded: nobody could be seated");
  if (!rec.tally->decided())
    return fail(Errc::mismatch, job + ": no output had a stake majority");
  Certificate c;
  c.mode.mode = VerifyMode::quorum;
  c.mode.n = rec.n;
  c.job = rec.job;
  c.job_id = rec.id;
  c.tokens = std::move(tokens);
  c.output_hash = rec.tally->output_hash;
  c.posted_block = rec.round.opened_at;
  c.reveal_deadline = rec.round.reveal_deadline;
  c.tally = *rec.tally;
  VINFER_CHECK(check_certificate(c));
  return c;
}

std::string certificate_json(const Certificate& c) {
  json seats = json::array();
  for (const quorum::SeatOutcome& s : c.tally.seats)
    seats.push_back({{"node", ledger::to_hex(ledger::to_address(s.node))},
                     {"stake", s.stake},
                     {"outcome", quorum::outcome_name(s.outcome)},
                     {"output_hash", commit::to_hex(s.output_hash)}});
  json j = {{"format", kCertificateFormat},
            {"mode", c.mode.text()},
            {"job_id", commit::to_hex(c.job_id)},
            {"job", wire::hex(c.job.canonical_bytes())},
            {"model_root", commit::to_hex(c.job.model_root)},
            {"output_tokens", c.tokens},
            {"output_hash", commit::to_hex(c.output_hash)},
            {"posted_block", c.posted_block},
            {"reveal_deadline", c.reveal_deadline},
            {"tally",
             {{"verdict", quorum::verdict_name(c.tally.verdict)},
              {"output_hash", commit::to_hex(c.tally.output_hash)},
              {"winning_stake", c.tally.winning_stake},
              {"total_stake", c.tally.total_stake},
              {"seats", std::move(seats)}}},
            {"ledger", c.ledger}};
  return j.dump(2);
}

Result<Certificate> parse_certificate(std::string_view text) {
  const json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded())
    return fail(Errc::parse, "certificate: not JSON");
  Reader r(j, "certificate");
  Certificate c;
  const std::string format = r.str("format");
  if (r.error().empty() && format != kCertificateFormat)
    r.bad("'format' is \"" + format.substr(0, 40) + "\", not \"" + kCertificateFormat + "\"");
  const std::string mode = r.str("mode");
  if (r.error().empty()) {
    auto m = parse_mode(mode);
    if (!m)
      r.bad("'mode': " + m.error().message);
    else if (m->mode != VerifyMode::quorum)
      r.bad("'mode': " + m->text() + " certificates are not defined yet (quorum only)");
    else
      c.mode = *m;
  }
  c.job_id = r.hash("job_id");
  const std::string job_hex = r.str("job");
  if (r.error().empty()) {
    auto bytes = wire::unhex(job_hex);
    if (!bytes) {
      r.bad("'job': " + bytes.error().message);
    } else {
      auto job = model::Job::from_bytes(*bytes);
      if (!job)
        r.bad("'job': " + job.error().message);
      else
        c.job = std::move(job).value();
    }
  }
  const ledger::Hash root = r.hash("model_root");
  if (r.error().empty() && root != c.job.model_root)
    r.bad("'model_root' is not the job's model root");
  if (const json* t = r.field("output_tokens")) {
    if (!t->is_array()) {
      r.bad("'output_tokens' must be an array");
    } else {
      for (const json& x : *t) {
        if (!x.is_number_unsigned() || x.get<uint64_t>() > UINT32_MAX) {
          r.bad("'output_tokens' holds something that is not a token id");
          break;
        }
        c.tokens.push_back(x.get<uint32_t>());
      }
    }
  }
  c.output_hash = r.hash("output_hash");
  c.posted_block = r.u64("posted_block");
  c.reveal_deadline = r.u64("reveal_deadline");
  if (const json* l = r.field("ledger"); l && l->is_string())
    c.ledger = l->get<std::string>();
  if (const json* t = r.field("tally"); t && r.error().empty()) {
    Reader tr(*t, "certificate 'tally'");
    const std::string verdict = tr.str("verdict");
    if (tr.error().empty()) {
      if (verdict == quorum::verdict_name(quorum::Verdict::majority))
        c.tally.verdict = quorum::Verdict::majority;
      else if (verdict == quorum::verdict_name(quorum::Verdict::no_majority))
        c.tally.verdict = quorum::Verdict::no_majority;
      else
        tr.bad("'verdict' is neither majority nor no_majority");
    }
    c.tally.output_hash = tr.hash("output_hash");
    c.tally.winning_stake = tr.u64("winning_stake");
    c.tally.total_stake = tr.u64("total_stake");
    if (const json* ss = tr.field("seats")) {
      if (!ss->is_array())
        tr.bad("'seats' must be an array");
      for (size_t i = 0; ss->is_array() && i < ss->size() && tr.error().empty(); ++i) {
        Reader sr((*ss)[i], "certificate 'tally.seats[" + std::to_string(i) + "]'");
        quorum::SeatOutcome s;
        const std::string node = sr.str("node");
        if (sr.error().empty()) {
          auto a = ledger::address_from_hex(node);
          if (!a)
            sr.bad("'node': " + a.error().message);
          else
            s.node = ledger::to_node_id(*a);
        }
        s.stake = sr.u64("stake");
        const std::string outcome = sr.str("outcome");
        bool known = false;
        for (quorum::Outcome o : kOutcomes)
          if (outcome == quorum::outcome_name(o)) {
            s.outcome = o;
            known = true;
          }
        if (sr.error().empty() && !known)
          sr.bad("'outcome' \"" + outcome.substr(0, 40) + "\" is not an outcome");
        s.output_hash = sr.hash("output_hash");
        if (!sr.error().empty())
          tr.bad(sr.error());
        c.tally.seats.push_back(s);
      }
    }
    if (!tr.error().empty())
      r.bad(tr.error().substr(std::string("certificate ").size()));
  }
  if (!r.error().empty())
    return fail(Errc::parse, r.error());
  return c;
}

Status check_certificate(const Certificate& c) {
  const std::string what = "certificate of job " + commit::to_hex(c.job_id);
  if (c.job.id() != c.job_id)
    return fail(Errc::mismatch, what + ": the job's bytes hash to " + commit::to_hex(c.job.id()) +
                                    ", not to its job_id");
  if (c.tokens.size() != c.job.max_tokens)
    return fail(Errc::mismatch, what + ": " + std::to_string(c.tokens.size()) +
                                    " output tokens for a job of max_tokens " +
                                    std::to_string(c.job.max_tokens));
  if (output_hash_of(c.tokens) != c.output_hash)
    return fail(Errc::mismatch, what + ": the output tokens do not hash to its output_hash");
  if (!c.tally.decided() || c.tally.output_hash != c.output_hash)
    return fail(Errc::mismatch, what + ": the tally did not choose its output");
  if (c.mode.n != c.tally.seats.size())
    return fail(Errc::mismatch, what + ": mode " + c.mode.text() + " but " +
                                    std::to_string(c.tally.seats.size()) + " seats in the tally");
  // A strict majority of the whole quorum's stake, as quorum::Round::tally decides.
  unsigned __int128 agreed = 0, total = 0;
  for (const quorum::SeatOutcome& s : c.tally.seats) {
    total += s.stake;
    if (s.outcome == quorum::Outcome::agreed) {
      if (s.output_hash != c.output_hash)
        return fail(Errc::mismatch, what + ": a seat marked agreed revealed another output");
      agreed += s.stake;
    }
  }
  if (total != c.tally.total_stake || agreed != c.tally.winning_stake || 2 * agreed <= total)
    return fail(Errc::mismatch, what + ": the agreeing seats hold " +
                                    std::to_string(static_cast<uint64_t>(agreed)) + " of " +
                                    std::to_string(static_cast<uint64_t>(total)) +
                                    " stake: not the tally's strict majority");
  return ok_status();
}

Status verify_certificate(const Certificate& c, const ledger::Ledger& ledger) {
  VINFER_CHECK(check_certificate(c));
  const std::string what = "certificate of job " + commit::to_hex(c.job_id);
  auto rec = ledger.quorum_job(c.job_id);
  if (!rec)
    return fail(Errc::mismatch, what + ": the ledger has no such quorum job (" +
                                    rec.error().message + ")");
  if (!ledger.model(c.job.model_root))
    return fail(Errc::mismatch, what + ": the ledger has no model " +
                                    commit::to_hex(c.job.model_root));
  if (rec->job != c.job)
    return fail(Errc::mismatch, what + ": the ledger's job is another one");
  if (!rec->settled || !rec->tally)
    return fail(Errc::mismatch, what + ": the ledger has not settled it (or refunded it)");
  const quorum::Tally& t = *rec->tally;
  if (t.verdict != c.tally.verdict || t.output_hash != c.tally.output_hash ||
      t.winning_stake != c.tally.winning_stake || t.total_stake != c.tally.total_stake ||
      t.seats != c.tally.seats)
    return fail(Errc::mismatch, what + ": the ledger's tally differs (winner " +
                                    commit::to_hex(rec->tally->output_hash) + ")");
  if (rec->round.opened_at != c.posted_block || rec->round.reveal_deadline != c.reveal_deadline ||
      rec->n != c.mode.n)
    return fail(Errc::mismatch, what + ": the ledger's round has other blocks or seats");
  return ok_status();
}

}  // namespace vinfer::node
