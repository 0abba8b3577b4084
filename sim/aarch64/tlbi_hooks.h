// TLB maintenance the TLB models must see (sim/tlb_model.h, and each CPU's
// sim/aarch64/asid_tlb.h; the x86-64 twin is sim/x86_64/invlpg_hooks.h):
// every `tlbi` of the image, found by one sweep, hooked right before it
// runs, and decoded into what it drops: one page of one ASID (`tlbi vae1`,
// `vale1`), one page of every ASID (`vaae1`, `vaale1`), one ASID (`aside1`)
// or everything (`vmalle1`); the inner-shareable forms alike. The shootdown
// model (sim/tlb_model.h) keeps no ASIDs: for it an ASID's flush is a full
// one. A TTBR0 write flushes nothing: with an ASID per slot a switch keeps
// the translations (docs/aarch64.md).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/guest_arch.h"
#include "sim/instruction_hooks.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

struct TlbiOperation {
  enum class Scope : std::uint8_t { PageOfAsid, PageOfEveryAsid, Asid, Everything };
  Scope scope = Scope::Everything;
  VirtAddr page = 0;       // the page ones'
  std::uint16_t asid = 0;  // PageOfAsid's and Asid's
};

class TlbiHooks {
 public:
  static bool matches(const cs_insn& insn);
  TlbiHooks(const GuestMemory& memory, std::vector<VirtAddr> sites);

  void install(GuestCpu& cpu, std::function<void(const TlbiOperation&)> on_flush);
  std::size_t sites() const { return hooks_.count(); }

 private:
  InstructionHooks hooks_;
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
