#include "core/drivers/uart.h"

#include "core/cpu_local.h"
#include "core/drivers/drivers.h"
#include "core/hot_path.h"
#include "core/machine.h"
#include "core/drivers/uart_registers.h"
#include "core/sched/scheduler.h"
#include "core/stats/relaxed_counter.h"
#include "core/syscall/device_io.h"
#include "core/syscall/file_calls.h"
#include "core/syscall/syscall.h"
#include "core/syscall/user_access.h"

constinit pristine::uart::UartDevice pristine_uart0 = {};

namespace pristine::uart {

void start() {
  pristine_uart0.stats.checksum.store(kChecksumSeed, std::memory_order_relaxed);
  pristine_uart0.stats.transmit_checksum.store(kChecksumSeed, std::memory_order_relaxed);
  // FIFO on, receive trigger at 1 byte. Nothing is cleared: what the device
  // holds already is input like the rest (a FIFO that was on stays intact).
  machine::uart_write(kFifoControl, kFifoEnable);
  machine::uart_write(kModemControl, static_cast<std::uint8_t>(machine::uart_read(kModemControl) | kOut2));
  machine::uart_write(kInterruptEnable, kEnableReceiveInterrupt);
}

// Bounded: at most kBytesPerInterrupt bytes, so a full FIFO cannot stretch
// the path past its budget; the line is level-triggered on both boards, so
// bytes left behind raise it again right after the EOI.
PRISTINE_HOT bool top_half() {
  UartDevice& uart = pristine_uart0;
  bump(uart.stats.interrupts);
  std::uint64_t queued = 0;
  std::uint64_t dropped = 0;
  for (unsigned i = 0; i < kBytesPerInterrupt; ++i) {
    const std::uint8_t status = machine::uart_read(kLineStatus);
    if (PRISTINE_UNLIKELY(status & kOverrunError)) bump(uart.stats.overruns);
    if (!(status & kDataReady)) break;
    if (PRISTINE_LIKELY(uart.ring.push(machine::uart_read(kData)))) {
      ++queued;
    } else {
      ++dropped;
    }
  }
  if (PRISTINE_UNLIKELY(dropped != 0)) add(uart.stats.ring_full, dropped);
  add(uart.stats.captured, queued);
  return queued != 0;
}

// While a task holds the device open (looked at for each byte: a run may
// last as long as input keeps coming), each byte is also queued for its
// reader (the count first, then the byte: the reports never see a queued
// byte that is not counted); a full reader's buffer drops it, counted. The
// stream's own accounting (consumed, checksum) is the same either way. A
// reader that waits empty-handed is woken from the kernel wait that ends the
// run (core/drivers/device_files.h), so once it was given a byte the run
// ends there, its thread's wake left pending: the wait wakes the reader and
// returns at once, and the next run takes the rest.
void bottom_half() {
  UartDevice& uart = pristine_uart0;
  std::uint64_t sum = uart.stats.checksum.load(std::memory_order_relaxed);
  std::uint64_t consumed = uart.stats.consumed.load(std::memory_order_relaxed);
  bool reader_given = false;
  std::uint8_t byte;
  while (uart.ring.pop(byte)) {
    sum = checksum_step(sum, byte);
    ++consumed;
    if (uart.reader.owner.load(std::memory_order_acquire) == 0) continue;
    if (uart.reader.buffer.size() < kReceiveBufferSize) {
      if (PRISTINE_UNLIKELY(uart.reader.first_delivered.load(std::memory_order_relaxed) == kNotYet)) {
        uart.reader.first_delivered.store(consumed - 1, std::memory_order_relaxed);
      }
      bump(uart.stats.delivered);
      uart.reader.buffer.push(byte);  // the only producer: room checked above
      reader_given = true;
    } else {
      bump(uart.stats.reader_overflow);
    }
    if (reader_given && uart.reader.waiting.load(std::memory_order_relaxed) != 0) {
      drivers::run_bottom_half_again(drivers::DriverId::Uart0);
      break;
    }
  }
  uart.stats.checksum.store(sum, std::memory_order_relaxed);
  uart.stats.consumed.store(consumed, std::memory_order_relaxed);
  bump(uart.stats.bottom_half_runs);
}

// ---- Device I/O: "dev/uart0" (docs/drivers.md, "Device I/O") ----

namespace {

// The reader's buffer, dropped (the holder's side of the ring: open, close, flush).
PRISTINE_HOT std::uint64_t flush_input(UartDevice& uart) {
  const std::uint32_t dropped = uart.reader.buffer.discard();
  add(uart.stats.flushed, dropped);
  return dropped;
}

// Copy what the reader's buffer holds, up to `length`, to ring 3, and take it
// out only once copied: a faulting copy takes nothing (-EFAULT). Two copies
// at most (the buffer's wrap); a fault in the second returns the first's.
PRISTINE_HOT std::int64_t take_input(UartDevice& uart, VirtAddr buffer, std::uint64_t length) {
  std::uint64_t taken = 0;
  for (int part = 0; part < 2 && taken < length; ++part) {
    const std::uint8_t* data;
    std::uint64_t n = uart.reader.buffer.readable(data);
    if (n == 0) break;
    if (n > length - taken) n = length - taken;
    if (copy_to_user(buffer + taken, data, n) != 0) {
      if (taken == 0) return kEFAULT;
      break;
    }
    uart.reader.buffer.consume(static_cast<std::uint32_t>(n));
    taken += n;
  }
  add(uart.stats.read, taken);
  return static_cast<std::int64_t>(taken);
}

}  // namespace

PRISTINE_HOT std::int64_t open(Task& task) {
  UartDevice& uart = pristine_uart0;
  std::uint32_t free = 0;
  if (!uart.reader.owner.compare_exchange_strong(free, task.id + 1, std::memory_order_acq_rel)) return kEBUSY;
  // A byte the bottom half queued as the last holder closed is not this
  // one's: flushed. On one CPU nothing comes between these steps (a system
  // call is not preempted); with the bottom half on another CPU, a byte it
  // queues between the reset and the flush is flushed yet names the
  // position (docs/drivers.md, "Device I/O": a known limit).
  uart.reader.first_delivered.store(kNotYet, std::memory_order_relaxed);
  flush_input(uart);
  uart.reader.waiting.store(0, std::memory_order_relaxed);
  return 0;
}

PRISTINE_HOT void close(Task&) {
  UartDevice& uart = pristine_uart0;
  flush_input(uart);
  uart.reader.owner.store(0, std::memory_order_release);
}

PRISTINE_HOT std::uint64_t available() { return pristine_uart0.reader.buffer.size(); }

// Empty-handed, the reader says it waits, then looks again: either the
// bottom half's next kernel wait sees `waiting` and wakes it, or the reader
// sees the bytes that came meanwhile. Whoever clears `waiting` owns the wake:
// if the waker did, the reader blocks on its handshake (which the wake ends
// at once if it came first) and returns -EINTR, to call again.
PRISTINE_HOT TrapFrame* read(CpuLocal& cpu, TrapFrame* frame, Cycles now, const fs::OpenFile& file,
                             VirtAddr buffer, std::uint64_t length, std::int64_t& result) {
  UartDevice& uart = pristine_uart0;
  if (length == 0) {
    result = 0;
    return frame;
  }
  if (length > kMaxReadLength) length = kMaxReadLength;
  if (!user_range_ok(buffer, length)) {  // never block on a buffer no byte could reach
    result = kEFAULT;
    return frame;
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    result = take_input(uart, buffer, length);
    if (result != 0) return frame;
    if (file.flags & fs::kNonBlocking) {
      result = kEAGAIN;
      return frame;
    }
    uart.reader.waiting.store(1, std::memory_order_seq_cst);
    if (uart.reader.buffer.size() == 0 || uart.reader.waiting.exchange(0, std::memory_order_acq_rel) == 0) {
      result = kEINTR;
      return sched::wait_for_object(cpu, frame, now);
    }
  }
  result = take_input(uart, buffer, length);  // bytes came as it was about to wait
  return frame;
}

PRISTINE_HOT void wake_reader(CpuLocal& cpu, Cycles now) {
  UartReader& reader = pristine_uart0.reader;
  if (PRISTINE_LIKELY(reader.waiting.load(std::memory_order_relaxed) == 0)) return;
  if (reader.buffer.size() == 0 || reader.waiting.exchange(0, std::memory_order_acq_rel) == 0) return;
  const std::uint32_t owner = reader.owner.load(std::memory_order_acquire);
  if (PRISTINE_UNLIKELY(owner == 0)) return;  // never while it waits: it cannot close meanwhile
  Task& holder = pristine_tasks.tasks[owner - 1];
  if (sched::claim_object_wake(holder)) sched::wake_later(cpu, now, holder);
}

// The transmitter takes a FIFO's worth once it is empty (LSR.THRE): up to
// kMaxDeviceWrite bytes, each written to THR; a busy transmitter is -EAGAIN
// (the runtime yields and calls again).
PRISTINE_HOT std::int64_t write(VirtAddr buffer, std::uint64_t length) {
  UartDevice& uart = pristine_uart0;
  if (length > kMaxDeviceWrite) length = kMaxDeviceWrite;
  std::uint8_t bytes[kMaxDeviceWrite];
  if (const std::int64_t e = copy_from_user(bytes, buffer, length)) return e;
  if (length == 0) return 0;
  const std::uint8_t status = machine::uart_read(kLineStatus);
  if (PRISTINE_UNLIKELY(status & kOverrunError)) bump(uart.stats.write_overruns);
  if (!(status & kTransmitHoldingEmpty)) {
    bump(uart.stats.transmit_busy);
    return kEAGAIN;
  }
  std::uint64_t sum = uart.stats.transmit_checksum.load(std::memory_order_relaxed);
  for (std::uint64_t i = 0; i < length; ++i) {
    machine::uart_write(kData, bytes[i]);
    sum = checksum_step(sum, bytes[i]);
  }
  uart.stats.transmit_checksum.store(sum, std::memory_order_relaxed);
  add(uart.stats.transmitted, length);
  return static_cast<std::int64_t>(length);
}

PRISTINE_HOT std::int64_t ioctl(fs::OpenFile& file, std::uint64_t request, std::uint64_t argument) {
  UartDevice& uart = pristine_uart0;
  switch (request) {
    case kIoctlGetStats: {
      const DeviceStats stats{
          .size = sizeof(DeviceStats),
          .interrupts = uart.stats.interrupts.load(std::memory_order_relaxed),
          .captured = uart.stats.captured.load(std::memory_order_relaxed),
          .dropped = uart.stats.ring_full.load(std::memory_order_relaxed) + uart.stats.overruns.load(std::memory_order_relaxed) + uart.stats.write_overruns.load(std::memory_order_relaxed),
          .consumed = uart.stats.consumed.load(std::memory_order_relaxed),
          .delivered = uart.stats.delivered.load(std::memory_order_relaxed),
          .reader_overflow = uart.stats.reader_overflow.load(std::memory_order_relaxed),
          .read = uart.stats.read.load(std::memory_order_relaxed),
          .flushed = uart.stats.flushed.load(std::memory_order_relaxed),
          .available = available(),
          .transmitted = uart.stats.transmitted.load(std::memory_order_relaxed),
          .transmit_busy = uart.stats.transmit_busy.load(std::memory_order_relaxed),
          .first_delivered = uart.reader.first_delivered.load(std::memory_order_relaxed),
      };
      if (const std::int64_t e = copy_to_user(argument, &stats, sizeof stats)) return e;
      return sizeof stats;
    }
    case kIoctlBytesAvailable:
      return argument != 0 ? kEINVAL : static_cast<std::int64_t>(available());
    case kIoctlSetNonBlocking:
      if (argument > 1) return kEINVAL;
      file.flags = argument != 0 ? file.flags | fs::kNonBlocking : file.flags & ~fs::kNonBlocking;
      return 0;
    case kIoctlFlushInput:
      return argument != 0 ? kEINVAL : static_cast<std::int64_t>(flush_input(uart));
    default:
      return kENOTTY;
  }
}

}  // namespace pristine::uart
