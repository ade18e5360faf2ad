// load_onnx, the calibration rule and load_onnx_canonical (onnx.hpp): files to canonical
// graphs. The calibration set is part of the conversion rule, so it is fixed here.
#include "model/file_io.hpp"
#include "vinfer/arith/sampler.hpp"
#include "vinfer/model/digits.hpp"
#include "vinfer/model/onnx.hpp"

namespace vinfer::model {

bool is_onnx_path(const std::filesystem::path& path) {
  return path.extension() == ".onnx";
}

Result<FloatGraph> load_onnx(const std::filesystem::path& path) {
  VINFER_TRY(auto bytes, detail::read_file(path));
  auto g = parse_onnx(bytes, path.stem().string());
  if (!g.ok())
    return fail(g.error().code, path.string() + ": " + g.error().message);
  return g;
}

std::vector<std::vector<float>> synthetic_calibration(uint64_t elems, uint32_t count) {
  std::vector<std::vector<float>> out(count, std::vector<float>(elems));
  for (uint32_t s = 0; s < count; ++s) {
    const uint64_t seed = arith::mix64(s);
    for (uint64_t i = 0; i < elems; ++i) {
      const uint64_t r = arith::mix64(seed ^ i) >> 40;  // top 24 bits
      out[s][i] = static_cast<float>(r) / static_cast<float>(1u << 24);
    }
  }
  return out;
}

Result<std::vector<std::vector<float>>> default_calibration(const FloatGraph& g,
                                                            const std::filesystem::path& data_dir) {
  const uint64_t elems = shape_elems(g.input_shape);
  if (elems != kDigitPixels)
    return synthetic_calibration(elems, 64);
  const std::filesystem::path path = data_dir / "mnist-calib.bin";
  auto d = load_digits(path);
  if (!d.ok()) {
    return fail(d.error().code, "calibration digits " + path.string() +
                                    " (the rule for 784-input graphs): " + d.error().message);
  }
  if (d->count == 0)
    return fail(Errc::invalid_argument, "calibration digits " + path.string() + " hold no digit");
  std::vector<std::vector<float>> out;
  out.reserve(d->count);
  for (uint32_t i = 0; i < d->count; ++i)
    out.push_back(d->as_float(i));
  return out;
}

Result<QGraph> load_onnx_canonical(const std::filesystem::path& path,
                                   const std::filesystem::path& data_dir) {
  VINFER_TRY(FloatGraph g, load_onnx(path));
  VINFER_TRY(auto calib, default_calibration(g, data_dir));
  auto q = quantize_graph(g, calib);
  if (!q.ok())
    return fail(q.error().code, path.string() + ": " + q.error().message);
  return q;
}

}  // namespace vinfer::model
