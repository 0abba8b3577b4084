#include "sim/cli/sweep_command.h"

#include <fmt/format.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "sim/cli/output_file.h"
#include "sim/cli/process.h"
#include "sim/cli/progress_meter.h"
#include "sim/cli/sweep_result.h"
#include "sim/scenario.h"

namespace pristine::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as a shell reports it

// The sweep waits for two things at once: a worker's end (SIGCHLD) and an
// interrupt (SIGINT or SIGTERM: start no more seeds, stop the running ones,
// leave nothing behind). All three are blocked while it lives and taken with
// sigwaitinfo, so none can arrive between a check and the wait. The workers
// start with an empty mask (sim/cli/process.cpp).
class SweepSignals {
 public:
  SweepSignals() {
    sigemptyset(&set_);
    for (const int signal : {SIGCHLD, SIGINT, SIGTERM}) sigaddset(&set_, signal);
    sigprocmask(SIG_BLOCK, &set_, &old_mask_);
  }
  SweepSignals(const SweepSignals&) = delete;
  SweepSignals& operator=(const SweepSignals&) = delete;
  ~SweepSignals() {
    // An interrupt taken here is done with; one still pending would kill the
    // process once unblocked, after the sweep said what ran.
    const timespec now{0, 0};
    while (sigtimedwait(&set_, nullptr, &now) > 0) {
    }
    sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
  }

  // Until a worker may have ended or an interrupt came.
  void wait() {
    const int signal = sigwaitinfo(&set_, nullptr);
    if (signal == SIGINT || signal == SIGTERM) interrupted_ = true;
  }
  bool interrupted() const { return interrupted_; }

 private:
  sigset_t set_{};
  sigset_t old_mask_{};
  bool interrupted_ = false;
};

// A directory for the workers' reports, removed with everything in it.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    std::string pattern = (fs::temp_directory_path() / "pristine-sweep-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error(fmt::format("cannot create a directory for the workers' reports ({}): {}", pattern,
                                           strerror(errno)));
    }
    path_ = pattern;
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  ~TemporaryDirectory() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string how_it_ended(int status) {
  if (WIFSIGNALED(status)) {
    const char* name = sigabbrev_np(WTERMSIG(status));
    return fmt::format("signal {} (SIG{})", WTERMSIG(status), name ? name : "?");
  }
  return fmt::format("exit status {}", WEXITSTATUS(status));
}

// The verdict of the seed whose worker ended with `status`, from its report
// if it wrote one.
SeedVerdict judge(std::uint64_t seed, int status, const fs::path& report_file,
                  std::map<std::string, PathWorst>& worst) {
  const auto crash = [&](const std::string& how) { return SeedVerdict{seed, false, {kCrashKind}, how}; };
  // `pristine sim` exits 0 (pass) or 1 (fail) after writing its report; any
  // other end left none, or one that is not its own.
  const bool finished = WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 1);
  std::ifstream in(report_file);
  if (!finished || !in) return crash(how_it_ended(status) + (finished ? " without a report" : ""));
  try {
    std::map<std::string, PathWorst> seen;
    SeedVerdict verdict = read_seed_report(seed, nlohmann::json::parse(in), seen);
    for (const auto& [path, w] : seen) fold_worst(worst, path, w);
    return verdict;
  } catch (const std::exception& e) {
    return crash(fmt::format("{} with an unreadable report: {}", how_it_ended(status), e.what()));
  }
}

int write_result(const std::optional<std::string>& json, const std::optional<std::string>& junit,
                 const SweepResult& result, const char* command) {
  int status = kExitPass;
  if (json) {
    if (const std::string why = write_output(*json, json_text(to_json(result))); !why.empty()) {
      std::cerr << fmt::format("pristine {}: --json '{}': the sweep result was NOT written: {}\n", command, *json, why);
      status = kExitBadInput;
    }
  }
  if (junit) {
    if (const std::string why = write_output(*junit, sim::render_junit("pristine sweep", {junit_suite(result)}));
        !why.empty()) {
      std::cerr << fmt::format("pristine {}: --junit '{}': the JUnit report was NOT written: {}\n", command, *junit,
                               why);
      status = kExitBadInput;
    }
  }
  return status;
}

bool refuse_output(const std::optional<std::string>& json, const std::optional<std::string>& junit,
                   const char* command) {
  for (const auto& [flag, file] : {std::pair{"--json", &json}, std::pair{"--junit", &junit}}) {
    if (!*file) continue;
    std::string why = output_path_problem(**file);
    if (why.empty()) why = remove_stale_output(**file);
    if (why.empty()) continue;
    std::cerr << fmt::format("pristine {}: {} '{}': {}\n", command, flag, **file, why);
    return true;
  }
  return false;
}

}  // namespace

