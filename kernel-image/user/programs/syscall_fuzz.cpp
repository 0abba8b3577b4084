// Ring-3 program "syscall-fuzz": system calls with hostile arguments, seeded
// (its arg; the same seed replays the same calls). Each call is a number
// drawn from the table or far past it, and arguments drawn from what breaks
// kernels: kernel and non-canonical addresses, its own guard page and code,
// another task's memory, null, unaligned pointers, huge and wrapping
// lengths, random bits. Every result must be an error the call can give,
// with CF set, or a success with CF clear; anything else ends the task with
// exit code 1xx. The kernel must survive every call: a ring-0 fault stops
// the machine (and the simulator reports it). Progress counts the calls.
//
// Calls that would end or stall the fuzzer itself are drawn with arguments
// that keep it running: exit, wait, spawn and condition_wait are never made,
// a thread never gets a real entry, a semaphore wait of its own gets a unit
// first, sleep only with
// refused or (rarely) tiny durations, and copies out go only to its scratch page or
// to memory it must not write.
#include "core/user_layout.h"
#include "kernel-image/user/runtime/runtime.h"

using namespace pristine::user;

namespace {

constexpr std::uint64_t kPage = 4096;

// splitmix64: a 64-bit state, every seed a good stream.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }

 private:
  std::uint64_t state_;
};

// Where things are, from the counter's address (core/user_layout.h).
struct Layout {
  std::uint64_t guard, stack, counter_page, heap, scratch, other_slot, code;
};

// An address that must not be written by a copy out (or is not memory).
std::uint64_t hostile_address(Random& r, const Layout& l) {
  switch (r.below(10)) {
    case 0: return 0;
    case 1: return 0xFFFFFFFF80000000ull + r.below(1ull << 30);  // the kernel image and above
    case 2: return 0xFFFF800000000000ull + (r.next() & 0x7FFFFFFFFFFFull);  // the kernel half
    case 3: return 0x0000800000000000ull + r.below(1ull << 20);  // non-canonical
    case 4: return l.guard + r.below(kPage);                     // its own guard page
    case 5: return l.other_slot + r.below(PRISTINE_USER_SLOT_SIZE);  // another task's memory
    case 6: return l.code + r.below(kPage);                      // its own code (read-only)
    case 7: return l.scratch + kPage - r.below(64);              // straddling scratch and what follows
    case 8: return ~std::uint64_t{0} - r.below(64);              // wraps
    default: return r.next();
  }
}

// A pointer a copy out may hit: its scratch page (unaligned too), or hostile.
std::uint64_t out_pointer(Random& r, const Layout& l) {
  return r.below(3) == 0 ? l.scratch + r.below(kPage) : hostile_address(r, l);
}

// A pointer a copy in may read: any of its own memory, or hostile.
std::uint64_t in_pointer(Random& r, const Layout& l) {
  switch (r.below(4)) {
    case 0: return l.stack + r.below(PRISTINE_USER_STACK_SIZE);
    case 1: return l.heap + r.below(PRISTINE_USER_HEAP_SIZE);
    default: return hostile_address(r, l);
  }
}

// Whether the byte at `address` is one this task may read (its own stack,
// counter page, heap, or the straddling scratch tail).
bool readable(const Layout& l, std::uint64_t address) {
  return (address >= l.stack && address < l.heap + PRISTINE_USER_HEAP_SIZE) ||
         (address >= l.code && address < l.code + kPage);
}

std::uint64_t length(Random& r) {
  switch (r.below(6)) {
    case 0: return 0;
    case 1: return r.below(16);
    case 2: return 4097;                      // one past write's limit
    case 3: return std::uint64_t{1} << 63;
    case 4: return ~std::uint64_t{0} - r.below(16);
    default: return r.below(64);
  }
}

std::uint64_t any_value(Random& r, const Layout& l) {
  switch (r.below(4)) {
    case 0: return r.below(64);
    case 1: return hostile_address(r, l);
    case 2: return ~std::uint64_t{0} - r.below(4);
    default: return r.next();
  }
}

