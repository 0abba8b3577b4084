#include "sim/pristine_rules.h"
#include "sim/vector_names.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

PristineRules::PristineRules(const GuestImage& image, const GuestMemory& memory)
    : image_(image), memory_(memory), lines_(image.file()) {
  text_ = {image.find_symbol("__kernel_start").value_or(0), image.find_symbol("__kernel_end").value_or(0)};
  cold_ = range("cold");
  allocator_ = range("allocator");
  waiting_lock_ = range("waiting_lock");
  page_walker_ = range("page_walker");
}

PristineRules::Range PristineRules::range(const char* name) const {
  return {image_.find_symbol(fmt::format("__pristine_{}_start", name)).value_or(0),
          image_.find_symbol(fmt::format("__pristine_{}_end", name)).value_or(0)};
}

std::uint32_t PristineRules::forbidden_flags(VirtAddr address) const {
  if (allocator_.contains(address)) return kBlockInAllocator;
  if (waiting_lock_.contains(address)) return kBlockInWaitingLock;
  if (page_walker_.contains(address)) return kBlockInPageWalker;
  return 0;
}

// The call chain from the stack: from RSP upwards, a word is a return address
// if it points into kernel text right after a `call` whose target is the
// function of the frame found last (a direct call; a tail call or an indirect
// call makes it accept any call). No frame pointers or unwind tables needed,
// and the RIP Unicorn reports at an MMIO access (the start of its block) only
// has to be in the right function.
std::vector<VirtAddr> PristineRules::call_chain(const SimCpu& c, VirtAddr rip) const {
  std::vector<VirtAddr> chain{rip};
  const Symbol* inner = image_.function_at(rip);
  VirtAddr sp = c.cpu.sp();
  constexpr int kWords = 96;  // hot-path stacks are shallow
  for (int i = 0; i < kWords && chain.size() < 16; ++i, sp += 8) {
    const VirtAddr ret = memory_.read_or<VirtAddr>(sp, 0);
    if (!text_.contains(ret) || ret < text_.start + 5) continue;
    const std::uint8_t* call = memory_.host(ret - 5, 5);
    bool direct = false, matches = false;
    if (call && call[0] == 0xE8) {
      std::int32_t rel = 0;
      std::memcpy(&rel, call + 1, 4);
      const VirtAddr target = ret + static_cast<std::int64_t>(rel);
      direct = true;
      matches = inner && target == inner->address;
    }
    const std::uint8_t* indirect = memory_.host(ret - 2, 2);  // call *%reg: FF /2
    const bool via_register = indirect && indirect[0] == 0xFF && (indirect[1] & 0xF8) == 0xD0;
    if (!matches && !(direct && !inner) && !via_register) {
      // A tail call left no frame for `inner`: accept a direct call into any
      // function, but only if no exact match comes within the next few words.
      bool exact_later = false;
      for (int j = 1; j < 4 && direct; ++j) {
        const VirtAddr later = memory_.read_or<VirtAddr>(sp + 8 * j, 0);
        const std::uint8_t* c2 = text_.contains(later) ? memory_.host(later - 5, 5) : nullptr;
        if (!c2 || c2[0] != 0xE8) continue;
        std::int32_t rel = 0;
        std::memcpy(&rel, c2 + 1, 4);
        exact_later |= inner && later + static_cast<std::int64_t>(rel) == inner->address;
      }
      if (!direct || exact_later) continue;
    }
    chain.push_back(ret);
    inner = image_.function_at(ret);
    // The entry stubs are the bottom of a hot path.
    if (inner && (inner->name == "interrupt_common" || inner->name == "exception_common" ||
                  inner->name == "syscall_entry")) {
      break;
    }
  }
  return chain;
}

bool PristineRules::in_cold_path(const SimCpu& c, VirtAddr rip) const {
  const std::vector<VirtAddr> chain = call_chain(c, rip);
  return std::any_of(chain.begin(), chain.end(), [&](VirtAddr a) { return cold_.contains(a); });
}

// "function+0x1c (core/file.cpp:42)"; return addresses are looked up one byte
// back, inside their call instruction.
std::string PristineRules::frame(VirtAddr address) const {
  const Symbol* function = image_.function_at(address);
  std::string text = function ? demangle(function->name) : fmt::format("{:#x}", address);
  if (function && address != function->address) text += fmt::format("+{:#x}", address - function->address);
  if (const auto line = lines_.find(function && address != function->address ? address - 1 : address)) {
    text += fmt::format(" ({}:{})", line->file, line->line);
  }
  return text;
}

void PristineRules::flag(const std::string& kind, const SimCpu& c, PathId path_id, VirtAddr rip, Cycles cycles) {
  const std::string path = path_name(kGuestArchitecture, path_id, false);
  std::vector<VirtAddr> chain = call_chain(c, rip);
  // One site per function and callers: where in the function does not make another site.
  const Symbol* function = image_.function_at(rip);
  std::vector<VirtAddr> key = chain;
  key.front() = function ? function->address : rip;
  auto [it, fresh] = sites_.try_emplace({kind, key}, Site{{}, sites_.size()});
  Violation& v = it->second.violation;
  if (fresh) {
    v.kind = kind;
    v.path = path;
    if (!is_syscall_path(path_id)) v.vector = static_cast<Vector>(path_id);
    v.rip = rip;
    v.symbol = function ? demangle(function->name) : fmt::format("{:#x}", rip);
    if (const auto line = lines_.find(rip)) {
      v.file = line->file;
      v.line = line->line;
    }
    for (const VirtAddr a : chain) v.call_chain.push_back(frame(a));
    const std::string caller = chain.size() > 1 ? frame(chain[1]) : "?";
    v.message = fmt::format("{} in hot path {} on CPU {}, called from {}", kind, path, c.cpu.id(), caller);
  }
  ++v.count;
  v.cost_cycles = v.cost_cycles.value_or(0) + cycles;
}

std::vector<Violation> PristineRules::violations() const {
  std::vector<const Site*> ordered;
  for (const auto& [key, site] : sites_) ordered.push_back(&site);
  std::sort(ordered.begin(), ordered.end(), [](const Site* a, const Site* b) { return a->order < b->order; });
  std::vector<Violation> out;
  for (const Site* s : ordered) {
    Violation v = s->violation;
    v.message += fmt::format(" ({} time(s), {} cycles)", v.count, v.cost_cycles.value_or(0));
    out.push_back(std::move(v));
  }
  return out;
}

void PristineRules::console_output(const SimCpu& c, Cycles cost) {
  if (c.accounting.depth() == 0) return;
  const VirtAddr rip = c.block;  // the block writing the console (a register hook runs inside it)
  if (in_cold_path(c, rip)) return;  // an explicit slow path (PRISTINE_COLD)
  flag("console-output", c, c.accounting.innermost(), rip, cost);
}

void PristineRules::clock_read(const SimCpu& c) {
  if (c.accounting.depth() == 0 || c.accounting.innermost_clock_reads() != kMaxClockReads + 1) return;
  flag("clock-busy-wait", c, c.accounting.innermost(), c.block, 0);
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
