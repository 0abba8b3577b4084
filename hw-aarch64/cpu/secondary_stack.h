// The size of a secondary CPU's boot stack, one fact for the entry assembly
// (cpu/secondary_entry.S indexes the stacks with it) and the C++ that
// reserves them (cpu/secondary_stacks.cpp). Preprocessor-only: the
// assembler reads it too.
#pragma once

#define PRISTINE_SECONDARY_STACK_SHIFT 14  // 16 KiB each
