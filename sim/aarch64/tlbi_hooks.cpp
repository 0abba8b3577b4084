#include "sim/aarch64/tlbi_hooks.h"

#include <cstring>

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

// op2 (bits 7:5): vmalle1 0, vae1 1, aside1 2, vaae1 3, vale1 5, vaale1 7
// (CRm 7, or 3 for the inner-shareable forms): bit 0 set for the ones by
// address, bit 1 set (of those) for every ASID's.
unsigned op2(std::uint32_t insn) { return (insn >> 5) & 7; }

}  // namespace

bool TlbiHooks::matches(const cs_insn& insn) {
  return insn.size == 4 && (word({insn.bytes, 4}) & kTlbiMask) == kTlbiBits;
}

TlbiHooks::TlbiHooks(const GuestMemory& memory, std::vector<VirtAddr> sites) : hooks_(memory, std::move(sites)) {}

void TlbiHooks::install(GuestCpu& cpu, std::function<void(const TlbiOperation&)> on_flush) {
  hooks_.install(cpu, [on_flush](GuestCpu& c, VirtAddr, std::span<const std::uint8_t> code) {
    using Scope = TlbiOperation::Scope;
    const std::uint32_t insn = word(code);
    const unsigned op = op2(insn);
    if (op == 0) {
      on_flush({.scope = Scope::Everything});
      return;
    }
    // Xt holds the ASID in its bits 63:48 and, for the ones by address,
    // VA[55:12] in its bits 43:0; bit 55 extends to the top (TTBR1's half).
    const unsigned rt = insn & 0x1f;
    const std::uint64_t xt = rt == 31 ? 0 : c.reg(rt <= 28 ? UC_ARM64_REG_X0 + static_cast<int>(rt)
                                                           : (rt == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30));
    const auto asid = static_cast<std::uint16_t>((xt >> 48) & 0xff);  // 8-bit ASIDs (TCR_EL1.AS = 0)
    if (op == 2) {
      on_flush({.scope = Scope::Asid, .asid = asid});
      return;
    }
    const std::uint64_t va = (xt & ((std::uint64_t{1} << 44) - 1)) << 12;
    const VirtAddr page = (va >> 55) & 1 ? va | (~std::uint64_t{0} << 56) : va;
    on_flush({.scope = (op & 2) != 0 ? Scope::PageOfEveryAsid : Scope::PageOfAsid, .page = page, .asid = asid});
  });
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
