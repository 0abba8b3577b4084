# Writes the global symbols of an AArch64 test guest as C++ constants:
# cmake -DNM=<nm> -DELF=<image> -DOUT=<header> -P aarch64_guest_symbols.cmake
# The test then names the guest's labels instead of repeating their offsets.
execute_process(COMMAND ${NM} --defined-only -g ${ELF} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} ${ELF} failed")
endif()
set(text "// Generated from ${ELF} by tests/guest/aarch64_guest_symbols.cmake.\n#pragma once\n#include <cstdint>\nnamespace aarch64_test_guest {\n")
string(REPLACE "\n" ";" lines "${symbols}")
foreach(line IN LISTS lines)
  # Global code labels; the linker's own (_start, __bss_start, ...) begin with _.
  if(line MATCHES "^([0-9a-f]+) T ([a-z][a-z_0-9]*)$")
    string(APPEND text "inline constexpr std::uint64_t ${CMAKE_MATCH_2} = 0x${CMAKE_MATCH_1};\n")
  endif()
endforeach()
string(APPEND text "}  // namespace aarch64_test_guest\n")
file(WRITE ${OUT}.tmp "${text}")
file(RENAME ${OUT}.tmp ${OUT})
