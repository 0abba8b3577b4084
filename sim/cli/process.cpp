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

// Start `args` with standard input from `stdin_fd` if given (closed here)
// or /dev/null, standard output to `stdout_fd` if given (closed here) and
// standard error discarded if asked; its pid, or -1 with the posix_spawn
// error in `error`.
pid_t spawn(const std::vector<std::string>& args, int stdout_fd, bool quiet_stderr, int& error, int stdin_fd = -1) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdin_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, STDIN_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  if (stdout_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  if (quiet_stderr) posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  // The child starts with no signal blocked and SIGINT/SIGTERM at their
  // defaults, whatever this side blocked or caught (the sweep blocks both).
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  error = args.empty() ? EINVAL : posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (stdout_fd >= 0) close(stdout_fd);
  if (stdin_fd >= 0) close(stdin_fd);
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

pid_t start_silent_process(const std::vector<std::string>& argv, std::string& why) {
  const int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null < 0) {
    why = std::strerror(errno);
    return -1;
  }
  int error = 0;
  const pid_t pid = spawn(argv, null, true, error);
  if (pid < 0) why = std::strerror(error);
  return pid;
}

std::optional<ChildProcess> ChildProcess::start(const std::vector<std::string>& argv, std::string& why, bool input) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    why = std::strerror(errno);
    return std::nullopt;
  }
  int in[2] = {-1, -1};
  if (input && pipe2(in, O_CLOEXEC) != 0) {
    why = std::strerror(errno);
    close(out[0]);
    close(out[1]);
    return std::nullopt;
  }
  // Our end never blocks: feed_input writes what fits while the output is read.
  if (input) fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
  int error = 0;
  const pid_t pid = spawn(argv, out[1], false, error, in[0]);
  if (pid < 0) {
    close(out[0]);
    if (input) close(in[1]);
    why = std::strerror(error);
    return std::nullopt;
  }
  return ChildProcess(pid, out[0], in[1]);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_), output_(other.output_), input_(other.input_) {
  other.pid_ = -1;
  other.output_ = -1;
  other.input_ = -1;
}

void ChildProcess::feed_input(std::string& pending) {
  if (input_ < 0) return;
  while (!pending.empty()) {
    const ssize_t n = write(input_, pending.data(), pending.size());
    if (n > 0) {
      pending.erase(0, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      return;  // the pipe is full: more later
    } else {
      pending.clear();  // the child closed its end (EPIPE): nobody reads the rest
    }
  }
  close(input_);
  input_ = -1;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill();
    wait();
  }
  if (output_ >= 0) close(output_);
  if (input_ >= 0) close(input_);
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
