#include "core/boot_info.h"

// In .data, not .bss: the simulator writes it into the loaded image before the
// first instruction, and a boot path that clears .bss must not wipe it.
[[gnu::section(".data.boot_info")]] pristine::BootInfo pristine_boot_info = {};
