#include "sim/aarch64/tlbi_hooks.h"

#include <cstring>

#include "sim/tlb_model.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {
namespace {

// TLBI is SYS with op0 = 0b01 and CRn = 8 (Arm ARM C5.5): bits 31:19 and 15:12.
constexpr std::uint32_t kTlbiMask = 0xfff8f000, kTlbiBits = 0xd5088000;

std::uint32_t word(std::span<const std::uint8_t> code) {
  std::uint32_t w = 0;
  std::memcpy(&w, code.data(), 4);
  return w;
}

// op2 (bits 7:5) of the ones by address: vae1 1, vaae1 3, vale1 5, vaale1 7;
// 0 is vmalle1, 2 aside1 (CRm 7, or 3 for the inner-shareable forms).
bool by_address(std::uint32_t insn) { return ((insn >> 5) & 1) != 0; }

}  // namespace

bool TlbiHooks::matches(const cs_insn& insn) {
  return insn.size == 4 && (word({insn.bytes, 4}) & kTlbiMask) == kTlbiBits;
}

TlbiHooks::TlbiHooks(const GuestMemory& memory, std::vector<VirtAddr> sites) : hooks_(memory, std::move(sites)) {}

void TlbiHooks::install(GuestCpu& cpu, std::function<void(VirtAddr)> on_flush) {
  hooks_.install(cpu, [on_flush](GuestCpu& c, VirtAddr, std::span<const std::uint8_t> code) {
    const std::uint32_t insn = word(code);
    if (!by_address(insn)) {
      on_flush(kFlushAll);
      return;
    }
    // Xt holds VA[55:12] in its bits 43:0 (the ASID above them); bit 55
    // extends to the top (TTBR1's half).
    const unsigned rt = insn & 0x1f;
    const std::uint64_t xt = rt == 31 ? 0 : c.reg(rt <= 28 ? UC_ARM64_REG_X0 + static_cast<int>(rt)
                                                           : (rt == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30));
    const std::uint64_t va = (xt & ((std::uint64_t{1} << 44) - 1)) << 12;
    on_flush((va >> 55) & 1 ? va | (~std::uint64_t{0} << 56) : va);
  });
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
