// A test process's scratch directory (tests/scratch_path.h): it goes, with
// everything in it, when the process that made it exits, and only then (a
// child forked by a death test exits normally too).
#include "tests/scratch_path.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

int exit_status(pid_t child) {
  int status = 0;
  EXPECT_EQ(waitpid(child, &status, 0), child);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ScratchPath, AProcessesFilesGoWhenItExits) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    const std::string path = pristine::testing::scratch_path("left-behind.txt").string();
    std::ofstream(path) << "x";
    const bool written = write(fds[1], path.data(), path.size()) == static_cast<ssize_t>(path.size());
    close(fds[1]);
    std::exit(written ? 0 : 1);  // static destructors run, as at a test's end
  }
  close(fds[1]);
  std::string path;
  char buffer[256];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) path.append(buffer, static_cast<std::size_t>(n));
  close(fds[0]);
  ASSERT_EQ(exit_status(child), 0);
  ASSERT_FALSE(path.empty());
  EXPECT_FALSE(fs::exists(path)) << path << " outlived its process";
}

TEST(ScratchPath, AForkedChildLeavesItsParentsFiles) {
  const fs::path mine = pristine::testing::scratch_path("mine.txt");
  std::ofstream(mine) << "x";
  ASSERT_TRUE(fs::exists(mine));
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) std::exit(0);  // runs the inherited directory's destructor
  ASSERT_EQ(exit_status(child), 0);
  EXPECT_TRUE(fs::exists(mine)) << "a child removed its parent's scratch directory";
}

}  // namespace
