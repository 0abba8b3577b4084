#include "core/drivers/device_files.h"

#include "core/drivers/drivers.h"
#include "core/drivers/uart.h"
#include "core/drivers/user_interrupts.h"
#include "core/hot_path.h"
#include "core/syscall/device_io.h"
#include "core/syscall/syscall.h"

namespace pristine::drivers {
namespace {

// Whether driver `id` has device operations: a case in each switch below.
constexpr bool has_device(DriverId id) {
  switch (id) {
    case DriverId::Uart0: return true;
    default: return false;
  }
}

}  // namespace

PRISTINE_HOT std::uint32_t find_device(const char* name, std::uint64_t length) {
  if (length <= kDevicePrefixLength) return kNoDevice;
  for (std::uint64_t i = 0; i < kDevicePrefixLength; ++i) {
    if (name[i] != kDevicePrefix[i]) return kNoDevice;
  }
  for (std::uint32_t d = 0; d < kDriverCount; ++d) {
    const char* driver = kDrivers[d].name;
    std::uint64_t i = kDevicePrefixLength;
    while (i < length && driver[i - kDevicePrefixLength] != '\0' && name[i] == driver[i - kDevicePrefixLength]) ++i;
    if (i == length && driver[i - kDevicePrefixLength] == '\0' && has_device(static_cast<DriverId>(d))) return d;
  }
  return kNoDevice;
}

PRISTINE_HOT std::int64_t device_open(Task& task, std::uint32_t fd, std::uint32_t driver) {
  const auto id = static_cast<DriverId>(driver);
  if (!started(id)) return kENODEV;
  std::int64_t result = kENODEV;
  switch (id) {
    case DriverId::Uart0: result = uart::open(task); break;
    default: break;
  }
  if (result != 0) return result;
  task.files[fd] = {.file = driver, .kind = fs::kDevice, .offset = 0, .flags = 0, .reserved = 0};
  task.devices_open |= std::uint32_t{1} << driver;
  return fd;
}

PRISTINE_HOT void device_close(Task& task, fs::OpenFile& file) {
  switch (static_cast<DriverId>(file.file)) {
    case DriverId::Uart0: uart::close(task); break;
    default: break;
  }
  task.devices_open &= ~(std::uint32_t{1} << file.file);
  file.kind = fs::kFree;
}

PRISTINE_HOT TrapFrame* device_read(CpuLocal& cpu, TrapFrame* frame, Cycles now, fs::OpenFile& file,
                                    VirtAddr buffer, std::uint64_t length, std::int64_t& result) {
  switch (static_cast<DriverId>(file.file)) {
    case DriverId::Uart0: return uart::read(cpu, frame, now, file, buffer, length, result);
    default: result = kEBADF; return frame;
  }
}

PRISTINE_HOT std::int64_t device_write(fs::OpenFile& file, VirtAddr buffer, std::uint64_t length) {
  switch (static_cast<DriverId>(file.file)) {
    case DriverId::Uart0: return uart::write(buffer, length);
    default: return kEBADF;
  }
}

PRISTINE_HOT std::int64_t device_ioctl(fs::OpenFile& file, std::uint64_t request, std::uint64_t argument) {
  switch (static_cast<DriverId>(file.file)) {
    case DriverId::Uart0: return uart::ioctl(file, request, argument);
    default: return kENOTTY;
  }
}

PRISTINE_HOT std::uint64_t device_available(const fs::OpenFile& file) {
  switch (static_cast<DriverId>(file.file)) {
    case DriverId::Uart0: return uart::available();
    default: return 0;
  }
}

PRISTINE_HOT void release_devices(Task& task) {
  for (fs::OpenFile& file : task.files) {
    if (file.kind == fs::kDevice) device_close(task, file);
  }
}

PRISTINE_HOT void release_task_devices(Task& task) {
  if (task.interrupt_lines != 0) release_interrupt_lines(task);
  if (task.devices_open != 0) release_devices(task);
}

PRISTINE_HOT void wake_device_readers(CpuLocal& cpu, Cycles now) {
  for (std::uint32_t d = 0; d < kDriverCount; ++d) {
    switch (static_cast<DriverId>(d)) {
      case DriverId::Uart0: uart::wake_reader(cpu, now); break;
      default: break;
    }
  }
}

}  // namespace pristine::drivers