constexpr std::uint64_t kMaxTimeout = pristine::ipc::kMaxTimeoutNanoseconds;

// uart0's device file (docs/drivers.md, "Device I/O"): opened for real when
// the scenario started its driver, -ENODEV else.
constexpr char kUartDevice[] = "dev/uart0";

// An IPC timeout that never blocks the fuzzer for long (docs/syscalls.md, "IPC").
std::uint64_t timeout(Random& r) {
  if (r.below(1024) == 0) return r.below(1000);  // a real wait: until the next tick
  return r.below(2) ? 0 : kMaxTimeout + 1 + r.below(1ull << 40);
}

// True if `result` is one the call may give: a success with CF clear, or one
// of the errors it documents with CF set (docs/syscalls.md).
bool plausible(Sys call, bool known, const Result& result) {
  if (!result.failed) return result.value >= 0 || !known;
  if (result.value >= 0 || result.value < -4095) return false;  // CF set on a success value
  if (!known) return result.value == ENOSYS;
  switch (call) {
    case Sys::Write:
    case Sys::SysInfo:
      return result.value == EFAULT || result.value == EINVAL;
    case Sys::Sleep:
    case Sys::Wake:
    case Sys::Unmap:
      return result.value == EINVAL;
    case Sys::SetPriority:
      return result.value == EINVAL || result.value == EPERM;
    case Sys::Open:
      return result.value == EFAULT || result.value == EINVAL || result.value == ENAMETOOLONG ||
             result.value == ENOENT || result.value == EMFILE || result.value == ENODEV || result.value == EBUSY ||
             result.value == EACCES;
    case Sys::Close:
      return result.value == EBADF;
    case Sys::Map:
      return result.value == EINVAL;
    case Sys::Spawn:
      return result.value == EINVAL || result.value == EAGAIN;
    case Sys::WaitChild:
      return result.value == ECHILD || result.value == EINTR;
    case Sys::GetPpid:
      return result.value == ESRCH;
    case Sys::Protect:
      return result.value == EINVAL || result.value == ENOMEM;
    case Sys::Read:  // a device's: -EAGAIN (non-blocking), -EINTR (woken with bytes: call again)
      return result.value == EBADF || result.value == EFAULT || result.value == EAGAIN || result.value == EINTR;
    case Sys::Seek:
      return result.value == EBADF || result.value == EINVAL || result.value == ESPIPE;
    case Sys::FdWrite:
      return result.value == EBADF || result.value == EFAULT || result.value == EAGAIN || result.value == ENOSPC;
    case Sys::Ioctl:
      return result.value == EBADF || result.value == ENOTTY || result.value == EINVAL || result.value == EFAULT;
    case Sys::Stat:
      return result.value == EBADF || result.value == EINVAL || result.value == EFAULT;
    case Sys::InterruptRegister:
      return result.value == EINVAL || result.value == EBUSY;  // a boot task: never EPERM
    case Sys::InterruptUnregister:
      return result.value == EINVAL || result.value == EPERM;
    case Sys::ThreadCreate:
      return result.value == EFAULT || result.value == EAGAIN;
    case Sys::ThreadJoin:
      return result.value == ESRCH || result.value == ECHILD;  // it never starts a thread
    case Sys::MutexCreate:
    case Sys::ConditionCreate:
      return result.value == EAGAIN;
    case Sys::SemaphoreCreate:
      return result.value == EINVAL || result.value == EAGAIN;
    case Sys::MutexLock:
      return result.value == EBADF || result.value == EDEADLK;  // its own mutexes: only it holds them
    case Sys::MutexUnlock:
      return result.value == EBADF || result.value == EPERM;
    case Sys::SemaphoreWait:
    case Sys::ConditionSignal:
    case Sys::ConditionBroadcast:
      return result.value == EBADF;
    case Sys::SemaphorePost:
      return result.value == EBADF || result.value == EOVERFLOW;
    case Sys::ObjectDestroy:
      return result.value == EBADF || result.value == EBUSY;
    case Sys::ChannelCreate:
      return result.value == EAGAIN;
    case Sys::QueueCreate:
      return result.value == EINVAL || result.value == EAGAIN;
    case Sys::ChannelSend:
    case Sys::ChannelReceive:
      return result.value == EINVAL || result.value == EMSGSIZE || result.value == EFAULT || result.value == EBADF ||
             result.value == EAGAIN || result.value == ETIMEDOUT;
    case Sys::QueueSend:
    case Sys::QueueReceive:
      return result.value == EINVAL || result.value == EMSGSIZE || result.value == EFAULT || result.value == EBADF ||
             result.value == EAGAIN || result.value == ETIMEDOUT || result.value == EINTR;
    case Sys::Poll:
      return result.value == EINVAL || result.value == EFAULT || result.value == EBADF || result.value == EAGAIN ||
             result.value == ETIMEDOUT || result.value == EINTR;
    case Sys::MemoryAllocate:
      return result.value == EINVAL || result.value == ENOMEM;
    case Sys::MemoryFree:
      return result.value == EINVAL;
    case Sys::ProfileStart:
      return result.value == EINVAL || result.value == EBUSY;
    case Sys::ProfileStop:
      return result.value == EINVAL;
    default:
      return false;  // no error documented
  }
}

}  // namespace

