// The hot paths under the budget gate: which benchmark measures which path
// of the report, in which fixed scenario (benches/scenarios/), on either
// architecture (the scenarios run as they are on x86-64, and with their
// `arch` set to aarch64 for `pristine budget --arch aarch64`). Shared by the
// benchmark binary, the gate and `pristine calibrate`.
#pragma once

#include "sim/guest_architecture.h"

namespace pristine::bench {

struct HotPath {
  const char* benchmark;  // Google Benchmark name, and the key in benches/budgets*.toml
  const char* scenario;   // benches/scenarios/...
  const char* path;       // the report's path name
  const char* aarch64_path = nullptr;  // its name on AArch64, where the exception is called otherwise
};

// The report's name of `hot` on `arch`.
constexpr const char* path_name(const HotPath& hot, sim::GuestArchitecture arch) {
  return arch == sim::GuestArchitecture::Aarch64 && hot.aarch64_path ? hot.aarch64_path : hot.path;
}

inline constexpr HotPath kHotPaths[] = {
    {"timer_tick", "uniprocessor.toml", "timer"},
    {"timer_tick_switch", "uniprocessor.toml", "timer+switch"},
    {"null_syscall", "uniprocessor.toml", "syscall/getpid"},
    {"syscall_clock", "uniprocessor.toml", "syscall/clock"},
    {"syscall_yield_switch", "uniprocessor.toml", "syscall/yield+switch"},
    {"page_fault_map", "uniprocessor.toml", "page-fault", "data-abort"},
    {"spurious_interrupt", "uniprocessor.toml", "spurious"},
    {"user_fault_kill", "uniprocessor.toml", "invalid-opcode+switch", "undefined-instruction+switch"},
    {"ipi_reschedule", "multiprocessor.toml", "ipi-reschedule"},
    {"ipi_reschedule_switch", "multiprocessor.toml", "ipi-reschedule+switch"},
    {"ipi_tlb_shootdown", "multiprocessor.toml", "ipi-tlb-shootdown"},
    {"unmap_shootdown_switch", "multiprocessor.toml", "syscall/unmap+switch"},
    {"uart_rx_top_half", "drivers.toml", "uart0-rx"},
    {"uart_rx_wake_bottom_half", "drivers.toml", "uart0-rx+switch"},
    {"kernel_wait_switch", "drivers.toml", "kernel-wait+switch"},
    {"nic_rx_top_half", "nic.toml", "nic0-rx"},
    {"nic_rx_wake_bottom_half", "nic.toml", "nic0-rx+switch"},
    {"irq_to_user", "ring3-driver.toml", "irq-to-user"},
    {"mutex_lock", "sync.toml", "syscall/mutex_lock"},
    {"mutex_lock_block_switch", "sync.toml", "syscall/mutex_lock+switch"},
    {"mutex_unlock", "sync.toml", "syscall/mutex_unlock"},
    {"semaphore_wait", "sync.toml", "syscall/semaphore_wait"},
    {"semaphore_post", "sync.toml", "syscall/semaphore_post"},
    {"condition_wait_switch", "sync.toml", "syscall/condition_wait+switch"},
    {"condition_signal", "sync.toml", "syscall/condition_signal"},
    {"object_create", "sync.toml", "syscall/mutex_create"},
    {"object_destroy", "sync.toml", "syscall/object_destroy"},
    {"thread_create", "sync.toml", "syscall/thread_create"},
    {"channel_send_rendezvous", "ipc.toml", "syscall/channel_send"},
    {"channel_receive_rendezvous", "ipc.toml", "syscall/channel_receive"},
    {"channel_receive_block_switch", "ipc.toml", "syscall/channel_receive+switch"},
    {"queue_send", "ipc.toml", "syscall/queue_send"},
    {"queue_receive", "ipc.toml", "syscall/queue_receive"},
    {"queue_receive_block_switch", "ipc.toml", "syscall/queue_receive+switch"},
    {"trace_marker", "debug.toml", "syscall/trace_marker"},
    {"profile_start", "debug.toml", "syscall/profile_start"},
    {"profile_stop", "debug.toml", "syscall/profile_stop"},
    {"memory_allocate", "memory.toml", "syscall/memory_allocate"},
    {"memory_free", "memory.toml", "syscall/memory_free"},
    {"memory_free_shootdown_switch", "memory-smp.toml", "syscall/memory_free+switch"},
    {"device_read", "devio.toml", "syscall/read"},
    {"device_read_block_switch", "devio.toml", "syscall/read+switch"},
    {"device_write", "devio.toml", "syscall/fd_write"},
    {"device_ioctl", "devio.toml", "syscall/ioctl"},
};

}  // namespace pristine::bench
