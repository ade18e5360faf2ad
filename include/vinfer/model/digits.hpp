// Digit files (data/mnist-test.bin, data/mnist-calib.bin; written by tools/train_mnist.py):
// "VMNIST01", u32 LE count, then per digit a label byte (0..9) and 784 run-length coded
// pixels: a byte k in 1..255 is one pixel k/255; a byte 0 and a byte n in 1..255 are n
// zero pixels. Every digit decodes to exactly 784 pixels.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "vinfer/result.hpp"

namespace vinfer::model {

inline constexpr uint32_t kDigitPixels = 784;

/// Held-out or calibration digits: pixels[i * 784 + p] = k (pixel value k / 255).
struct Digits {
  uint32_t count = 0;
  std::vector<uint8_t> pixels;
  std::vector<uint8_t> labels;
  /// Pixels of digit i as floats k / 255 (the fp32 input).
  std::vector<float> as_float(uint32_t i) const;
};

/// Decodes a digit file; errors name the digit and byte offset.
Result<Digits> parse_digits(std::span<const uint8_t> bytes);
Result<Digits> load_digits(const std::filesystem::path& path);

}  // namespace vinfer::model
