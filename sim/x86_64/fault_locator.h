// Finds the instruction that made a bad memory access. Unicorn reports an
// access to unmapped memory with RIP at the start of the translated block;
// the CPU reports the faulting instruction (faults are precise, SDM Vol. 3,
// 6.5). The instructions before it in the block completed, the faulting one
// did not, so the current registers are the ones it used: the first
// instruction, from the block start, whose operand covers the address is the
// one. Explicit memory operands and the implicit stack accesses of push,
// pop, call and ret are considered.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>

#include "sim/host_types.h"
#include "sim/capstone_handle.h"
#include "sim/x86_64/guest_cpu.h"

namespace pristine::sim {

class FaultLocator {
 public:
  struct Located {
    VirtAddr rip;      // the faulting instruction
    VirtAddr address;  // the first byte it touched in [address, address + span): CR2
  };
  // `code` holds the bytes from `block_start` on; the bad access touched
  // [address, address + span) (span 1: the exact byte; 4096: somewhere in
  // that page, all the engine's TLB fill knows). Returns the faulting
  // instruction, or nothing if no instruction matches.
  std::optional<Located> locate(std::span<const std::uint8_t> code, VirtAddr block_start, VirtAddr address,
                                std::uint64_t span, const GuestCpu& cpu) const;

  // The memory operand address of the instruction at `address`, with the
  // current registers (for an instruction about to execute).
  std::optional<VirtAddr> operand_address(std::span<const std::uint8_t> code, VirtAddr address,
                                          const GuestCpu& cpu) const;

  // Where an instruction is (what a RIP-relative operand needs).
  struct InstructionPlace {
    VirtAddr address;
    std::uint16_t size;
  };

 private:
  struct DecodedOperand {
    std::array<std::uint8_t, 16> bytes;  // the instruction's, to check it is still there
    std::uint16_t size = 0;
    InstructionPlace instruction{};
    bool has_memory = false;
    cs_x86_op operand{};
  };
  DecodedOperand decode_operand(std::span<const std::uint8_t> code, VirtAddr address) const;

  CapstoneHandle capstone_;
  mutable std::unordered_map<VirtAddr, DecodedOperand> operands_;  // operand_address's, by instruction address
};

}  // namespace pristine::sim
