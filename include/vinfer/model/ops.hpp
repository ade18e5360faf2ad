// The operator enum and its properties, expanded from ops.def.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vinfer/commit/tensor_root.hpp"

namespace vinfer::model {

/// Every canonical operator (see ops.def).
enum class Op : uint8_t {
#define VINFER_OP(name, dtype, doc) name,
#include "vinfer/model/ops.def"
};

/// Number of operators.
inline constexpr size_t kOpCount = 0
#define VINFER_OP(name, dtype, doc) +1  // NOLINT(bugprone-macro-parentheses)
#include "vinfer/model/ops.def"
    ;

/// Name of an operator, as printed and as used in errors.
constexpr std::string_view op_name(Op op) {
  constexpr std::string_view names[] = {
#define VINFER_OP(name, dtype, doc) #name,
#include "vinfer/model/ops.def"
  };
  return names[static_cast<size_t>(op)];
}

/// Output element type of an operator.
constexpr commit::DType op_dtype(Op op) {
  constexpr commit::DType types[] = {
#define VINFER_OP(name, dtype, doc) commit::DType::dtype,
#include "vinfer/model/ops.def"
  };
  return types[static_cast<size_t>(op)];
}

/// What one output element depends on (documentation, printed by `vinfer model ops`).
constexpr std::string_view op_doc(Op op) {
  constexpr std::string_view docs[] = {
#define VINFER_OP(name, dtype, doc) doc,
#include "vinfer/model/ops.def"
  };
  return docs[static_cast<size_t>(op)];
}

}  // namespace vinfer::model
