# The simulator's architecture seam (docs/architecture.md, "The architecture
# seam"): x86 registers (UC_X86_*) are named only under sim/x86_64/, AArch64
# ones (UC_ARM64_*) only under sim/aarch64/, and no part reads kernel data by
# a mangled C++ name (sim/guest_kernel_view.h reads it by extern "C" names).
# Run by ctest: cmake -DSOURCE_DIR=... -P this file.
set(globs ${SOURCE_DIR}/sim/*.h ${SOURCE_DIR}/sim/*.cpp)
set(skip "^sim/x86_64/")
set(rules "UC_X86_|\"_ZN")
set(min_files 40)
set(what "x86 registers or mangled kernel names outside sim/x86_64/")
include(${CMAKE_CURRENT_LIST_DIR}/source_rules.cmake)

set(skip "^sim/aarch64/")
set(rules "UC_ARM64_")
set(what "AArch64 registers outside sim/aarch64/")
include(${CMAKE_CURRENT_LIST_DIR}/source_rules.cmake)
