// The one board address the AArch64 entry assembly needs (board_entry.S),
// as a preprocessor constant the assembler reads; board_init.cpp checks it
// against its C++ definition (hw-sim/board_registers.h).
#pragma once

// sim_board::aarch64::kPhysicalBase + sim_board::kCpuId
#define BOARD_CPU_ID_PHYSICAL 0x0a020008
