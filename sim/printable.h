// Names that come from untrusted input (a kernel image's symbol table, its
// DWARF file names) made safe for every report: valid UTF-8 without control
// characters, so the JSON writer cannot throw and a terminal cannot be driven
// by escape sequences hidden in a symbol (docs/input-limits.md).
#pragma once

#include <string>
#include <string_view>

namespace pristine::sim {

// `text` unchanged when it is valid UTF-8 without C0/DEL control characters
// and without a backslash; otherwise every offending byte (a byte of an
// invalid or overlong sequence, a control character, a backslash) becomes
// "\xNN", so two different names never print the same.
std::string printable(std::string_view text);

}  // namespace pristine::sim
