#include "sim/profile_regions.h"

#include "core/sched/task.h"
#include "core/syscall/syscall.h"

namespace pristine::sim {

ProfileRegions::ProfileRegions(std::size_t cpus) : pending_(cpus), starts_(kMaxTasks) {}

void ProfileRegions::call_entered(CpuId cpu, int task, std::uint64_t number, std::uint64_t region, Cycles now,
                                  std::uint64_t instructions) {
  Pending& p = pending_[cpu];
  p.active = false;
  const bool start = number == static_cast<std::uint64_t>(Syscall::ProfileStart);
  const bool stop = number == static_cast<std::uint64_t>(Syscall::ProfileStop);
  if ((!start && !stop) || task < 0 || task >= static_cast<int>(kMaxTasks) || region >= debug::kProfileRegions) return;
  p = {true, stop, task, static_cast<std::uint32_t>(region), now, instructions};
}

void ProfileRegions::returned_to_user(CpuId cpu, int task, bool failed, Cycles now, std::uint64_t instructions) {
  Pending& p = pending_[cpu];
  if (!p.active) return;
  p.active = false;
  if (failed || task != p.task) return;
  Start& start = starts_[static_cast<std::size_t>(task)][p.region];
  if (!p.stop) {
    start = {cpu, now, instructions};
    return;
  }
  // The stop's entry minus the start's return. A region that moved to
  // another CPU has a cycle span (the CPUs' clocks stay within a quantum)
  // but no instruction count of its own: each CPU counts its own.
  cycles_[p.region].record(p.at - start.at);
  if (start.cpu == cpu) {
    instructions_[p.region].record(p.instructions - start.instructions);
  } else {
    ++migrated_[p.region];
  }
}

std::vector<ProfileReport> ProfileRegions::report() const {
  std::vector<ProfileReport> rows;
  for (std::uint32_t r = 0; r < debug::kProfileRegions; ++r) {
    if (cycles_[r].empty()) continue;
    rows.push_back({debug::kRegionNames[r], cycles_[r].count(), Distribution::of(cycles_[r]),
                    Distribution::of(instructions_[r]), migrated_[r]});
  }
  return rows;
}

}  // namespace pristine::sim
