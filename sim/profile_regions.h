// The regions ring-3 tasks profile with profile_start/profile_stop
// (docs/syscalls.md, "Debug"), measured in modeled cycles and instructions:
// each closed region is one sample of its row `profile/<id>`. A region spans
// from the first block after profile_start's return to profile_stop's
// `syscall` (the task's ring-3 code between the two calls, with whatever
// interrupted or preempted it). The kernel's verdict decides: a call counts
// only if it returned with CF clear, so the rows follow the kernel's own
// state (a start of an open region, a stop without a start, a bad id count
// nothing). Deterministic: modeled time only.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/debug/debug_calls.h"
#include "sim/host_types.h"
#include "sim/report.h"
#include "sim/sample_histogram.h"

namespace pristine::sim {

class ProfileRegions {
 public:
  explicit ProfileRegions(std::size_t cpus);

  // `task` entered system call `number` on `cpu` with `region` (RDI).
  void call_entered(CpuId cpu, int task, std::uint64_t number, std::uint64_t region, Cycles now,
                    std::uint64_t instructions);
  // Whether a profile call entered on `cpu` waits for its return (the only
  // time returned_to_user needs the call's CF).
  bool call_in_flight(CpuId cpu) const { return pending_[cpu].active; }
  // `cpu` returned to ring 3 in `task`; `failed` is the call's CF.
  void returned_to_user(CpuId cpu, int task, bool failed, Cycles now, std::uint64_t instructions);

  // One row per region that closed at least once, by id.
  std::vector<ProfileReport> report() const;

 private:
  struct Pending {
    bool active = false;
    bool stop = false;
    int task = -1;
    std::uint32_t region = 0;
    Cycles at = 0;
    std::uint64_t instructions = 0;
  };
  struct Start {
    CpuId cpu = 0;
    Cycles at = 0;
    std::uint64_t instructions = 0;
  };
  std::vector<Pending> pending_;  // per CPU: the profile call in flight
  std::vector<std::array<Start, debug::kProfileRegions>> starts_;  // per task slot
  std::array<SampleHistogram, debug::kProfileRegions> cycles_;
  std::array<SampleHistogram, debug::kProfileRegions> instructions_;
  std::array<std::uint64_t, debug::kProfileRegions> migrated_{};
};

}  // namespace pristine::sim
