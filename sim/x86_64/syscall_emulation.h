// SYSCALL and SYSRETQ, performed host-side as the CPU would (Intel SDM Vol.
// 2B): Unicorn does not execute `syscall` (it calls a hook and skips it) and
// raises #UD for `sysretq` (EFER.SCE cannot be set). The return to ring 3 is
// made by an iretq from the simulator's own stub page, outside guest memory,
// with an equivalent frame; the stub is not charged, the sysret cost is.
#pragma once

#include <cstdint>
#include <memory>

#include "sim/x86_64/guest_cpu.h"
#include "sim/guest_memory.h"

namespace pristine::sim {

enum class SysretOutcome : std::uint8_t {
  NotSysret,     // the invalid instruction was something else: #UD
  NonCanonical,  // RCX not canonical: #GP in ring 0 (Intel), on the user stack
  Returned,      // on the way to ring 3 through the stub
};

class SyscallEmulation {
 public:
  SyscallEmulation();

  // Map the stub page into `cpu`'s engine.
  void map_into(GuestCpu& cpu);
  // Whether a block at `address` is the stub's (its cost is the sysret's).
  bool is_stub(VirtAddr address) const { return address - kStubPage < kStubPageSize; }

  // Whether the guest set up SYSCALL at all (LSTAR); if not, it raises #UD.
  static bool enabled(const GuestCpu& cpu) { return cpu.msr(kMsrLstar) != 0; }
  // The system call number the guest passes (RAX).
  static std::uint64_t number(const GuestCpu& cpu) { return cpu.reg(UC_X86_REG_RAX); }
  // RCX <- RIP of the next instruction, R11 <- RFLAGS, RFLAGS &= ~SFMASK,
  // CS/SS from STAR[47:32], RIP <- LSTAR, CPL 0; RSP unchanged.
  static void enter(GuestCpu& cpu);
  // At an invalid instruction in ring 0: if it is sysretq, RIP <- RCX,
  // RFLAGS <- R11 & 0x3C7FD7 | 2, CS/SS from STAR[63:48] + 16 / + 8 with
  // RPL 3, CPL 3; RSP unchanged.
  SysretOutcome sysret(GuestCpu& cpu, const GuestMemory& memory);

 private:
  static constexpr VirtAddr kStubPage = 0xFFFFFFFFFFF00000;
  static constexpr std::uint64_t kStubPageSize = 0x1000;
  static constexpr std::uint64_t kStubFrameOffset = 0x800;

  std::unique_ptr<std::uint8_t[]> stub_page_;  // iretq, then hlt; one frame slot per CPU
};

}  // namespace pristine::sim
