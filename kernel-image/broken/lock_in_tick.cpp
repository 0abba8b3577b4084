// Breakage: a spinning lock taken in every tick (seed 000 forbids it in a hot
// path); the simulator and the static check must name lock_acquire().
#include <atomic>
#include <cstdint>

#include "core/hot_path.h"
#include "core/machine.h"
#include "core/test_hook.h"

namespace {

std::atomic<std::uint32_t> g_tick_lock{0};

PRISTINE_WAITING_LOCK void lock_acquire(std::atomic<std::uint32_t>& lock) {
  while (lock.exchange(1, std::memory_order_acquire) != 0) pristine::machine::cpu_relax();
}

}  // namespace

extern "C" PRISTINE_HOT void pristine_test_hook_tick(pristine::TrapFrame*) {
  lock_acquire(g_tick_lock);
  g_tick_lock.store(0, std::memory_order_release);
}
