// A path in one test process's scratch directory. ctest runs every test case
// as its own process, two or more at a time, so a fixed name would be one
// file shared by cases that write and read it at once: the process id keeps
// each case's files its own. The directory goes, with everything in it, when
// the process exits: a test run leaves nothing behind in the temporary
// directory (a full ctest run left about a hundred files there each time).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace pristine::testing {

class ScratchDirectory {
 public:
  ScratchDirectory()
      : owner_(getpid()),
        path_(std::filesystem::temp_directory_path() / ("pristine-test-" + std::to_string(owner_))) {
    std::filesystem::remove_all(path_);  // a directory left by an earlier process with this id
    std::filesystem::create_directories(path_);
  }
  // Only the process that made it removes it: a child forked by a death
  // test that exits normally runs this destructor too.
  ~ScratchDirectory() {
    if (getpid() != owner_) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  pid_t owner_;
  std::filesystem::path path_;
};

inline const std::filesystem::path& scratch_directory() {
  static const ScratchDirectory directory;
  return directory.path();
}

inline std::filesystem::path scratch_path(const std::string& name) { return scratch_directory() / name; }

}  // namespace pristine::testing
