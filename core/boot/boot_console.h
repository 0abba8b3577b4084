// What a board's boot writes about its command line (core/boot/command_line.h)
// on the console, the same on every board: cold, boot-time only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pristine::boot {

// One console line for a word the parser refused or clamped:
// "<board>: <what>: <word>", the word's bytes shown as they are if printable
// ASCII, else as '?', at most 64 of them.
void write_command_line_notice(const char* board, const char* what, const char* word, std::size_t length);

// Microseconds as seconds, e.g. "1", "0.25".
void write_seconds(std::uint64_t us);

}  // namespace pristine::boot
