#include "sim/instruction_hooks.h"

#include "sim/capstone_handle.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

std::vector<std::vector<VirtAddr>> find_instructions(const GuestImage& image, std::span<const InstructionMatch> matches) {
  std::vector<std::vector<VirtAddr>> sites(matches.size());
  const CapstoneHandle capstone(kCapstoneArch, kCapstoneMode, /*skip_data=*/true);
  const csh handle = capstone.get();
  cs_insn* insn = cs_malloc(handle);
  for (const Segment& segment : image.segments()) {
    if (!segment.executable) continue;
    const std::uint8_t* bytes = segment.bytes.data();
    std::size_t left = segment.bytes.size();
    std::uint64_t at = segment.vaddr;
    while (left > 0 && cs_disasm_iter(handle, &bytes, &left, &at, insn)) {
      if (insn->id == 0 || !insn->detail) continue;
      for (std::size_t i = 0; i < matches.size(); ++i) {
        if (matches[i](*insn)) sites[i].push_back(insn->address);
      }
    }
  }
  cs_free(insn, 1);
  return sites;
}

struct InstructionHooks::Hook {
  const GuestMemory* memory;
  GuestCpu* cpu;
  Callback at_site;
};

InstructionHooks::InstructionHooks(const GuestMemory& memory, std::vector<VirtAddr> sites)
    : memory_(memory), sites_(std::move(sites)) {}

InstructionHooks::~InstructionHooks() = default;

void InstructionHooks::install(GuestCpu& cpu, Callback at_site) {
  auto callback = [](uc_engine*, std::uint64_t address, std::uint32_t, void* user) {
    auto* hook = static_cast<Hook*>(user);
    const std::uint8_t* code = hook->memory->host(address, 16);
    if (code) hook->at_site(*hook->cpu, address, {code, 16});
  };
  for (const VirtAddr site : sites_) {
    hooks_.push_back(std::make_unique<Hook>(Hook{&memory_, &cpu, at_site}));
    uc_hook handle;
    check(uc_hook_add(cpu.uc(), &handle, UC_HOOK_CODE, reinterpret_cast<void*>(+callback), hooks_.back().get(),
                      site, site),
          "instruction hook");
  }
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
