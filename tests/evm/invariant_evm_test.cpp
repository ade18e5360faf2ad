// The invariant test of Staking and Quorum (STYLE.md "Contracts"): random actors send random
// transactions (deposits, withdrawals, stakes, unbonds, keys, quorum jobs, seatings, commits,
// some of them copied, reveals, some with a wrong salt, settlements, cancellations of unseated
// jobs, empty blocks), each of which may succeed or revert. After every one: no wei is
// created or lost (moneyIdentity), the accounts' balances, stakes and unbonding amounts add
// up to the contract's totals, the escrow is exactly that of the unsettled jobs, a settled
// job (paid out or refunded) holds nothing, and every node's seatOf is the one unsettled,
// seated job it sits in, or none.
#include <iostream>
#include <map>
#include <random>

#include "evm/settlement.hpp"
#include "vinfer/quorum/commitment.hpp"

namespace vinfer::ledger::evm {
namespace {

using commit::Hash;
using testing::Settlement;
using testing::tag;
using testing::u64;

class EvmInvariant : public Settlement {};

struct Job {
  Hash id{};
  std::vector<quorum::NodeId> seats;  // read once the chain says it is drawn
  std::vector<Hash> outputs;          // what each seat committed to (zero: not committed by us)
  uint64_t post_block = 0, seat_deadline = 0, commit_deadline = 0, reveal_deadline = 0;
  bool neglected = false;  // the steering below never seats it
  bool drawn = false;      // seatQuorumJob ran (it seated, or refunded)
  bool settled = false;    // as the chain says: paid out, or refunded without a round
};

// quorumJob(id)'s fields (Quorum.QuorumJob order).
constexpr size_t kSettled = 2, kEscrow = 4, kOpenedAt = 5, kCommitDeadline = 6, kRevealDeadline = 7,
                 kDrawnAt = 9;

TEST_F(EvmInvariant, test_randomActors_moneyIdentity_succeeds) {
  std::mt19937_64 rng(66);
  const commit::Hash model = register_model(0, "invariant-model");
  std::vector<Job> jobs;
  uint64_t job_seed = 0;
  size_t succeeded = 0, settled = 0, committed = 0, revealed = 0, seated = 0, refunded = 0;
  const auto pick = [&](uint64_t n) { return n == 0 ? 0 : rng() % n; };
  const auto salt_of = [](const Hash& job, const quorum::NodeId& node) {
    return tag("salt" + quorum::short_hex(node) + abi::to_hex(job));
  };

  for (int step = 0; step < 200; ++step) {
    const size_t a = pick(kAccounts);
    const uint64_t bal = balance(a), stk = stake(a);
    std::string sig;
    std::vector<abi::Value> args;
    uint64_t value = 0;
    // Mostly the newest job, whose round is likely still open; half the steps do what its
    // phase wants (seat, commit, reveal, settle; a random op would let the window pass),
    // except that one job in five is never seated that way, so that it gets cancelled; and
    // once the newest job is settled, a third of the steps post another.
    Job* job = jobs.empty() ? nullptr : pick(4) != 0 ? &jobs.back() : &jobs[pick(jobs.size())];
    uint64_t op = step < 20 ? step % 3 : pick(13);
    if (step >= 20 && !jobs.empty() && jobs.back().settled && pick(3) == 0)
      op = 6;  // the newest job is done: post the next one
    else if (job && !job->settled && step >= 20 && pick(2) == 0) {
      const uint64_t next = testing::chain().client.block_number().value() + 1;
      if (!job->drawn)  // a neglected job is left for cancelUnseated
        op = next <= job->seat_deadline && !job->neglected ? 10 : 11;
      else if (next <= job->commit_deadline)
        op = 7;
      else if (next <= job->reveal_deadline)
        op = 8;
      else
        op = 9;
    }
    int seat = -1;
    switch (op) {
      case 0:
        sig = "deposit()";
        value = 1 + pick(3000);
        break;
      case 1:
        sig = "stake(uint64)";
        args = {abi::uint_(1 + pick(bal + 50))};
        break;
      case 2:
        sig = "registerKey(bytes32)";
        args = {abi::bytes32(tag("k" + std::to_string(rng())))};
        break;
      case 3:
        sig = "withdraw(uint64)";
        args = {abi::uint_(1 + pick(bal + 100))};
        break;
      case 4:
        sig = "unbond(uint64)";
        args = {abi::uint_(1 + pick(stk + 20))};
        break;
      case 5:
        sig = "withdrawUnbonded()";
        break;
      case 6: {
        sig = "postQuorumJob(bytes,uint32,uint64)";
        const model::Job j = job_on(model, ++job_seed);
        args = {abi::bytes(j.canonical_bytes()), abi::uint_(1 + pick(4)),
                abi::uint_(1 + pick(200))};
        break;
      }
      case 7:
      case 8:
        if (!job || job->seats.empty())
          continue;
        seat = static_cast<int>(pick(job->seats.size()));
        if (op == 7) {  // a commit, one in four copied from another seat's preimage
          const quorum::NodeId& who = job->seats[pick(4) == 0 ? pick(job->seats.size()) : seat];
          const Hash out = tag(pick(3) == 0 ? "B" : "A");
          sig = "commit(bytes32,bytes32)";
          args = {abi::bytes32(job->id), abi::bytes32(quorum::output_commitment(
                                             job->id, out, salt_of(job->id, who), who))};
          if (who == job->seats[seat])
            job->outputs[seat] = out;
        } else {  // a reveal, one in five with a wrong salt
          const quorum::NodeId& who = job->seats[seat];
          sig = "reveal(bytes32,bytes32,bytes32)";
          args = {abi::bytes32(job->id), abi::bytes32(job->outputs[seat]),
                  abi::bytes32(pick(5) == 0 ? tag("wrong") : salt_of(job->id, who))};
        }
        break;
      case 9:
        if (!job)
          continue;
        sig = "settle(bytes32)";
        args = {abi::bytes32(job->id)};
        break;
      case 10:  // anyone seats, in any block: too early, too late and twice revert
        if (!job)
          continue;
        sig = "seatQuorumJob(bytes32)";
        args = {abi::bytes32(job->id)};
        break;
      case 11:  // anyone cancels: only an unseated job past its seating deadline
        if (!job)
          continue;
        sig = "cancelUnseated(bytes32)";
        args = {abi::bytes32(job->id)};
        break;
      default:
        ASSERT_TRUE(testing::chain().client.mine(1 + pick(4)).ok());
        continue;
    }
    // A commit or reveal comes from the seat's own account.
    size_t from = a;
    if (seat >= 0)
      for (size_t k = 0; k < kAccounts; ++k)
        if (id(k) == job->seats[seat])
          from = k;
    auto r = clients()[from].send(quorum_address(), abi::calldata(sig, args), 2'000'000, value);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    if (r->success) {
      ++succeeded;
      if (sig.rfind("postQuorumJob", 0) == 0) {
        Job j;
        j.id = job_on(model, job_seed).id();
        const auto q = view("quorumJob(bytes32)", {abi::bytes32(j.id)});
        j.post_block = u64(q, kOpenedAt);
        EXPECT_EQ(j.post_block, r->block_number);
        EXPECT_EQ(u64(view("seatCount(bytes32)", {abi::bytes32(j.id)}), 0), 0u)
            << "a post seats nobody";
        j.seat_deadline = u64(view("seatingDeadline(bytes32)", {abi::bytes32(j.id)}), 0);
        j.commit_deadline = u64(q, kCommitDeadline);
        j.reveal_deadline = u64(q, kRevealDeadline);
        j.neglected = pick(5) == 0;
        jobs.push_back(std::move(j));
      }
      committed += sig.rfind("commit", 0) == 0;
      revealed += sig.rfind("reveal", 0) == 0;
      settled += sig.rfind("settle", 0) == 0;
      refunded += sig.rfind("cancelUnseated", 0) == 0;
      if (sig.rfind("seatQuorumJob", 0) == 0) {
        EXPECT_GT(r->block_number, job->post_block);
        EXPECT_LE(r->block_number, job->seat_deadline);
      }
    }

    // What the chain says about each job: drawn (then its seats), settled.
    for (Job& j : jobs) {
      const auto q = view("quorumJob(bytes32)", {abi::bytes32(j.id)});
      if (!j.drawn && u64(q, kDrawnAt) != 0) {
        j.drawn = true;
        const uint64_t n = u64(view("seatCount(bytes32)", {abi::bytes32(j.id)}), 0);
        for (uint64_t i = 0; i < n; ++i)
          j.seats.push_back(testing::address_word(
              view("seat(bytes32,uint256)", {abi::bytes32(j.id), abi::uint_(i)}), 0));
        j.outputs.resize(n);
        if (n != 0) {
          ++seated;
        } else {
          ++refunded;  // too few candidates at the draw
          EXPECT_NE(u64(q, kSettled), 0u) << "a draw that seats nobody refunds the job";
        }
      }
      j.settled = u64(q, kSettled) != 0;
    }

    // The invariants, after every transaction, succeeded or reverted.
    expect_money_identity(sig);
    uint64_t balances = 0, stakes = 0, unbonding = 0, escrow = 0;
    for (size_t k = 0; k < kAccounts; ++k) {
      balances += balance(k);
      stakes += stake(k);
      unbonding += u64(view("unbondingOf(address)", {abi::address(id(k))}), 0);
    }
    std::map<quorum::NodeId, Hash> sits;  // node -> the unsettled seated job it sits in
    for (const Job& j : jobs) {
      const uint64_t e = u64(view("quorumJob(bytes32)", {abi::bytes32(j.id)}), kEscrow);
      if (j.settled) {
        EXPECT_EQ(e, 0u) << "a settled job holds no funds";
      }
      escrow += e;
      if (!j.settled) {
        for (const quorum::NodeId& n : j.seats) {
          EXPECT_TRUE(sits.emplace(n, j.id).second) << "a node sits in two unsettled rounds";
        }
      }
    }
    for (size_t k = 0; k < kAccounts; ++k) {
      const auto it = sits.find(id(k));
      EXPECT_EQ(testing::h256(view("seatOf(address)", {abi::address(id(k))}), 0),
                it == sits.end() ? Hash{} : it->second)
          << "seatOf of account " << k << " at step " << step;
    }
    EXPECT_EQ(balances, u64(view("totalBalance()", {}), 0)) << "step " << step << " " << sig;
    EXPECT_EQ(stakes, u64(view("totalStake()", {}), 0)) << "step " << step << " " << sig;
    EXPECT_EQ(unbonding, u64(view("totalUnbonding()", {}), 0)) << "step " << step << " " << sig;
    EXPECT_EQ(escrow, u64(view("totalEscrow()", {}), 0)) << "step " << step << " " << sig;
    if (HasFailure())
      return;
  }
  // The run reached every part of the contract, not only its reverts.
  EXPECT_GE(succeeded, 50u);
  EXPECT_GE(jobs.size(), 3u);
  EXPECT_GE(committed, 3u);
  EXPECT_GE(revealed, 1u);
  EXPECT_GE(settled, 1u);
  EXPECT_GE(seated, 3u);
  EXPECT_GE(refunded, 1u);
  std::cout << "invariant run: " << succeeded << " of 200 steps succeeded; " << jobs.size()
            << " jobs, " << seated << " seated, " << refunded << " refunded unseated, " << committed
            << " commits, " << revealed << " reveals, " << settled << " settled\n";
}

}  // namespace
}  // namespace vinfer::ledger::evm
