// The kernel command line's words as the writer and the parser spell them, from
// command_line_words.def: command_line_word::kTick is "tick=",
// command_line_word::kIcount is "icount". Freestanding: the kernel and the host
// both include it.
#pragma once

namespace pristine::boot::command_line_word {

#define PRISTINE_COMMAND_LINE_KEY(name, key) inline constexpr const char* k##name = key "=";
#define PRISTINE_COMMAND_LINE_FLAG(name, word) inline constexpr const char* k##name = word;
#include "core/boot/command_line_words.def"
#undef PRISTINE_COMMAND_LINE_KEY
#undef PRISTINE_COMMAND_LINE_FLAG

}  // namespace pristine::boot::command_line_word
