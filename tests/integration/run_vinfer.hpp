// Runs the built `vinfer` binary as a user would (the helpers of every CLI test file).
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace vinfer_cli_test {

namespace fs = std::filesystem;

struct Outcome {
  int code = -1;
  std::string out, err;
  nlohmann::json json() const {
    auto j = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << "stdout is not JSON:\n" << out << "\nstderr:\n" << err;
    return j;
  }
};

inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q.append("'\\''");
    } else {
      q.push_back(c);
    }
  }
  q.push_back('\'');
  return q;
}

// Runs `env vinfer args...` through the shell; stdout and stderr are captured apart.
inline Outcome vinfer(const std::vector<std::string>& args, const std::string& env = "") {
  static int counter = 0;
  const fs::path err_file =
      fs::temp_directory_path() /
      ("vinfer_cli_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".err");
  std::string cmd;
  if (!env.empty()) {
    cmd.append("env ").append(env).append(" ");
  }
  cmd.append(quote(VINFER_BIN));
  for (const auto& a : args) {
    cmd.append(" ").append(quote(a));
  }
  cmd.append(" 2>").append(quote(err_file.string()));
  Outcome o;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) {
    ADD_FAILURE() << "popen failed: " << cmd;
    return o;
  }
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) {
    o.out.append(buf, n);
  }
  const int status = ::pclose(p);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_file);
  std::stringstream s;
  s << in.rdbuf();
  o.err = s.str();
  fs::remove(err_file);
  return o;
}

inline fs::path source_path(const std::string& rel) {
  return fs::path(VINFER_SOURCE_DIR) / rel;
}

// The small embedded model ($VINFER_TEST_MODEL overrides it), or a skip when it has not
// been built yet.
inline fs::path small_model() {
  const char* env = std::getenv("VINFER_TEST_MODEL");
  return env != nullptr && *env != '\0' ? fs::path(env) : source_path("models/kjv-small.gguf");
}
#define SKIP_WITHOUT_SMALL_MODEL()                                      \
  do {                                                                  \
    if (!fs::exists(small_model())) {                                   \
      GTEST_SKIP() << small_model() << " missing (tools/train_kjv.py)"; \
    }                                                                   \
  } while (0)

inline void expect_keys(const nlohmann::json& j, const std::vector<std::string>& keys) {
  for (const auto& k : keys) {
    EXPECT_TRUE(j.contains(k)) << "missing key " << k << " in\n" << j.dump(2);
  }
}

}  // namespace vinfer_cli_test
