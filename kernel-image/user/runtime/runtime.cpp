// The runtime's out-of-line half (runtime.h). The memory functions the
// compiler may call on its own (memcpy, memset, memmove, memcmp) are the
// kernel's source, core/lib/mem.cpp, built a second time with the ring-3
// objects: hidden there, then made local (kernel-image/CMakeLists.txt), so
// ring-3 code calls its own copy (the kernel's is in supervisor-only pages:
// it would fault) and the kernel never calls this one.
#include "kernel-image/user/runtime/runtime.h"

namespace pristine::user {

void exit(std::int64_t code) {
  call(Sys::Exit, static_cast<std::uint64_t>(code));
  for (;;) {
  }
}

std::size_t string_length(const char* s) {
  std::size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

Result print(const char* text) { return write(text, string_length(text)); }

Result wait_child(std::uint64_t id) {
  // -EINTR: woken before the child exited (its exit woke us, or another
  // wake did): ask again.
  for (;;) {
    const Result r = call(Sys::WaitChild, id);
    if (!r.is(EINTR)) return r;
  }
}

Result thread_join(std::uint64_t id) {
  for (;;) {  // -EINTR: woken before the thread exited: ask again
    const Result r = call(Sys::ThreadJoin, id);
    if (!r.is(EINTR)) return r;
  }
}

Result condition_wait(std::uint64_t condition, std::uint64_t mutex) {
  const Result r = call(Sys::ConditionWait, condition, mutex);
  if (!r.ok()) return r;
  return mutex_lock(mutex);
}

Result interrupt_wait(std::uint64_t line) {
  // 0: it blocked until an interrupt (or another wake) came: collect.
  for (;;) {
    const Result r = call(Sys::InterruptWait, line);
    if (!r.ok() || r.value != 0) return r;
  }
}

Result open(const char* name) { return call(Sys::Open, reinterpret_cast<std::uint64_t>(name), string_length(name)); }

std::size_t format_decimal(std::int64_t value, char* out) {
  char digits[20];
  std::size_t n = 0;
  // Negate as unsigned: INT64_MIN has no positive twin.
  std::uint64_t magnitude = value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  do {
    digits[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  std::size_t length = 0;
  if (value < 0) out[length++] = '-';
  while (n != 0) out[length++] = digits[--n];
  out[length] = '\0';
  return length;
}

}  // namespace pristine::user
