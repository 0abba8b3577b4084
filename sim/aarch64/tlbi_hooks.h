// TLB maintenance the TLB model must see (sim/tlb_model.h; the x86-64 twin
// is sim/x86_64/invlpg_hooks.h): every `tlbi` of the image, found by one
// sweep, hooked right before it runs. One by address (`tlbi vae1`, `vaae1`,
// `vale1`, `vaale1`, their inner-shareable forms) drops that page; one by
// ASID or of everything (`tlbi aside1`, `vmalle1`) is a full flush for the
// model, which keeps no ASIDs: conservative, since an `aside1` for one slot
// also clears what the model holds stale for another (a missed shootdown
// hidden by a later ASID flush on the same CPU goes unseen). A TTBR0 write is none: with an ASID per slot a switch keeps the
// translations (docs/aarch64.md).
#pragma once

#include <functional>
#include <vector>

#include "sim/guest_arch.h"
#include "sim/instruction_hooks.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

class TlbiHooks {
 public:
  static bool matches(const cs_insn& insn);
  TlbiHooks(const GuestMemory& memory, std::vector<VirtAddr> sites);

  // `on_flush(page)`: the page flushed, or kFlushAll.
  void install(GuestCpu& cpu, std::function<void(VirtAddr)> on_flush);
  std::size_t sites() const { return hooks_.count(); }

 private:
  InstructionHooks hooks_;
};

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
