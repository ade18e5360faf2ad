// Graph input files (graph_input.hpp): JSON -> canonical int8 samples.
#include "vinfer/model/graph_input.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "model/file_io.hpp"

namespace vinfer::model {
namespace {

using nlohmann::json;

// Appends one sample (a flat array of numbers); `where` is "" or "sample 3: ".
Status read_sample(const json& a, const Shape& shape, const std::string& where, GraphInput* out) {
  const uint64_t elems = shape_elems(shape);
  if (!a.is_array()) {
    return fail(Errc::parse, "input: " + where + "expected an array of numbers, got " +
                                 std::string(a.type_name()));
  }
  if (a.size() != elems) {
    return fail(Errc::mismatch, "input: " + where + "holds " + std::to_string(a.size()) +
                                    " numbers; the model's input " + shape_str(shape) + " needs " +
                                    std::to_string(elems));
  }
  for (size_t i = 0; i < a.size(); ++i) {
    const json& v = a[i];
    if (!v.is_number()) {
      return fail(Errc::parse, "input: " + where + "element " + std::to_string(i) + " is " +
                                   std::string(v.type_name()) + ", not a number");
    }
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < -1.0 || x > 1.0) {
      return fail(Errc::invalid_argument,
                  "input: " + where + "element " + std::to_string(i) + " = " + v.dump() +
                      " is outside [-1, 1], the range of the int8 input encoding "
                      "(q = round(127 x))");
    }
    out->values.push_back(quantize_input(x));
  }
  return ok_status();
}

}  // namespace

Result<GraphInput> parse_graph_input(std::string_view text, const Shape& input_shape) {
  if (shape_elems(input_shape) == 0)
    return fail(Errc::invalid_argument, "input: the model's input shape is empty");
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    return fail(Errc::parse, "input: not JSON (at byte " + std::to_string(e.byte) + ")");
  } catch (const json::exception& e) {  // e.g. out_of_range: a number beyond double ("1e999")
    return fail(Errc::parse, std::string("input: ") + e.what());
  }
  if (!doc.is_array())
    return fail(Errc::parse, "input: expected a JSON array, got " + std::string(doc.type_name()));
  if (doc.empty())
    return fail(Errc::invalid_argument, "input: the array is empty");
  GraphInput out;
  if (!doc[0].is_array()) {
    out.batch = 1;
    VINFER_CHECK(read_sample(doc, input_shape, "", &out));
    return out;
  }
  if (doc.size() > UINT32_MAX)
    return fail(Errc::limit, "input: more than 2^32 - 1 samples");
  out.batched = true;
  out.batch = static_cast<uint32_t>(doc.size());
  out.values.reserve(doc.size() * shape_elems(input_shape));
  for (size_t s = 0; s < doc.size(); ++s)
    VINFER_CHECK(read_sample(doc[s], input_shape, "sample " + std::to_string(s) + ": ", &out));
  return out;
}

Result<GraphInput> load_graph_input(const std::filesystem::path& path, const Shape& input_shape) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxInputFileBytes) {
    return fail(Errc::limit, path.string() + ": input file larger than " +
                                 std::to_string(kMaxInputFileBytes) + " bytes");
  }
  VINFER_TRY(auto bytes, detail::read_file(path));
  auto in = parse_graph_input(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), input_shape);
  if (!in.ok())
    return fail(in.error().code, path.string() + ": " + in.error().message);
  return in;
}

}  // namespace vinfer::model
