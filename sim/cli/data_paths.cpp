#include "sim/cli/data_paths.h"

#include <cstdlib>

namespace pristine::cli {

DataPaths find_data_paths(const char* argv0) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path self = fs::canonical("/proc/self/exe", ec);
  if (ec) self = fs::absolute(argv0);
  const fs::path root = self.parent_path().parent_path();
  const fs::path share = root / "share" / "pristine";
  DataPaths paths{
      .root = root,
      .images = share / "images",
      .scenarios = share / "scenarios",
      .bench_scenarios = share / "benches" / "scenarios",
      .budgets = share / "benches" / "budgets.toml",
      .budgets_aarch64 = share / "benches" / "budgets-aarch64.toml",
      .hot_path_bench = root / "libexec" / "pristine" / "hot_path_bench",
  };
  if (const char* dir = std::getenv("PRISTINE_IMAGE_DIR")) paths.images = dir;
  return paths;
}

}  // namespace pristine::cli
