#include "sim/tlb_model.h"

#include <fmt/format.h>

namespace pristine::sim {

TlbModel::TlbModel(std::uint32_t cpus, Violations& violations, TaskNamer task_name)
    : cpus_(cpus), violations_(violations), task_name_(std::move(task_name)) {}

void TlbModel::user_page_unmapped(CpuId from, int task, VirtAddr page, const std::function<bool(CpuId)>& runs) {
  for (CpuId id = 0; id < cpus_.size(); ++id) {
    if (id != from && cpus_[id].ran_user && runs(id)) cpus_[id].stale[page] = from;
  }
  unmaps_in_progress_[task].emplace_back(page, from);
  ++shootdowns_;
}

void TlbModel::flushed(CpuId cpu, VirtAddr page) {
  CpuTlb& tlb = cpus_[cpu];
  if (page == kFlushAll) {
    flushes_ += tlb.stale.size();
    tlb.stale.clear();
    tlb.ran_user = false;
    return;
  }
  if (tlb.stale.erase(page) != 0) ++flushes_;
}

void TlbModel::task_returned(int task, Cycles now) {
  const auto it = unmaps_in_progress_.find(task);
  if (it == unmaps_in_progress_.end()) return;
  for (const auto& [page, initiator] : it->second) {
    for (CpuId id = 0; id < cpus_.size(); ++id) {
      auto& stale = cpus_[id].stale;
      const auto entry = stale.find(page);
      if (entry == stale.end() || entry->second != initiator) continue;
      violations_.raise({.kind = "shootdown-incomplete",
                         .message = fmt::format("task {} went on after unmapping page {:#x} while CPU {} still "
                                                "cached its translation",
                                                task_name_(it->first), page, id),
                         .at_cycle = now});
      stale.erase(entry);  // reported once
    }
  }
  unmaps_in_progress_.erase(it);
}

}  // namespace pristine::sim
