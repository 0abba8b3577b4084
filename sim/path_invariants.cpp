#include "sim/path_invariants.h"

#include <fmt/format.h>

#include "core/interrupt/vectors.h"
#include "sim/vector_names.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {
namespace {

std::optional<Vector> vector_of(PathId path) {
  return is_syscall_path(path) ? std::nullopt : std::optional<Vector>(static_cast<Vector>(path));
}

}  // namespace

PathInvariants::PathInvariants(const GuestImage& image, Violations& violations)
    : image_(image),
      violations_(violations),
      user_start_(image.symbol("__user_start")),
      user_end_(image.symbol("__user_end")),
      user_accesses_(image) {
  static_assert(std::size(kHotEntrySymbols) <= std::tuple_size_v<decltype(hot_entry_)>);
  for (std::size_t i = 0; i < std::size(kHotEntrySymbols); ++i) hot_entry_[i] = image.symbol(kHotEntrySymbols[i]);
}

void PathInvariants::new_block(const SimCpu& c, VirtAddr address, const BlockCost& cost) {
  for (const ForbiddenInstruction& f : kForbiddenInstructions) {
    if (cost.flags & f.block_flag) {
      violations_.raise(
          {.kind = f.kind, .message = f.message, .symbol = image_.describe(address), .rip = address, .at_cycle = c.cycles});
    }
  }
}

void PathInvariants::at_hot_entry(const SimCpu& c, VirtAddr address) {
  const VirtAddr sp = c.cpu.sp();
  const VirtAddr base = c.cpu.per_cpu_base();
  const auto once = [&](const char* kind, std::string message) {
    violations_.raise_once(
        {.kind = kind, .message = std::move(message), .symbol = image_.describe(address), .rip = address, .at_cycle = c.cycles});
  };
  if (sp >= user_start_ && sp < user_end_) {
    once("user-stack", fmt::format("a handler runs on the user stack ({} {:#x})", kCpuNames.stack_pointer, sp));
  }
  if (kPerCpuBaseSwapped && !is_kernel_address(base)) {
    once("gs-base-kernel", fmt::format("a handler runs with the user's GS base {:#x} (a missing swapgs)", base));
  }
}

void PathInvariants::record_closed(const SimCpu& c, const ClosedRecord& closed) {
  eois_match(c, closed);
  if (closed.resume.kernel && !closed.switched) resumed_in_place(c, closed);
}

// Exactly one EOI per external non-spurious interrupt, none for spurious
// ones, exceptions, syscalls or software interrupts (`int n` sets no
// in-service bit: kernel-wait) (the xAPIC retires the highest in-service
// vector per EOI: a missing or extra one corrupts its state, SDM Vol. 3 11.8.5).
void PathInvariants::eois_match(const SimCpu& c, const ClosedRecord& closed) {
  const bool interrupt = closed.resume.external && closed.path >= kExceptionVectors;
  const bool spurious = closed.path == vectors::kSpurious;
  const std::uint32_t expected = interrupt && !spurious ? 1 : 0;
  if (closed.eois == expected) return;
  const char* kind = spurious ? "eoi-for-spurious" : closed.eois > expected ? "double-eoi" : "missing-eoi";
  violations_.raise_once({.kind = kind,
                          .message = fmt::format("{} wrote {} EOI(s), expected {}", path_name(kGuestArchitecture, closed.path, false),
                                                 closed.eois, expected),
                          .symbol = image_.describe(c.cpu.pc()),
                          .rip = c.cpu.pc(),
                          .vector = vector_of(closed.path),
                          .at_cycle = c.cycles});
}

// A ring-0 context interrupted and resumed without a switch must come back
// exactly where it was: same RIP, same RSP (64-bit iretq pops SS:RSP even
// within ring 0; a bad frame here is seed 001's "bogus RSP" resume). Once
// per run is evidence enough.
void PathInvariants::resumed_in_place(const SimCpu& c, const ClosedRecord& closed) {
  const VirtAddr sp = c.cpu.sp();
  const VirtAddr pc = c.block;  // closed at the first block after the return: the block's address is RIP
  if (sp == closed.resume.rsp && pc == closed.resume.rip) return;
  violations_.raise_once({.kind = "rsp-unbalanced",
                          .message = fmt::format("{} context resumed after {} at {} {:#x} {} {:#x}, interrupted "
                                                 "at {} {:#x} {} {:#x}",
                                                 kCpuNames.kernel_level, path_name(kGuestArchitecture, closed.path, false),
                                                 kCpuNames.stack_pointer, sp, kCpuNames.pc, pc, kCpuNames.stack_pointer,
                                                 closed.resume.rsp, kCpuNames.pc, closed.resume.rip),
                          .symbol = image_.describe(closed.resume.rip),
                          .rip = pc,
                          .vector = vector_of(closed.path),
                          .at_cycle = c.cycles});
}

// What the CPU finally delivered: a fault that could not be delivered (e.g.
// #PF on an overflowed stack) escalated to #DF.
void PathInvariants::kernel_fault(const SimCpu& c, Vector vector, Vector delivered, VirtAddr rip, VirtAddr sp) {
  // Ring 0 faulted on the user's stack (a ring-3 stack page not yet mapped,
  // or its guard): the kernel ran on the user stack.
  if (sp >= user_start_ && sp < user_end_) {
    violations_.raise_once({.kind = "user-stack",
                            .message = fmt::format("{} faulted on the user stack ({} {:#x})", kCpuNames.kernel_level,
                                                   kCpuNames.stack_pointer, sp),
                            .symbol = image_.describe(rip),
                            .rip = rip,
                            .at_cycle = c.cycles});
  }
  // A system call's copy through a bad user pointer: the kernel continues at
  // the access's fixup (core/syscall/user_access_table.h).
  if (delivered == vector && user_accesses_.is_access(rip)) return;
  violations_.raise({.kind = "kernel-fault",
                     .message = delivered == vector
                                    ? fmt::format("{} in {}", vector_name(kGuestArchitecture, vector), kCpuNames.kernel_level)
                                    : fmt::format("{} in {}, escalated to {}", vector_name(kGuestArchitecture, vector),
                                                  kCpuNames.kernel_level,
                                                  vector_name(kGuestArchitecture, delivered)),
                     .symbol = image_.describe(rip),
                     .rip = rip,
                     .vector = delivered,
                     .at_cycle = c.cycles});
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
