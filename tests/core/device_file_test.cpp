// Device files (core/drivers/device_files.h, docs/drivers.md "Device I/O"):
// uart0's "dev/uart0" through the system calls, compiled natively against
// the fake machine, one CPU. The driver's interrupt, bottom half and
// kernel wait are driven by hand in the order the kernel runs them: the top
// half wakes the bottom-half thread, its body consumes the ring, its
// kernel wait wakes a reader that blocked empty-handed.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "core/drivers/device_files.h"
#include "core/drivers/drivers.h"
#include "core/drivers/uart.h"
#include "core/drivers/uart_registers.h"
#include "core/fs/image_files.h"
#include "core/syscall/device_io.h"
#include "core/syscall/file_stat.h"
#include "tests/core/scheduler_fixture.h"

extern "C" char __user_start[];

namespace pristine {
namespace {

constexpr Vector kUartVector{static_cast<std::uint8_t>(vectors::kDeviceBase + 4)};

class DeviceFile : public SchedulerFixture {
 protected:
  void SetUp() override {
    SchedulerFixture::SetUp();
    std::destroy_at(&pristine_uart0);
    std::construct_at(&pristine_uart0);
    std::memset(__user_start, 0, 8192);
  }

  // Boot with uart0 started (its bottom-half thread, priority 3, runs first
  // and blocks in its kernel wait) and the ring-3 tasks `names`.
  void boot(std::initializer_list<const char*> names) {
    BootInfo info{};
    info.drivers = drivers::driver_bit(drivers::DriverId::Uart0);
    drivers::start(info);
    for (const char* name : names) add(name);
    start();
    ASSERT_EQ(running(), "uart0-bh");
    kernel_wait();
  }
  void kernel_wait() { resume_ = dispatch_interrupt(vectors::kKernelWait, resume_); }

  // Bytes arrive: the top half takes them (its bound a pass), the bottom
  // half runs and ends in its kernel wait.
  void arrive(std::initializer_list<std::uint8_t> bytes) {
    for (const std::uint8_t b : bytes) fake_machine::state().uart_fifo.push_back(b);
    while (!fake_machine::state().uart_fifo.empty()) resume_ = dispatch_interrupt(kUartVector, resume_);
    ASSERT_EQ(running(), "uart0-bh") << "the top half's wake preempts ring 3";
    bottom_half();
  }
  // The thread's loop: consume, kernel wait, again while a wake is pending.
  void bottom_half() {
    for (int i = 0; i < 8 && running() == "uart0-bh"; ++i) {
      uart::bottom_half();
      kernel_wait();
    }
    ASSERT_NE(running(), "uart0-bh");
  }

