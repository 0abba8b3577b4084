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

namespace {

// An IPC call made again while it returns -EINTR, each time with what is left
// of `timeout` (0 and kForever stay as they are).
template <typename Call>
Result until_timeout(std::uint64_t timeout, Call call_once) {
  const bool bounded = timeout != 0 && timeout != kForever;
  const std::uint64_t deadline = bounded ? static_cast<std::uint64_t>(clock_ns().value) + timeout : 0;
  for (;;) {
    const Result r = call_once(timeout);
    if (!r.is(EINTR)) return r;
    if (bounded) {
      const auto now = static_cast<std::uint64_t>(clock_ns().value);
      if (now >= deadline) return {ETIMEDOUT, true};
      timeout = deadline - now;
    }
  }
}

}  // namespace

Result queue_send(std::uint64_t queue, const void* message, std::size_t length, std::uint64_t timeout) {
  return until_timeout(timeout, [&](std::uint64_t left) {
    return call(Sys::QueueSend, queue, reinterpret_cast<std::uint64_t>(message), length, left);
  });
}

Result queue_receive(std::uint64_t queue, void* buffer, std::size_t capacity, std::uint64_t timeout) {
  return until_timeout(timeout, [&](std::uint64_t left) {
    return call(Sys::QueueReceive, queue, reinterpret_cast<std::uint64_t>(buffer), capacity, left);
  });
}

Result poll(const std::uint64_t* handles, std::size_t count, std::uint64_t timeout) {
  return until_timeout(timeout, [&](std::uint64_t left) {
    return call(Sys::Poll, reinterpret_cast<std::uint64_t>(handles), count, left);
  });
}

Result interrupt_wait(std::uint64_t line) {
  // 0: it blocked until an interrupt (or another wake) came: collect.
  for (;;) {
    const Result r = call(Sys::InterruptWait, line);
    if (!r.ok() || r.value != 0) return r;
  }
}

Result open(const char* name, std::uint64_t flags) {
  return call(Sys::Open, reinterpret_cast<std::uint64_t>(name), string_length(name), flags);
}

Result read(std::uint64_t fd, void* buffer, std::size_t length) {
  for (;;) {  // -EINTR: a device read woken with bytes to take: read again
    const Result r = call(Sys::Read, fd, reinterpret_cast<std::uint64_t>(buffer), length);
    if (!r.is(EINTR)) return r;
  }
}

Result write_all(std::uint64_t fd, const void* buffer, std::size_t length) {
  const auto* bytes = static_cast<const std::uint8_t*>(buffer);
  std::size_t written = 0;
  while (written < length) {
    const Result r = fd_write(fd, bytes + written, length - written);
    if (r.is(EAGAIN)) {
      yield();
      continue;
    }
    if (!r.ok()) return r;
    written += static_cast<std::size_t>(r.value);
  }
  return {static_cast<std::int64_t>(written), false};
}

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
