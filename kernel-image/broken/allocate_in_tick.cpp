// Breakage: an allocation in every tick (seed 000 forbids it in a hot path);
// the simulator and the static check must name allocate().
#include <cstddef>
#include <cstdint>

#include "core/hot_path.h"
#include "core/test_hook.h"

namespace {

PRISTINE_ALLOCATOR void* allocate(std::size_t size) {
  alignas(16) static std::uint8_t arena[1 << 16];
  static std::size_t used = 0;
  if (used + size > sizeof arena) used = 0;
  void* block = &arena[used];
  used += (size + 15) & ~std::size_t{15};
  return block;
}

}  // namespace

extern "C" PRISTINE_HOT void pristine_test_hook_tick(pristine::TrapFrame*) {
  static_cast<volatile std::uint8_t*>(allocate(64))[0] = 1;
}
