/* Sizes of the structs the system calls copy, as plain #defines: included by
 * the C++ definitions (which static_assert them) and by ring-3 assembly
 * (kernel-image/user/syscalls.h). */
#pragma once

#define PRISTINE_SYSTEM_INFO_SIZE 56 /* core/syscall/system_info.h */
#define PRISTINE_FILE_STAT_SIZE 16   /* core/syscall/file_stat.h */
#define PRISTINE_DEVICE_STATS_SIZE 104 /* core/syscall/device_io.h */