  std::int64_t call(Syscall number, std::uint64_t a0 = 0, std::uint64_t a1 = 0, std::uint64_t a2 = 0) {
    TrapFrame* frame = resume_;
    frame->syscall = SyscallArgs{static_cast<std::uint64_t>(number), {a0, a1, a2}};
    resume_ = dispatch_syscall(frame->syscall, frame);
    return static_cast<std::int64_t>(frame->rax);
  }
  std::int64_t open(const char* name) {
    std::strcpy(__user_start + 4096, name);
    return call(Syscall::Open, user(4096), std::strlen(name));
  }
  void run(const std::string& name) {
    for (int i = 0; i < 16 && running() != name; ++i) call(Syscall::Yield);
    ASSERT_EQ(running(), name);
  }
  static std::uint64_t user(std::uint64_t offset) { return reinterpret_cast<std::uint64_t>(__user_start) + offset; }
  static std::uint64_t stat(const std::atomic<std::uint64_t>& c) { return c.load(); }
  static std::uint64_t kKernel() { return 0xFFFF'8000'0000'0000; }
};

TEST_F(DeviceFile, NamesHoldersAndTheDriverBit) {
  // Before the driver starts: the name is a device's, the device is off.
  add("reader");
  start();
  EXPECT_EQ(open("dev/uart0"), kENODEV);
  for (const char* name : {"dev/", "dev/uart", "dev/uart00", "uart0", "dev/nic0"}) EXPECT_EQ(open(name), kENOENT) << name;
}

TEST_F(DeviceFile, OneHolderAtATimeAndExitGivesItBack) {
  boot({"reader", "other"});
  run("reader");
  const std::int64_t fd = open("dev/uart0");
  ASSERT_GE(fd, 0);
  EXPECT_EQ(open("dev/uart0"), kEBUSY) << "its own second open too";
  FileStat info{};
  std::memcpy(__user_start, &info, sizeof info);
  EXPECT_EQ(call(Syscall::Stat, static_cast<std::uint64_t>(fd), user(0), sizeof info), static_cast<std::int64_t>(sizeof info));
  std::memcpy(&info, __user_start, sizeof info);
  EXPECT_EQ(info.flags, kFileDevice);
  EXPECT_EQ(call(Syscall::Seek, static_cast<std::uint64_t>(fd), 0, 0), kESPIPE);
  call(Syscall::Yield);
  run("other");
  EXPECT_EQ(open("dev/uart0"), kEBUSY);
  run("reader");
  call(Syscall::Exit);  // the holder exits holding it
  run("other");
  EXPECT_GE(open("dev/uart0"), 0) << "the exit closed it";
}

// Image files share the descriptor calls (core/syscall/file_calls.cpp): a
// writable one has one writer at a time, whose exit gives it back like a
// device's holder; a write grows the size readers see, up to the capacity.
TEST_F(DeviceFile, AWritableFileHasOneWriterAndExitGivesItBack) {
  const std::uint32_t scratch = fs::find_image_file("scratch.txt", 11);
  ASSERT_NE(scratch, fs::kNoFile);
  fs::ImageFile& file = fs::pristine_image_files[scratch];
  file.writer.store(0);
  file.size.store(0);
  boot({"writer", "other"});
  run("writer");
  auto open_to_write = [&](const char* name) {
    std::strcpy(__user_start + 4096, name);
    return call(Syscall::Open, user(4096), std::strlen(name), kOpenWrite);
  };
  EXPECT_EQ(open_to_write("hello.txt"), kEACCES) << "a read-only file";
  const std::int64_t fd = open_to_write("scratch.txt");
  ASSERT_GE(fd, 0);
  EXPECT_EQ(open_to_write("scratch.txt"), kEBUSY) << "its own second writer too";
  std::memcpy(__user_start, "abcdef", 6);
  EXPECT_EQ(call(Syscall::FdWrite, static_cast<std::uint64_t>(fd), user(0), 6), 6);
  EXPECT_EQ(file.size.load(), 6u);
  EXPECT_EQ(std::memcmp(file.data, "abcdef", 6), 0);
  call(Syscall::Yield);
  run("other");
  EXPECT_EQ(open_to_write("scratch.txt"), kEBUSY);
  const std::int64_t reader = open("scratch.txt");
  ASSERT_GE(reader, 0) << "readers beside the writer";
  EXPECT_EQ(call(Syscall::FdWrite, static_cast<std::uint64_t>(reader), user(0), 1), kEBADF);
  EXPECT_EQ(call(Syscall::Read, static_cast<std::uint64_t>(reader), user(8192 - 16), 16), 6);
  run("writer");
  call(Syscall::Exit);  // the writer exits holding it
  run("other");
  const std::int64_t second = open_to_write("scratch.txt");
  EXPECT_GE(second, 0) << "the exit gave the writer back";
  EXPECT_EQ(call(Syscall::Seek, static_cast<std::uint64_t>(second), file.capacity - 2, 0),
            static_cast<std::int64_t>(file.capacity - 2));
  EXPECT_EQ(call(Syscall::FdWrite, static_cast<std::uint64_t>(second), user(0), 6), 2) << "up to the capacity";
  EXPECT_EQ(call(Syscall::FdWrite, static_cast<std::uint64_t>(second), user(0), 6), kENOSPC);
  EXPECT_EQ(file.size.load(), file.capacity);
  EXPECT_EQ(call(Syscall::Close, static_cast<std::uint64_t>(second)), 0);
  EXPECT_EQ(file.writer.load(), 0u) << "close gave it back";
  file.size.store(0);
}

TEST_F(DeviceFile, AnEmptyHandedReadBlocksAndTheBottomHalfsKernelWaitWakesIt) {
  boot({"reader", "other"});
  run("reader");
  Task* reader = cpu().current;
  const auto fd = static_cast<std::uint64_t>(open("dev/uart0"));
  EXPECT_EQ(call(Syscall::Read, fd, user(0), 16), kEINTR) << "the result it will find when it resumes";
  EXPECT_EQ(running(), "other") << "it blocked";
  EXPECT_EQ(reader->state, TaskState::Blocked);
  const std::uint64_t runs = stat(pristine_uart0.stats.bottom_half_runs);
  arrive({10, 20, 30});
  EXPECT_NE(reader->state, TaskState::Blocked) << "the bottom half's kernel wait woke it";
  EXPECT_EQ(stat(pristine_uart0.stats.bottom_half_runs) - runs, 2u)
      << "the run ended at the first byte given to the waiting reader (its kernel wait woke it at once), the next "
         "took the rest";
  run("reader");
  EXPECT_EQ(call(Syscall::Read, fd, user(0), 2), 2);
  EXPECT_EQ(call(Syscall::Read, fd, user(2), 16), 1);
  EXPECT_EQ(std::string(__user_start, 3), std::string("\x0a\x14\x1e", 3));
  // Non-blocking: nothing there is -EAGAIN; the flag takes 0 or 1 only.
  EXPECT_EQ(call(Syscall::Ioctl, fd, kIoctlSetNonBlocking, 2), kEINVAL);
  EXPECT_EQ(call(Syscall::Ioctl, fd, kIoctlSetNonBlocking, 1), 0);
  EXPECT_EQ(call(Syscall::Read, fd, user(0), 16), kEAGAIN);
  EXPECT_EQ(running(), "reader");
}

TEST_F(DeviceFile, AFaultingCopyTakesNothingAndTheBooksBalance) {
  boot({"reader"});
  run("reader");
  const auto fd = static_cast<std::uint64_t>(open("dev/uart0"));
  arrive({1, 2, 3, 4, 5});
  run("reader");
  EXPECT_EQ(call(Syscall::Read, fd, kKernel(), 4), kEFAULT);
  EXPECT_EQ(call(Syscall::Ioctl, fd, kIoctlBytesAvailable), 5) << "nothing taken";
  EXPECT_EQ(call(Syscall::Read, fd, user(0), 0), 0);
  EXPECT_EQ(call(Syscall::Read, fd, user(0), 2), 2);
  EXPECT_EQ(call(Syscall::Ioctl, fd, kIoctlFlushInput), 3);
  EXPECT_EQ(call(Syscall::Ioctl, fd, kIoctlGetStats, user(512)), static_cast<std::int64_t>(sizeof(DeviceStats)));
  DeviceStats stats{};
  std::memcpy(&stats, __user_start + 512, sizeof stats);
  EXPECT_EQ(stats.consumed, 5u);
  EXPECT_EQ(stats.delivered, 5u);
  EXPECT_EQ(stats.read, 2u);
  EXPECT_EQ(stats.flushed, 3u);
  EXPECT_EQ(stats.first_delivered, 0u);
  EXPECT_EQ(stats.delivered, stats.read + stats.flushed + stats.available);
  EXPECT_EQ(call(Syscall::Ioctl, fd, kIoctlGetStats, kKernel()), kEFAULT);
  EXPECT_EQ(call(Syscall::Ioctl, fd, 99), kENOTTY);
  // Closed, the device queues nothing: the stream goes on, counted as before.
  EXPECT_EQ(call(Syscall::Close, fd), 0);
  arrive({6, 7});
  EXPECT_EQ(stat(pristine_uart0.stats.consumed), 7u);
  EXPECT_EQ(stat(pristine_uart0.stats.delivered), 5u);
  // A full reader buffer drops and counts; the checksum still covers every byte.
  run("reader");
  const auto again = static_cast<std::uint64_t>(open("dev/uart0"));
  for (std::uint32_t i = 0; i < uart::kReceiveBufferSize + 3; ++i) {
    fake_machine::state().uart_fifo.push_back(static_cast<std::uint8_t>(i));
    if (i % 256 == 255) {  // the top half's ring is that size too: the bottom half keeps up
      while (!fake_machine::state().uart_fifo.empty()) resume_ = dispatch_interrupt(kUartVector, resume_);
      bottom_half();
    }
  }
  while (!fake_machine::state().uart_fifo.empty()) resume_ = dispatch_interrupt(kUartVector, resume_);
  bottom_half();
  EXPECT_EQ(stat(pristine_uart0.stats.reader_overflow), 3u);
  EXPECT_EQ(stat(pristine_uart0.stats.consumed), 7u + uart::kReceiveBufferSize + 3);
  run("reader");
  EXPECT_EQ(call(Syscall::Ioctl, again, kIoctlBytesAvailable), static_cast<std::int64_t>(uart::kReceiveBufferSize));
}

TEST_F(DeviceFile, AWriteGoesToTheTransmitterEightBytesAtATime) {
  boot({"writer"});
  run("writer");
  const auto fd = static_cast<std::uint64_t>(open("dev/uart0"));
  std::memcpy(__user_start, "0123456789", 10);
  fake_machine::state().uart_writes.clear();
  EXPECT_EQ(call(Syscall::FdWrite, fd, user(0), 10), static_cast<std::int64_t>(kMaxDeviceWrite));
  std::string sent;
  for (const auto& [reg, value] : fake_machine::state().uart_writes) {
    if (reg == uart::kData) sent += static_cast<char>(value);
  }
  EXPECT_EQ(sent, "01234567");
  EXPECT_EQ(call(Syscall::FdWrite, fd, kKernel(), 4), kEFAULT);
  EXPECT_EQ(call(Syscall::FdWrite, fd, user(0), 0), 0);
  EXPECT_EQ(call(Syscall::FdWrite, 7, user(0), 1), kEBADF);
  std::uint64_t sum = uart::kChecksumSeed;
  for (const char c : sent) sum = uart::checksum_step(sum, static_cast<std::uint8_t>(c));
  EXPECT_EQ(stat(pristine_uart0.stats.transmitted), 8u);
  EXPECT_EQ(stat(pristine_uart0.stats.transmit_checksum), sum);
  // An image file: read-only, no requests.
  const std::int64_t file = open("hello.txt");
  if (file >= 0) {  // the native build may have no image files
    EXPECT_EQ(call(Syscall::FdWrite, static_cast<std::uint64_t>(file), user(0), 1), kEBADF);
    EXPECT_EQ(call(Syscall::Ioctl, static_cast<std::uint64_t>(file), kIoctlGetStats, user(0)), kENOTTY);
  }
}

}  // namespace
}  // namespace pristine
