// The raw engine of the speed benchmarks (benches/raw_engine.h): the blob
// runs to its end, computes what its loop says, and executes exactly
// raw_engine_instructions(turns) instructions, as its counting block hook
// sees them. No timing is judged here.
#include "benches/raw_engine.h"

#include <gtest/gtest.h>

#include <regex>

namespace pristine::bench {
namespace {

TEST(RawEngine, InstructionCountFollowsTheLoop) {
  EXPECT_EQ(raw_engine_instructions(1), 16u);
  EXPECT_EQ(raw_engine_instructions(100'000), 1'500'001u);
}

TEST(RawEngine, CountingHookSeesExactlyTheLoopsInstructions) {
  RawEngine engine(RawHooks::counting_block);
  for (std::uint64_t turns : {1, 2, 3, 1000, 1, 50'000}) {  // later runs reuse the memo
    const RawRun run = engine.run(turns);
    EXPECT_EQ(run.counted, raw_engine_instructions(turns)) << turns << " turns";
    EXPECT_EQ(run.sum, turns * (turns + 1) / 2) << turns << " turns";
    EXPECT_EQ(run.last, 1u);
  }
}

TEST(RawEngine, WithoutHooksTheBlobComputesTheSameAndCountsNothing) {
  RawEngine engine(RawHooks::none);
  const RawRun run = engine.run(1000);
  EXPECT_EQ(run.counted, 0u);
  EXPECT_EQ(run.sum, 500'500u);
  EXPECT_EQ(run.last, 1u);
}

TEST(RawEngine, ZeroTurnsIsRefused) {
  RawEngine engine(RawHooks::none);
  EXPECT_THROW(engine.run(0), std::runtime_error);
}

TEST(RawEngine, VersionIsTheLoadedLibrarys) {
  EXPECT_TRUE(std::regex_match(unicorn_version(), std::regex("2\\.[0-9]+\\.[0-9]+"))) << unicorn_version();
}

}  // namespace
}  // namespace pristine::bench
