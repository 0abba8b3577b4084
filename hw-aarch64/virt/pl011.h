// The console of the `virt` board: a PL011 UART, transmit only, polled (the
// console is a cold path, docs/pristine-rules.md). Numbers and text come
// through core/'s console (core/console.h), which calls
// machine::console_write, which calls this.
#pragma once

#include <cstddef>

namespace pristine::virt {

void console_write(const char* text, std::size_t length);

}  // namespace pristine::virt
