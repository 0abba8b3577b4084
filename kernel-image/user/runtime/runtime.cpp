// The runtime's out-of-line half (runtime.h), and the memory functions the
// compiler may call on its own (memcpy, memset, memmove, memcmp). They are
// hidden: the build makes every hidden symbol of the ring-3 objects local
// (kernel-image/CMakeLists.txt), so ring-3 code never calls the kernel's
// copies (supervisor-only pages: it would fault) and the kernel never calls
// these.
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

extern "C" {

void* memcpy(void* destination, const void* source, std::size_t n) {
  auto* d = static_cast<unsigned char*>(destination);
  const auto* s = static_cast<const unsigned char*>(source);
  for (std::size_t i = 0; i < n; ++i) d[i] = s[i];
  return destination;
}

void* memmove(void* destination, const void* source, std::size_t n) {
  auto* d = static_cast<unsigned char*>(destination);
  const auto* s = static_cast<const unsigned char*>(source);
  if (d < s) {
    for (std::size_t i = 0; i < n; ++i) d[i] = s[i];
  } else {
    for (std::size_t i = n; i != 0; --i) d[i - 1] = s[i - 1];
  }
  return destination;
}

void* memset(void* destination, int value, std::size_t n) {
  auto* d = static_cast<unsigned char*>(destination);
  for (std::size_t i = 0; i < n; ++i) d[i] = static_cast<unsigned char>(value);
  return destination;
}

int memcmp(const void* a, const void* b, std::size_t n) {
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  for (std::size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

}  // extern "C"
