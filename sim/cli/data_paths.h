// Where the tool's files are, found from the binary itself: no path of the
// source tree is compiled into `pristine`, so an installed copy (cmake
// --install) and the build tree work alike. Below <root>, the directory
// above bin/:
//   bin/pristine
//   share/pristine/images/         kernel.elf, sim-kernel.elf and their aarch64-* twins
//   share/pristine/scenarios/      the shipped scenarios
//   share/pristine/benches/        budgets.toml, budgets-aarch64.toml and the budget gate's scenarios/
//   libexec/pristine/hot_path_bench
// The build tree has the same layout: CMake links share/pristine/ and
// libexec/pristine/ there to the images it builds and to the source's data
// (CMakeLists.txt, "The tool's data"). PRISTINE_IMAGE_DIR overrides the
// images' directory.
#pragma once

#include <filesystem>

namespace pristine::cli {

struct DataPaths {
  std::filesystem::path root;  // above bin/: the build tree, or the install prefix
  std::filesystem::path images;
  std::filesystem::path scenarios;
  std::filesystem::path bench_scenarios;
  std::filesystem::path budgets;          // x86-64's
  std::filesystem::path budgets_aarch64;  // `pristine budget --arch aarch64`'s
  std::filesystem::path hot_path_bench;
};

DataPaths find_data_paths(const char* argv0);

}  // namespace pristine::cli
