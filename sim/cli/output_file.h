// Every file the command line writes (the JSON reports and traces of `pristine sim`,
// `pristine calibrate --host`, the benchmark JSON of `pristine budget`) goes
// through here, so that a report on disk is always a whole report of the run
// that just ended (docs/input-limits.md, "Command line and output files"):
//
//   1. output_path_problem() before the run: an output that cannot be written
//      is refused before any work (the caller exits 2 naming the flag).
//   2. remove_stale_output() when the run starts: a report left by an earlier
//      run is deleted, so a run that fails, crashes or is killed leaves no
//      report rather than an old one that could be taken for its own.
//   3. write_output() (or StagedOutput::commit()) at the end: the whole text
//      goes to a new temporary file in the same directory, every write, the
//      fsync and the close are checked, and only then is it renamed into
//      place. On any failure the temporary file is removed and nothing is at
//      the path.
//
// A path that names a device, a FIFO or a standard stream (/dev/stdout,
// /dev/null, /dev/full, a pipe) cannot be replaced by a rename: it is
// written in place, and every write and the close are still checked, so
// /dev/full fails. "-" is standard output (kStandardOutput), as in most
// tools: `pristine sim X --json - | jq`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace pristine::cli {

inline constexpr const char* kStandardOutput = "-";

// Why `path` cannot take an output file, or "" if it can: empty, a
// directory, a directory that does not exist, a place where no file can be
// created (tried: a temporary file is created and removed there), an existing
// file that is not writable.
std::string output_path_problem(const std::string& path);

// Deletes a regular file at `path` (an earlier run's report), following a
// symbolic link to the file it names; devices and streams are left alone.
// "" or why it could not.
std::string remove_stale_output(const std::string& path);

// Writes `text` to `path`, whole or not at all (see above). "" or why not; on
// failure no file (and no temporary file) is left at `path`.
std::string write_output(const std::string& path, std::string_view text);

// A temporary file beside `path` to be filled while work goes on (the
// benchmark binary's --benchmark_out, the trace `pristine sim --trace`
// streams); commit() puts its content at `path` as write_output() does. The
// temporary file is removed unless committed.
class StagedOutput {
 public:
  explicit StagedOutput(const std::string& path);  // throws std::runtime_error if no temporary file can be made
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;
  ~StagedOutput();

  const std::string& temporary() const { return temporary_; }
  std::string commit();  // "" or why not

 private:
  std::string path_;
  std::string temporary_;
  bool in_place_ = false;  // a device or stream: the temporary file lives in the system temp directory
  bool done_ = false;
};

// JSON text (indented, one final newline) that never throws: bytes that are
// not UTF-8 in any string become U+FFFD instead of an exception.
std::string json_text(const nlohmann::ordered_json& json);

}  // namespace pristine::cli
