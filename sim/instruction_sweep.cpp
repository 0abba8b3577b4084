#include "sim/instruction_sweep.h"

#include "sim/capstone_handle.h"

namespace pristine::sim {

std::vector<VirtAddr> find_instructions(const GuestImage& image, const std::function<bool(const cs_insn&)>& match) {
  std::vector<VirtAddr> sites;
  const CapstoneHandle capstone(/*skip_data=*/true);
  const csh handle = capstone.get();
  cs_insn* insn = cs_malloc(handle);
  for (const Segment& segment : image.segments()) {
    if (!segment.executable) continue;
    const std::uint8_t* bytes = segment.bytes.data();
    std::size_t left = segment.bytes.size();
    std::uint64_t at = segment.vaddr;
    while (left > 0 && cs_disasm_iter(handle, &bytes, &left, &at, insn)) {
      if (insn->id != 0 && insn->detail && match(*insn)) sites.push_back(insn->address);
    }
  }
  cs_free(insn, 1);
  return sites;
}

}  // namespace pristine::sim
