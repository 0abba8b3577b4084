#include "sim/cli/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

extern char** environ;

namespace pristine::cli {
namespace {

// Start `args` with standard input from /dev/null, standard output to
// `stdout_fd` if given (closed here) and standard error discarded if asked;
// its pid, or -1 with the posix_spawn error in `error`.
pid_t spawn(const std::vector<std::string>& args, int stdout_fd, bool quiet_stderr, int& error) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (stdout_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  if (quiet_stderr) posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  error = args.empty() ? EINVAL : posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (stdout_fd >= 0) close(stdout_fd);
  return error == 0 ? pid : -1;
}

int status_of(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

}  // namespace

int run_process(const std::vector<std::string>& argv) {
  int error = 0;
  const pid_t pid = spawn(argv, -1, false, error);
  return pid < 0 ? -1 : status_of(pid);
}

std::optional<std::string> capture_process(const std::vector<std::string>& argv) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return std::nullopt;
  int error = 0;
  const pid_t pid = spawn(argv, out[1], true, error);
  if (pid < 0) {
    close(out[0]);
    return std::nullopt;
  }
  std::string output;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = read(out[0], buffer, sizeof buffer)) > 0) output.append(buffer, static_cast<std::size_t>(n));
  close(out[0]);
  if (status_of(pid) != 0) return std::nullopt;
  return output;
}

std::optional<ChildProcess> ChildProcess::start(const std::vector<std::string>& argv, std::string& why) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    why = std::strerror(errno);
    return std::nullopt;
  }
  int error = 0;
  const pid_t pid = spawn(argv, out[1], false, error);
  if (pid < 0) {
    close(out[0]);
    why = std::strerror(error);
    return std::nullopt;
  }
  return ChildProcess(pid, out[0]);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_), output_(other.output_) {
  other.pid_ = -1;
  other.output_ = -1;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill();
    wait();
  }
  if (output_ >= 0) close(output_);
}

bool ChildProcess::read_output(std::string& into, int wait_ms) {
  if (output_ < 0) return false;
  pollfd p{output_, POLLIN, 0};
  if (poll(&p, 1, wait_ms) <= 0) return true;
  char buffer[4096];
  const ssize_t n = read(output_, buffer, sizeof buffer);
  if (n > 0) {
    into.append(buffer, static_cast<std::size_t>(n));
    return true;
  }
  if (n < 0 && errno == EINTR) return true;
  close(output_);
  output_ = -1;
  return false;
}

void ChildProcess::kill() {
  if (pid_ > 0) ::kill(pid_, SIGKILL);
}

ChildProcess::Exit ChildProcess::wait() {
  Exit exit;
  if (pid_ <= 0) return exit;
  if (output_ >= 0) {
    close(output_);  // a child still writing gets SIGPIPE rather than blocking the wait
    output_ = -1;
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid_, &status, 0, &usage) == pid_) {
    exit.exited = WIFEXITED(status);
    exit.status = exit.exited ? WEXITSTATUS(status) : 0;
    exit.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  }
  pid_ = -1;
  return exit;
}

}  // namespace pristine::cli
