// Device files (docs/drivers.md, "Device I/O"; docs/files.md, "Devices"): a
// started driver's device, opened by name ("dev/" + its driver's name) into
// the task's descriptor table (core/fs/open_file.h) beside the image's
// files, and driven with the descriptor calls: read, fd_write, ioctl, close.
// One switch on the driver id picks the driver's operations (no function
// pointers, as for the top halves: core/drivers/drivers.cpp); a driver
// without device operations has no device file (-ENOENT).
#pragma once

#include <cstdint>

#include "core/cpu_local.h"
#include "core/drivers/driver_table.h"
#include "core/fs/open_file.h"
#include "core/sched/task.h"
#include "core/types.h"

namespace pristine::drivers {

// The driver whose device file `name[0, length)` names, as a DriverId, or
// kNoDevice (not "dev/" followed by the name of a driver with device
// operations).
inline constexpr std::uint32_t kNoDevice = ~std::uint32_t{0};
std::uint32_t find_device(const char* name, std::uint64_t length);

// open into descriptor `fd` (free; the caller found it): 0, -ENODEV (the
// driver was not started), -EBUSY (the device is open: one holder at a time).
std::int64_t device_open(Task& task, std::uint32_t fd, std::uint32_t driver);
// close the device descriptor `file` of `task`.
void device_close(Task& task, fs::OpenFile& file);
// The descriptor calls on a device descriptor (its result in `result`, or returned).
TrapFrame* device_read(CpuLocal& cpu, TrapFrame* frame, Cycles now, fs::OpenFile& file, VirtAddr buffer,
                       std::uint64_t length, std::int64_t& result);
std::int64_t device_write(fs::OpenFile& file, VirtAddr buffer, std::uint64_t length);
std::int64_t device_ioctl(fs::OpenFile& file, std::uint64_t request, std::uint64_t argument);
// Bytes a read would take now (stat's size).
std::uint64_t device_available(const fs::OpenFile& file);

// Hot (exit): close every device `task` holds open.
void release_devices(Task& task);
// Hot (exit, rare): give back the device lines `task` bound and close the
// devices it holds open.
void release_task_devices(Task& task);
// Hot (the kernel-wait path, where a bottom half ends its run): wake each
// device's reader that blocked empty-handed, if bytes came.
void wake_device_readers(CpuLocal& cpu, Cycles now);

}  // namespace pristine::drivers
