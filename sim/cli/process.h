// Running other programs from the CLI (QEMU, the benchmark binary, git):
// argv vectors, never a shell; standard input always /dev/null.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace pristine::cli {

// Run `argv` with this process's standard output and error; its exit status,
// or -1 if it could not be started or died of a signal.
int run_process(const std::vector<std::string>& argv);

// Run `argv` and return its standard output if it exits with status 0 (its
// standard error is discarded).
std::optional<std::string> capture_process(const std::vector<std::string>& argv);

// Start `argv` with standard input, output and error on /dev/null (the
// sweep's workers: their report is a file); its pid, or -1 with the reason in
// `why`. The caller reaps it (waitpid).
pid_t start_silent_process(const std::vector<std::string>& argv, std::string& why);

// A child whose standard output this side reads as it comes (its standard
// error is inherited). A child still running when the object goes is killed
// and reaped.
class ChildProcess {
 public:
  struct Exit {
    bool exited = false;      // false: ended by a signal
    int status = 0;           // the exit status, when it exited
    double cpu_seconds = 0;   // user + system time it used
  };

  // The started child, or nullopt with the reason in `why`. With `input`,
  // its standard input is a pipe fed by feed_input(); else /dev/null.
  static std::optional<ChildProcess> start(const std::vector<std::string>& argv, std::string& why,
                                           bool input = false);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ~ChildProcess();

  // Waits up to `wait_ms` for output and appends what came to `into`; false
  // once the child has closed its standard output.
  bool read_output(std::string& into, int wait_ms);
  // Writes what the pipe takes now of `pending` (never blocks) and drops it
  // from `pending`; closes the pipe once `pending` is empty (the child reads
  // end of file) or the child stopped reading it.
  void feed_input(std::string& pending);
  void kill();
  Exit wait();

 private:
  ChildProcess(pid_t pid, int output, int input) : pid_(pid), output_(output), input_(input) {}
  pid_t pid_ = -1;
  int output_ = -1;
  int input_ = -1;
};

}  // namespace pristine::cli
