#include "sim/cli/swarm_command.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "sim/cli/output_file.h"
#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/simulation.h"
#include "sim/swarm.h"

namespace pristine::cli {
namespace {

struct SeedResult {
  bool pass = false;
  std::string why;  // the violation kinds, or the error
};

std::string scenario_name(std::uint64_t seed) { return fmt::format("swarm-{}.toml", seed); }

SeedResult run_seed(std::uint64_t seed, const std::filesystem::path& image) {
  try {
    const sim::Scenario scenario = sim::parse_scenario(sim::draw_swarm_scenario(seed), scenario_name(seed));
    const sim::Report report = sim::make_simulation(scenario, image)->run();
    if (report.pass()) return {true, ""};
    std::vector<std::string> kinds;
    for (const sim::Violation& v : report.violations) {
      if (std::find(kinds.begin(), kinds.end(), v.kind) == kinds.end()) kinds.push_back(v.kind);
    }
    for (const sim::HandlerReport& h : report.handlers) {
      if (!h.within_budget()) kinds.push_back("budget:" + h.name);
    }
    std::string why;
    for (const std::string& k : kinds) why += (why.empty() ? "" : ", ") + k;
    return {false, why};
  } catch (const std::exception& e) {
    return {false, fmt::format("error: {}", e.what())};
  }
}

// A worker: seeds first + k, first + k + jobs, ...; one line per seed on `fd`.
[[noreturn]] void worker(int fd, const SwarmOptions& o, unsigned k, unsigned jobs) {
  for (std::uint64_t i = k; i < o.seeds; i += jobs) {
    const std::uint64_t seed = o.first + i;
    const SeedResult r = run_seed(seed, o.image);
    std::string line = fmt::format("{} {} {}\n", seed, r.pass ? 1 : 0, r.why);
    std::replace(line.begin(), line.end() - 1, '\n', ' ');
    for (std::size_t done = 0; done < line.size();) {
      const ssize_t n = write(fd, line.data() + done, line.size() - done);
      if (n <= 0) _exit(3);
      done += static_cast<std::size_t>(n);
    }
  }
  _exit(0);
}

int replay(const SwarmOptions& o) {
  const std::string text = sim::draw_swarm_scenario(*o.replay);
  if (!o.write.empty()) {
    if (const std::string problem = write_output(o.write, text); !problem.empty()) {
      std::cerr << fmt::format("error: --write {}: the scenario was NOT written: {}\n", o.write, problem);
      return 2;
    }
    std::cout << fmt::format("wrote {} (run it with: pristine sim {})\n", o.write, o.write);
  }
  const sim::Scenario scenario =
      sim::parse_scenario(text, o.write.empty() ? scenario_name(*o.replay) : o.write);
  const sim::Report report = sim::make_simulation(scenario, o.image)->run();
  std::cout << sim::render_text(report);
  return report.pass() ? 0 : 1;
}

}  // namespace

int run_swarm(const SwarmOptions& o) {
  if (o.replay) return replay(o);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned jobs = static_cast<unsigned>(std::min<std::uint64_t>(o.jobs ? o.jobs : cores, std::max<std::uint64_t>(o.seeds, 1)));
  std::vector<int> fds;
  std::vector<pid_t> pids;
  std::cout.flush();
  for (unsigned k = 0; k < jobs; ++k) {
    int p[2];
    if (pipe(p) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      close(p[0]);
      worker(p[1], o, k, jobs);
    }
    close(p[1]);
    fds.push_back(p[0]);
    pids.push_back(pid);
  }
  // Collect every worker's lines as they come (poll: no worker ever blocks
  // on a full pipe while another is read to its end).
  std::map<std::uint64_t, SeedResult> results;
  std::vector<std::string> partial(fds.size());
  std::size_t open = fds.size();
  std::uint64_t reported = 0;
  while (open > 0) {
    std::vector<pollfd> polls;
    for (int fd : fds) polls.push_back({fd, POLLIN, 0});
    if (poll(polls.data(), polls.size(), -1) < 0) throw std::runtime_error("poll failed");
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i] < 0 || (polls[i].revents & (POLLIN | POLLHUP)) == 0) continue;
      char buffer[4096];
      const ssize_t n = read(fds[i], buffer, sizeof buffer);
      if (n <= 0) {
        close(fds[i]);
        fds[i] = -1;
        --open;
        continue;
      }
      partial[i].append(buffer, static_cast<std::size_t>(n));
      for (std::size_t end; (end = partial[i].find('\n')) != std::string::npos;) {
        const std::string line = partial[i].substr(0, end);
        partial[i].erase(0, end + 1);
        const std::size_t a = line.find(' '), b = line.find(' ', a + 1);
        results[std::stoull(line.substr(0, a))] = {line.substr(a + 1, b - a - 1) == "1", line.substr(b + 1)};
      }
    }
    if (results.size() / 100 != reported / 100) {
      reported = results.size();
      std::cerr << fmt::format("swarm: {}/{} seeds run\n", results.size(), o.seeds);
    }
  }
  bool workers_ok = true;
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    workers_ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  std::uint64_t failed = 0;
  for (std::uint64_t seed = o.first; seed < o.first + o.seeds; ++seed) {
    const auto it = results.find(seed);
    if (it != results.end() && it->second.pass) continue;
    ++failed;
    const std::string why = it == results.end() ? "the worker died before reporting it" : it->second.why;
    std::cout << fmt::format("seed {}: FAIL ({}); replay: pristine swarm --seed {} --write {}\n", seed, why, seed,
                             scenario_name(seed));
  }
  std::cout << fmt::format("swarm: seeds {}-{}: {} run, {} passed, {} failed\n", o.first, o.first + o.seeds - 1, o.seeds,
                           o.seeds - failed, failed);
  return failed == 0 && workers_ok ? 0 : 1;
}

}  // namespace pristine::cli
