#include "sim/cli/output_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <vector>

namespace pristine::cli {
namespace {

namespace fs = std::filesystem;

// Where an output goes: a regular file (replaced by a rename; the path with
// symbolic links resolved, so a link keeps pointing at the new file), or a
// device, FIFO or standard stream written in place.
struct Target {
  fs::path path;
  bool in_place = false;
};

bool names_a_stream(const std::string& path) {
  return path == kStandardOutput || path == "/dev/stdout" || path == "/dev/stderr" || path.starts_with("/dev/fd/") ||
         path.starts_with("/proc/self/fd/");
}

Target resolve(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (names_a_stream(path) || (fs::exists(st) && !fs::is_regular_file(st) && !fs::is_directory(st))) {
    return {path, true};
  }
  // Absolute first: a bare file name has no existing prefix, so
  // weakly_canonical would leave it relative with an empty parent directory.
  fs::path absolute = fs::absolute(path, ec);
  if (ec || absolute.empty()) absolute = path;
  fs::path resolved = fs::weakly_canonical(absolute, ec);
  if (ec || resolved.empty()) resolved = absolute;
  return {resolved, false};
}

std::string errno_text(const std::string& what) { return fmt::format("{}: {}", what, std::strerror(errno)); }

mode_t file_mode() {
  const mode_t mask = umask(0);
  umask(mask);
  return 0666 & ~mask;
}

// A new, empty file in the directory of `beside` (hidden, named after it); its
// descriptor, or -1 with errno set.
int create_temporary(const fs::path& beside, std::string& name) {
  const std::string base = beside.filename().string();
  const std::string hidden = fmt::format(".{}.tmp-XXXXXX", std::string_view(base).substr(0, 200));
  const std::string pattern = (beside.parent_path() / hidden).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  const int fd = mkostemp(buffer.data(), O_CLOEXEC);
  if (fd < 0) return -1;
  name = buffer.data();
  if (fchmod(fd, file_mode()) != 0) {
    const int saved = errno;
    close(fd);
    unlink(name.c_str());
    errno = saved;
    return -1;
  }
  return fd;
}

std::string write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_text("write failed");
    if (n == 0) return "write failed: no progress";
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return "";
}

// A device, FIFO or stream: opened without creating or truncating anything
// (appending, so /dev/stdout redirected to a file follows what was printed).
std::string write_in_place(const std::string& path, std::string_view text) {
  std::cout.flush();
  std::fflush(stdout);
  const int fd = path == kStandardOutput ? fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0)
                                         : open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return errno_text("cannot open");
  std::string why = write_all(fd, text);
  if (close(fd) != 0 && why.empty()) why = errno_text("close failed");
  return why;
}

// The temporary file's content made durable and renamed over `target`;
// the temporary file is removed on any failure.
std::string finish(int fd, const std::string& temporary, const fs::path& target, std::string why) {
  if (why.empty() && fsync(fd) != 0) why = errno_text("fsync failed");
  if (close(fd) != 0 && why.empty()) why = errno_text("close failed");
  if (why.empty() && std::rename(temporary.c_str(), target.c_str()) != 0) {
    why = errno_text(fmt::format("cannot rename {} to it", temporary));
  }
  if (!why.empty()) unlink(temporary.c_str());
  return why;
}

}  // namespace

std::string output_path_problem(const std::string& path) {
  if (path.empty()) return "is empty: it names no file";
  if (path.back() == '/') return "ends in '/': it names a directory, not a file";
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (fs::is_directory(st)) return "is a directory";
  const Target target = resolve(path);
  if (path == kStandardOutput) return fcntl(STDOUT_FILENO, F_GETFL) < 0 ? "standard output is closed" : "";
  if (target.in_place) {
    if (!fs::exists(st)) return "no such file";
    if (access(path.c_str(), W_OK) != 0) return errno_text("not writable");
    return "";
  }
  const fs::path dir = target.path.parent_path();
  if (!fs::is_directory(dir, ec)) {
    return fmt::format("{}: {}", dir.string(), fs::exists(dir, ec) ? "not a directory" : "no such directory");
  }
  if (fs::exists(st) && access(target.path.c_str(), W_OK) != 0) return errno_text("not writable");
  std::string temporary;
  const int fd = create_temporary(target.path, temporary);
  if (fd < 0) return errno_text(fmt::format("{}: cannot create a file there", dir.string()));
  close(fd);
  unlink(temporary.c_str());
  return "";
}

std::string remove_stale_output(const std::string& path) {
  const Target target = resolve(path);
  std::error_code ec;
  if (target.in_place || !fs::is_regular_file(fs::symlink_status(target.path, ec))) return "";
  if (unlink(target.path.c_str()) != 0 && errno != ENOENT) {
    return errno_text(fmt::format("cannot remove the earlier {}", target.path.string()));
  }
  return "";
}

std::string write_output(const std::string& path, std::string_view text) {
  if (path.empty()) return "is empty: it names no file";
  const Target target = resolve(path);
  if (target.in_place) return write_in_place(path, text);
  std::string temporary;
  const int fd = create_temporary(target.path, temporary);
  if (fd < 0) return errno_text(fmt::format("cannot create a temporary file in {}", target.path.parent_path().string()));
  return finish(fd, temporary, target.path, write_all(fd, text));
}

StagedOutput::StagedOutput(const std::string& path) : path_(path) {
  const Target target = resolve(path);
  in_place_ = target.in_place;
  const fs::path beside = in_place_ ? fs::temp_directory_path() / "pristine-output" : target.path;
  const int fd = create_temporary(beside, temporary_);
  if (fd < 0) throw std::runtime_error(errno_text(fmt::format("{}: cannot create a temporary file", path)));
  close(fd);
}

StagedOutput::~StagedOutput() {
  if (!done_) unlink(temporary_.c_str());
}

std::string StagedOutput::commit() {
  done_ = true;
  if (in_place_) {
    // In chunks: a trace may be larger than memory should hold.
    std::ifstream in(temporary_, std::ios::binary);
    std::vector<char> chunk(std::size_t{1} << 20);
    std::string why;
    bool first = true;
    while (why.empty() && in) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      if (in.gcount() == 0 && !first) break;
      why = write_in_place(path_, std::string_view(chunk.data(), static_cast<std::size_t>(in.gcount())));
      first = false;
    }
    if (why.empty() && in.bad()) why = "cannot read " + temporary_;
    unlink(temporary_.c_str());
    return why;
  }
  const int fd = open(temporary_.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    std::string why = errno_text("cannot open " + temporary_);
    unlink(temporary_.c_str());
    return why;
  }
  return finish(fd, temporary_, resolve(path_).path, "");
}

std::string json_text(const nlohmann::ordered_json& json) {
  return json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace pristine::cli