int run_sweep(const SweepOptions& o) {
  // Everything a worker would refuse is refused once, here, before any runs.
  sim::load_scenario(o.scenario);  // throws ScenarioError naming the file and line
  std::ifstream scenario_in(o.scenario, std::ios::binary);
  std::stringstream scenario_bytes;
  scenario_bytes << scenario_in.rdbuf();
  std::error_code ec;
  if (!fs::is_regular_file(o.image, ec)) {
    std::cerr << fmt::format("pristine sweep: --image '{}': no such file\n", o.image.string());
    return kExitBadInput;
  }
  if (refuse_output(o.json, o.junit, "sweep")) return kExitBadInput;

  SweepResult result{.scenario = o.scenario.string(),
                     .scenario_digest = scenario_digest(scenario_bytes.str()),
                     .image = o.image_given ? o.image.string() : "",
                     .range = o.range,
                     .shard = o.shard};
  const std::uint64_t total = shard_size(o.range, o.shard);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const std::uint64_t jobs = std::min<std::uint64_t>(o.jobs ? o.jobs : cores, std::max<std::uint64_t>(total, 1));
  SweepSignals signals;  // before the directory: it outlives the directory's removal
  TemporaryDirectory reports;
  const auto report_file = [&](std::uint64_t seed) { return reports.path() / fmt::format("{}.json", seed); };

  std::map<pid_t, std::uint64_t> running;  // worker -> its seed
  std::vector<SeedVerdict> verdicts;
  verdicts.reserve(total);
  std::uint64_t next = 0, failed = 0;  // next: the shard's next seed, as an index
  ProgressMeter progress(fmt::format("sweep {}", describe(o.range, o.shard)), total);
  bool stopping = false;  // interrupted: the running workers were told to stop
  while (next < total || !running.empty()) {
    if (signals.interrupted() && !stopping) {
      stopping = true;
      next = total;
      for (const auto& [worker, seed] : running) ::kill(worker, SIGTERM);
    }
    while (next < total && running.size() < jobs) {
      const std::uint64_t seed = o.range.first + o.shard.index + next * o.shard.count;
      ++next;
      std::string why;
      const pid_t pid = start_silent_process({"/proc/self/exe", "sim", o.scenario.string(), "--seed",
                                              std::to_string(seed), "--json", report_file(seed).string(), "--image",
                                              o.image.string()},
                                             why);
      if (pid < 0) {
        verdicts.push_back({seed, false, {kCrashKind}, "the worker could not be started: " + why});
        ++failed;
        continue;
      }
      running.emplace(pid, seed);
    }
    if (running.empty()) continue;
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid == 0) {  // none ended yet
      signals.wait();
      continue;
    }
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(fmt::format("waiting for the workers: {}", strerror(errno)));
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;  // not a worker of ours
    const std::uint64_t seed = it->second;
    running.erase(it);
    if (stopping) {  // its end is the interrupt's, not the seed's verdict
      fs::remove(report_file(seed), ec);
      continue;
    }
    verdicts.push_back(judge(seed, status, report_file(seed), result.worst));
    failed += verdicts.back().pass ? 0 : 1;
    fs::remove(report_file(seed), ec);
    progress.update(verdicts.size(), failed);
  }
  progress.finish(verdicts.size(), failed);

  std::sort(verdicts.begin(), verdicts.end(), [](const SeedVerdict& a, const SeedVerdict& b) { return a.seed < b.seed; });
  result.seeds = std::move(verdicts);
  if (stopping) {
    // What finished, for a person; no result file: a partial sweep must not
    // pass for a shard (sweep merge would count it whole).
    std::cout << render_summary(result);
    std::cout << fmt::format("interrupted: {} of {} seeds ran; the sweep result was NOT written\n",
                             result.seeds.size(), total)
              << std::flush;
    return kExitInterrupted;
  }
  std::cout << render_summary(result) << std::flush;
  if (const int written = write_result(o.json, o.junit, result, "sweep"); written != kExitPass) return written;
  return result.failed() == 0 ? kExitPass : kExitFail;
}

int run_sweep_merge(const SweepMergeOptions& o) {
  if (refuse_output(o.json, o.junit, "sweep merge")) return kExitBadInput;
  std::vector<SweepResult> shards;
  try {
    for (const std::string& file : o.files) {
      std::ifstream in(file);
      if (!in) throw std::runtime_error(fmt::format("{}: cannot be read: {}", file, strerror(errno)));
      nlohmann::json json;
      try {
        json = nlohmann::json::parse(in);
      } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error(fmt::format("{}: not JSON: {}", file, e.what()));
      }
      shards.push_back(sweep_result_from_json(json, file));
    }
    const SweepResult merged = merge_shards(shards, o.files);
    std::cout << render_summary(merged) << std::flush;
    if (const int written = write_result(o.json, o.junit, merged, "sweep merge"); written != kExitPass) return written;
    return merged.failed() == 0 ? kExitPass : kExitFail;
  } catch (const std::runtime_error& e) {
    std::cerr << fmt::format("pristine sweep merge: {}\n", e.what());
    return kExitBadInput;
  }
}

}  // namespace pristine::cli
