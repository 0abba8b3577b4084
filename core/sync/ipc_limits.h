// The limits of the IPC calls (docs/syscalls.md, "IPC"), shared by the kernel
// (core/sync/ipc.h) and the ring-3 runtime (kernel-image/user/runtime/runtime.h).
#pragma once

#include <cstdint>

namespace pristine::ipc {

// The longest message a channel or queue carries, in bytes (-EMSGSIZE beyond).
inline constexpr std::uint64_t kMaxMessage = 64;
// The deepest queue (-EINVAL beyond, and for depth 0).
inline constexpr std::uint64_t kMaxQueueDepth = 8;
// Message slots of every live queue together, built in: queue_create(depth)
// takes `depth` of them (-EAGAIN when fewer are left), object_destroy gives
// them back.
inline constexpr std::uint64_t kQueueMessageSlots = 64;
// The most handles one poll takes (-EINVAL beyond, and for 0).
inline constexpr std::uint64_t kMaxPollHandles = 8;
// A timeout: 0 tries once (-EAGAIN instead of blocking); kForever waits until
// the event; anything else waits that many nanoseconds at most (at most a
// day: -EINVAL beyond), then -ETIMEDOUT.
inline constexpr std::uint64_t kForever = ~std::uint64_t{0};
inline constexpr std::uint64_t kMaxTimeoutNanoseconds = 86'400ull * 1'000'000'000;

}  // namespace pristine::ipc
