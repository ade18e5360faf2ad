// ONNX import (issue 3): an ONNX file -> FloatGraph (graph.hpp). Supported operators:
// Gemm, MatMul (+ a constant Add folded into its bias), Conv (2-D, group 1, no dilation),
// Relu, MaxPool, AveragePool, Add, Flatten (axis 1), Reshape (constant shape), Identity and
// Constant. Anything else is an Errc::unsupported error naming the op type and the node;
// malformed bytes give an error naming what is wrong (the parser never crashes on any input).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "vinfer/model/graph.hpp"
#include "vinfer/result.hpp"

namespace vinfer::model {

/// ONNX protobuf bytes -> float graph. `name` becomes the graph's name.
Result<FloatGraph> parse_onnx(std::span<const uint8_t> bytes, std::string name = "onnx");
/// Same from a file; the name is the file's stem ("mnist-mlp").
Result<FloatGraph> load_onnx(const std::filesystem::path& path);

/// True when the path names an ONNX file (extension ".onnx").
bool is_onnx_path(const std::filesystem::path& path);

/// `count` deterministic pseudo-random calibration samples of `elems` values in [0, 1)
/// (value i of sample s: the top 24 bits of mix64(mix64(s) ^ i), over 2^24): for graphs
/// with no data set.
std::vector<std::vector<float>> synthetic_calibration(uint64_t elems, uint32_t count);

/// The calibration set used by `vinfer` for a graph: the digits of
/// <data_dir>/mnist-calib.bin when the input has 784 elements (MNIST), else 64 synthetic
/// samples. Part of the conversion rule, so one ONNX file gives one model root.
Result<std::vector<std::vector<float>>> default_calibration(const FloatGraph& g,
                                                            const std::filesystem::path& data_dir);

/// load_onnx + default_calibration + quantize_graph.
Result<QGraph> load_onnx_canonical(const std::filesystem::path& path,
                                   const std::filesystem::path& data_dir);

}  // namespace vinfer::model
