// The one-step referee (DESIGN §5 step 5): recomputes ONE element of ONE step. The
// operator, shape and operands come from the schedule of the claimed model and job; the
// operand values are opened against the accumulator root both sides agree on (the root
// after steps 0..k-1) and the model's weights root; nothing is taken from a party but
// the openings themselves, which are checked.
//
// One rule per operator (referee_rule, expanded from model/ops.def so an operator added
// there without a rule here does not compile). A rule reads its operands through an
// ElementSource: the referee's source checks openings from a bundle; a party's source
// builds the same bundle from its own data. One code path, so the bundle a party builds
// is exactly what the referee asks for.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "vinfer/commit/accumulator.hpp"
#include "vinfer/commit/tensor_root.hpp"
#include "vinfer/dispute/types.hpp"
#include "vinfer/model/canonical.hpp"
#include "vinfer/model/job.hpp"
#include "vinfer/model/model_root.hpp"
#include "vinfer/model/ops.hpp"
#include "vinfer/model/schedule.hpp"
#include "vinfer/result.hpp"

namespace vinfer::dispute {

/// How the referee recomputes one element of an operator's output.
enum class RefereeKind : uint8_t {
  elementwise,  ///< a few operand elements and scalars
  row,          ///< one operand row (a dot product, a reduction, a sampler over one row)
  gather,       ///< one element from each of several cached steps (attention x values)
  unsupported,  ///< graph operators: proof mode only, no optimistic game
};

struct RefereeRule {
  RefereeKind kind;
  std::string_view note;
};

/// The rule of every operator (a compile-time table over ops.def).
RefereeRule referee_rule(model::Op op);
/// "elementwise", "row", "gather", "unsupported".
const char* referee_kind_name(RefereeKind k);

/// What the referee knows about a game: the registered architecture, the weights root
/// (checked against the model root at registration), the job, and its schedule.
struct RefereeContext {
  model::LlamaConfig cfg;
  int64_t norm_eps_q24 = 0;
  Hash weights_root{};
  model::Job job;
  model::Schedule sched;
  std::vector<int32_t> rope;  ///< arith::rope_table(head_dim, seq_len, rope_theta)

  static Result<RefereeContext> create(const model::LlamaConfig& cfg,
                                       int64_t norm_eps_q24,
                                       const Hash& weights_root,
                                       const model::Job& job);
};

/// Operand elements [begin, end) of an earlier step, opened against the agreed root.
struct StepOperandOpening {
  uint64_t step = 0;
  Hash step_root{};               ///< the operand step's tensor root (= trace leaf `step`)
  commit::TraceOpening in_trace;  ///< leaf `step` of the accumulator after k appends
  commit::RangeOpening elements;
};

/// Weight elements [begin, end) of one committed weight tensor.
struct WeightOpening {
  uint32_t tensor = 0;  ///< index in the weights order (model/weight_tensors.hpp)
  Hash tensor_root{};
  commit::MerkleProof in_weights;  ///< tensor_root's path to the weights root
  commit::RangeOpening elements;
};

/// Every opening one element's recomputation reads, in the order the rule reads them.
struct OperandBundle {
  std::vector<StepOperandOpening> steps;
  std::vector<WeightOpening> weights;
};

/// Where a rule reads its operands from.
class ElementSource {
 public:
  virtual ~ElementSource() = default;
  /// Elements [begin, end) of step `step`'s output (step < the disputed step).
  virtual Result<std::vector<int64_t>> step_values(uint64_t step, uint64_t begin, uint64_t end) = 0;
  /// Elements [begin, end) of weight tensor `tensor`.
  virtual Result<std::vector<int64_t>> weight_values(uint32_t tensor,
                                                     uint64_t begin,
                                                     uint64_t end) = 0;
};

/// The value element `e` of step `k` must have, and what it cost.
struct ElementValue {
  int64_t value = 0;  ///< as the step's dtype holds it, sign-extended
  uint64_t macs = 0;  ///< multiply-accumulates the recomputation did
  uint64_t operand_elements = 0;
};

/// Recomputes element e of step k from `src`; errors name the step and what failed.
Result<ElementValue> recompute_element(const RefereeContext& ctx,
                                       uint64_t k,
                                       uint64_t e,
                                       ElementSource& src);

/// The referee: recomputes element e of step k with every operand opened from `bundle`
/// against `agreed_root` (the accumulator root after k appends) and ctx.weights_root.
/// Rejects, naming the entry, an opening that does not verify, that is not the one the
/// rule asks for next, or a bundle with entries left over.
Result<ElementValue> referee_element(const RefereeContext& ctx,
                                     uint64_t k,
                                     uint64_t e,
                                     const Hash& agreed_root,
                                     const OperandBundle& bundle);

/// A party's own data, from which it builds bundles.
struct PartyData {
  const commit::TraceAccumulator* trace = nullptr;  ///< its accumulator (size > k)
  /// The bytes of an earlier step's output (rows*cols elements of its dtype).
  std::function<std::span<const uint8_t>(uint64_t step)> output_of;
  const model::CanonicalModel* model = nullptr;        ///< the weights it ran with
  const model::ModelCommitment* commitment = nullptr;  ///< commit_model(*model)
};

/// Builds the bundle the referee asks for to recompute element e of step k, and returns
/// the value the party's data implies for it.
Result<ElementValue> build_bundle(const RefereeContext& ctx,
                                  uint64_t k,
                                  uint64_t e,
                                  const PartyData& data,
                                  OperandBundle* bundle);

/// Multiply-accumulates of recomputing the whole step k (for comparison with one element).
uint64_t step_macs(const RefereeContext& ctx, uint64_t k);

}  // namespace vinfer::dispute
