// What the simulator knows about TLBs. Each engine's TLB may keep a
// translation until the guest flushes it, as a CPU's may (docs/paging.md),
// but it cannot be asked what it holds, so the simulator keeps the model:
// when a CPU unmaps a ring-3 page (seen at its own invlpg inside the system
// call: Simulator::page_flushed), every other CPU that ran ring-3 code still
// caches the old translation
// ("stale") until it flushes the page (invlpg) or everything (a CR3 write;
// sim/x86_64/invlpg_hooks.h reports both). A task that unmapped a page and returns
// to ring 3 while another CPU still caches it has skipped its shootdown.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/host_types.h"
#include "sim/violations.h"

namespace pristine::sim {

// A flush of every translation (a CR3 write), as the flush hooks report it.
inline constexpr VirtAddr kFlushAll = ~VirtAddr{0};

class TlbModel {
 public:
  using TaskNamer = std::function<std::string(int task)>;

  TlbModel(std::uint32_t cpus, Violations& violations, TaskNamer task_name);

  // `cpu` ran ring-3 code: from now on it may cache ring-3 translations.
  void ran_user(CpuId cpu) { cpus_[cpu].ran_user = true; }
  // `task` on CPU `from` unmapped ring-3 `page`; `runs(cpu)` says whether a
  // CPU still runs at all (a stopped CPU caches nothing that matters).
  void user_page_unmapped(CpuId from, int task, VirtAddr page, const std::function<bool(CpuId)>& runs);
  // `cpu` flushed `page` (or kFlushAll).
  void flushed(CpuId cpu, VirtAddr page);
  // `task` is back in ring 3 on some CPU at time `now`: every page it
  // unmapped must be gone from every other CPU's TLB.
  void task_returned(int task, Cycles now);
  bool shootdowns_in_progress() const { return !unmaps_in_progress_.empty(); }

  std::uint64_t shootdowns() const { return shootdowns_; }
  std::uint64_t flushes() const { return flushes_; }

 private:
  struct CpuTlb {
    std::map<VirtAddr, CpuId> stale;  // page -> the CPU that unmapped it
    bool ran_user = false;            // ring-3 code ran since the last full flush
  };
  std::vector<CpuTlb> cpus_;
  // Pages a task unmapped and has not yet returned to ring 3 from: (page, its CPU).
  std::map<int, std::vector<std::pair<VirtAddr, CpuId>>> unmaps_in_progress_;
  std::uint64_t shootdowns_ = 0;
  std::uint64_t flushes_ = 0;
  Violations& violations_;
  TaskNamer task_name_;
};

}  // namespace pristine::sim
