// Breakage: a software page-table walk in every tick (seed 000 forbids it in
// a hot path); the simulator and the static check must name translate().
#include <cstdint>

#include "core/hot_path.h"
#include "core/test_hook.h"
#include "core/types.h"

namespace {

// A walk over a four-level table (what a translate_address() does).
constinit std::uint64_t g_walk_tables[4][512] = {};

PRISTINE_PAGE_WALKER std::uint64_t translate(pristine::VirtAddr address) {
  std::uint64_t entry = reinterpret_cast<std::uint64_t>(g_walk_tables[0]);
  for (int level = 0; level < 4; ++level) {
    const auto* table = reinterpret_cast<const volatile std::uint64_t*>(entry & ~std::uint64_t{0xFFF});
    entry = table[(address >> (39 - 9 * level)) & 511];
    if (entry == 0) return 0;
  }
  return entry;
}

}  // namespace

extern "C" PRISTINE_HOT void pristine_test_hook_tick(pristine::TrapFrame* frame) {
  static_cast<void>(translate(pristine::address_of(frame)));
}
