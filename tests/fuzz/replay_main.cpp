// The fuzz targets' replay driver: runs every file of the directories given
// on the command line (sorted, so the order is the same on every machine)
// through LLVMFuzzerTestOneInput. ctest runs it over each target's seed
// corpus and its regression corpus (every input that ever crashed a target),
// in every build; a crash, a hang past ctest's timeout or a sanitizer report
// fails the test. libFuzzer builds (the asan preset) link the target with
// -fsanitize=fuzzer instead of this file (docs/input-limits.md).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path dir(argv[i]);
    if (!std::filesystem::is_directory(dir)) {
      std::fprintf(stderr, "%s: not a directory\n", argv[i]);
      return 2;
    }
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      // Dot files (.gitkeep of an empty regression corpus) are not inputs.
      if (entry.is_regular_file() && entry.path().filename().string()[0] != '.') files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const std::filesystem::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("%zu inputs replayed\n", files.size());
  return 0;
}
