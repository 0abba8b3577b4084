// Unrecoverable kernel errors. Cold path: prints and powers off with a failing code.
#pragma once

namespace pristine {

[[noreturn]] void panic(const char* message);

}  // namespace pristine
