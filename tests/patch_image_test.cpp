// sim/tools/patch_image, which makes the broken images that remove or change
// an instruction: it patches exactly the named site, and refuses (writing
// nothing) a site that does not hold the expected bytes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/run_command.h"

namespace {

namespace fs = std::filesystem;

const fs::path kImage = PRISTINE_BUILD_DIR "/images/sim-kernel.elf";

fs::path output(const std::string& name) {
  const fs::path path = fs::path(PRISTINE_BUILD_DIR "/tests") / name;
  fs::remove(path);
  return path;
}

pristine::testing::CommandResult patch(const fs::path& out, const std::string& site_and_bytes) {
  return pristine::testing::run_command(std::string(PRISTINE_BUILD_DIR "/bin/patch_image ") + kImage.string() + " " +
                                        out.string() + " " + site_and_bytes);
}

std::vector<char> bytes_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(PatchImage, ReplacesTheExpectedBytesAndNothingElse) {
  const fs::path out = output("patched-swapgs.elf");
  const auto r = patch(out, "AT interrupt_return_swapgs 0f01f8 909090");
  ASSERT_EQ(r.status, 0) << r.output;
  const std::vector<char> before = bytes_of(kImage), after = bytes_of(out);
  ASSERT_EQ(before.size(), after.size());
  std::vector<std::size_t> changed;
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (before[i] != after[i]) changed.push_back(i);
  }
  ASSERT_EQ(changed.size(), 3u);
  EXPECT_EQ(changed[2] - changed[0], 2u) << "three bytes in a row";
  for (const std::size_t i : changed) EXPECT_EQ(static_cast<unsigned char>(after[i]), 0x90);
}

TEST(PatchImage, RefusesASiteThatDoesNotHoldTheExpectedBytes) {
  const fs::path out = output("refused-swapgs.elf");
  const auto r = patch(out, "AT interrupt_return_swapgs 0f01f9 909090");  // swapgs is 0f01f8
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("the bytes at interrupt_return_swapgs are 0f01f8, not the expected 0f01f9"), std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(out)) << "nothing written";
}

TEST(PatchImage, RefusesACallThatIsNotThere) {
  const fs::path out = output("refused-call.elf");
  // interrupt_return_swapgs holds swapgs, not a call of now().
  const auto r = patch(out, "AT interrupt_return_swapgs call:pristine::machine::now 0f1f440000");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_FALSE(fs::exists(out));
}

TEST(PatchImage, RefusesASearchedSiteThatIsNotUnique) {
  const fs::path out = output("refused-ambiguous.elf");
  // dispatch_other_interrupt sends an EOI on several paths: which one is meant?
  const auto r = patch(out, "IN pristine::dispatch_other_interrupt call:pristine::machine::end_of_interrupt 0f1f440000");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("more than once"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
}

TEST(PatchImage, RefusesAReplacementOfAnotherLength) {
  const fs::path out = output("refused-length.elf");
  const auto r = patch(out, "AT interrupt_return_swapgs 0f01f8 90");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