PRISTINE_USER_PROGRAM(user_syscall_fuzz_main) {
  const auto counter_page = reinterpret_cast<std::uint64_t>(start.counter) & ~(kPage - 1);
  Layout l{};
  l.counter_page = counter_page;
  l.stack = counter_page - PRISTINE_USER_STACK_SIZE;
  l.guard = l.stack - PRISTINE_USER_GUARD_SIZE;
  l.heap = counter_page + PRISTINE_USER_COUNTER_SIZE;
  l.scratch = l.heap + PRISTINE_USER_HEAP_SIZE - kPage;  // the last heap page: a copy out may land here
  l.other_slot = l.guard + PRISTINE_USER_SLOT_SIZE;
  l.code = reinterpret_cast<std::uint64_t>(&user_syscall_fuzz_main) & ~(kPage - 1);

  constexpr std::uint64_t kCalls = kSyscallCount;
  Random r(start.arg);
  // The objects it made (handles), so object calls often name a live one.
  // A replaced one is destroyed (unlocked first): it holds at most eight.
  std::uint64_t objects[8] = {};
  std::uint64_t semaphores[8] = {};  // the semaphores among them
  const auto object_arg = [&](std::uint64_t fallback) { return r.below(4) != 0 ? objects[r.below(8)] : fallback; };
  for (;;) {
    const bool known = r.below(8) != 0;
    const std::uint64_t number = known ? r.below(kCalls) : kCalls + (r.below(2) ? r.below(1000) : r.next() >> 1);
    const auto call_id = static_cast<Sys>(number);
    std::uint64_t a[6] = {any_value(r, l), any_value(r, l), any_value(r, l),
                          any_value(r, l), any_value(r, l), any_value(r, l)};
    if (known) {
      switch (call_id) {
        case Sys::Exit:
        case Sys::Wait:
        case Sys::Spawn:
        case Sys::InterruptWait:
        case Sys::ConditionWait:
          continue;  // would end or block the fuzzer, or fill the task table: never drawn
        case Sys::ThreadCreate:
          // Never a real entry: a thread running from a random point of its
          // code would share (and scribble on) its memory.
          if (a[0] >= l.code && a[0] < l.code + kPage) a[0] = 0;
          break;
        case Sys::MutexLock:
        case Sys::MutexUnlock:
        case Sys::SemaphorePost:
        case Sys::ConditionSignal:
        case Sys::ConditionBroadcast:
        case Sys::ObjectDestroy:
          a[0] = object_arg(a[0]);
          break;
        case Sys::SemaphoreWait:
          // A semaphore of its own gets a unit first, so the wait never
          // blocks (a post refused at the largest count leaves units too).
          a[0] = object_arg(a[0]);
          for (const std::uint64_t s : semaphores) {
            if (s == a[0] && s != 0) call(Sys::SemaphorePost, s);
          }
          break;
        case Sys::ChannelSend:
        case Sys::ChannelReceive:
        case Sys::QueueSend:
        case Sys::QueueReceive:
          // Its own objects mostly; any buffer; lengths about the limit; a
          // timeout that never blocks for long: a try (0), one refused (past
          // a day), now and then a real one (until a tick, as a sleep).
          a[0] = object_arg(a[0]);
          a[1] = call_id == Sys::ChannelSend || call_id == Sys::QueueSend ? in_pointer(r, l) : out_pointer(r, l);
          a[2] = r.below(2) ? r.below(kMaxMessage + 2) : length(r);
          a[3] = timeout(r);
          break;
        case Sys::Poll:
          // Its handle table now and then (live, stale or empty entries), any pointer else.
          a[0] = r.below(2) ? reinterpret_cast<std::uint64_t>(objects) : in_pointer(r, l);
          a[1] = r.below(8) != 0 ? r.below(10) : a[1];
          a[2] = timeout(r);
          break;
        case Sys::QueueCreate:
          a[0] = r.below(4) != 0 ? r.below(10) : a[0];
          break;
        case Sys::MemoryAllocate:
          // A length that fits now and then (regions it takes are freed by
          // a later draw, or the heap stays full: ENOMEM is plausible too).
          if (r.below(2) != 0) a[0] = r.below(PRISTINE_USER_HEAP_SIZE + 2);
          break;
        case Sys::MemoryFree:
          // Its heap's pages with lengths of a page or a few, or anything.
          if (r.below(2) != 0) {
            a[0] = l.heap + (r.below(6) << 12);
            a[1] = r.below(4) != 0 ? (r.below(4) << 12) + r.below(2) : length(r);
          }
          break;
        case Sys::ProfileStart:
        case Sys::ProfileStop:
          // Mostly a region id, in range or just past it.
          if (r.below(4) != 0) a[0] = r.below(10);
          break;
        case Sys::Sleep:
          // A real sleep lasts until a tick: rare, or a million calls take
          // minutes of modeled time. The rest are refused (past one day).
          a[0] = r.below(1024) == 0 ? r.below(1000) : (86'400ull * 1'000'000'000) + 1 + r.below(1ull << 40);
          break;
        case Sys::Write:
          // Never a write that prints (console output is slow by design, and
          // not what is fuzzed here): a readable range only with a length of
          // 0 or one refused, and any other length only where not one byte
          // is readable.
          a[0] = in_pointer(r, l);
          a[1] = length(r);
          if (readable(l, a[0]) && a[1] != 0 && a[1] <= 4096) a[0] = l.guard + r.below(kPage);
          break;
        case Sys::SysInfo:
          a[0] = out_pointer(r, l);
          a[1] = r.below(2) ? sizeof(SystemInfo) : length(r);
          break;
        case Sys::Map:
        case Sys::Protect:
          // Its own pages or anything. A read-only scratch page only makes
          // copies out -EFAULT (plausible); the next protect of it may undo it.
          a[0] = r.below(2) ? (r.below(2) ? l.stack : l.heap) + (r.below(4) << 12) : hostile_address(r, l);
          if (call_id == Sys::Protect) a[1] = r.below(2) ? 1 : (r.below(2) ? 0 : r.next());
          break;
        case Sys::Unmap:
          // Its heap but the scratch page (still a page a copy out may hit
          // later: unmapped pages come back on the next touch), or anything.
          a[0] = r.below(2) ? l.heap + r.below(PRISTINE_USER_HEAP_SIZE) : hostile_address(r, l);
          break;
        case Sys::Open:
          // A real name now and then (so reads have files to read), a
          // device's (uart0's, a driver's without one, a near miss), else
          // whatever its memory or a hostile pointer holds.
          if (r.below(4) == 0) {
            switch (r.below(5)) {
              case 0: a[0] = reinterpret_cast<std::uint64_t>("numbers.txt"); a[1] = 11; break;
              case 1: a[0] = reinterpret_cast<std::uint64_t>("hello.txt"); a[1] = 9; break;
              case 2: a[0] = reinterpret_cast<std::uint64_t>(kUartDevice); a[1] = 9; break;
              case 3: a[0] = reinterpret_cast<std::uint64_t>("scratch.txt"); a[1] = 11; break;  // writable
              default: a[0] = reinterpret_cast<std::uint64_t>("dev/uart0x"); a[1] = r.below(11); break;
            }
          } else {
            a[0] = in_pointer(r, l);
            a[1] = r.below(40);
          }
          // Flags: to write (a read-only file's is -EACCES), none, or anything (-EINVAL).
          a[2] = r.below(2) ? pristine::kOpenWrite : (r.below(2) ? 0 : r.next());
          break;
        case Sys::Close:
        case Sys::Read:
        case Sys::Seek:
        case Sys::Stat:
          // Mostly a descriptor that may be open, the buffer where a copy out may land.
          a[0] = r.below(8) != 0 ? r.below(10) : a[0];
          if (call_id == Sys::Read || call_id == Sys::Stat) {
            a[1] = out_pointer(r, l);
            a[2] = call_id == Sys::Stat && r.below(2) ? sizeof(FileStat) : length(r);
          } else if (call_id == Sys::Seek) {
            a[2] = r.below(4);
          }
          break;
        case Sys::FdWrite:
        case Sys::Ioctl:
          // A descriptor that may be open (a device's too); a write from
          // anywhere; a request mostly of the table (1-4) or near it, its
          // argument a buffer or a small number. Never a blocking device:
          // a request that would make reads block is made non-blocking.
          a[0] = r.below(8) != 0 ? r.below(10) : a[0];
          if (call_id == Sys::FdWrite) {
            a[1] = in_pointer(r, l);
            a[2] = length(r);
          } else {
            a[1] = r.below(8) != 0 ? r.below(7) : a[1];
            a[2] = r.below(2) ? out_pointer(r, l) : r.below(4);
            if (a[1] == pristine::kIoctlSetNonBlocking && a[2] == 0) a[2] = 1;
          }
          break;
        default:
          break;
      }
    }
    const Result result = r.below(4) == 0 ? call<Entry::Gate>(call_id, a[0], a[1], a[2], a[3], a[4], a[5])
                                          : call<Entry::Syscall>(call_id, a[0], a[1], a[2], a[3], a[4], a[5]);
    if (!plausible(call_id, known, result)) return 100 + static_cast<std::int64_t>(known ? number : 99);
    // A device it opened reads non-blocking at once: with no input coming,
    // a blocking read would block it for good.
    if (known && call_id == Sys::Open && result.ok() && a[0] == reinterpret_cast<std::uint64_t>(kUartDevice)) {
      call(Sys::Ioctl, static_cast<std::uint64_t>(result.value), pristine::kIoctlSetNonBlocking, 1);
    }
    if (known && result.ok() &&
        (call_id == Sys::MutexCreate || call_id == Sys::SemaphoreCreate || call_id == Sys::ConditionCreate ||
         call_id == Sys::ChannelCreate || call_id == Sys::QueueCreate)) {
      const std::uint64_t slot = r.below(8);
      call(Sys::MutexUnlock, objects[slot]);
      call(Sys::ObjectDestroy, objects[slot]);
      objects[slot] = static_cast<std::uint64_t>(result.value);
      semaphores[slot] = call_id == Sys::SemaphoreCreate ? objects[slot] : 0;
    }
    ++*start.counter;
  }
}
