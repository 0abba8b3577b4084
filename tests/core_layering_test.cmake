# core/ depends on kernel_main only where boot starts it: the boards call
# kernel_main(), nothing in core/ includes core/kernel_main.h (the scheduler's
# idle loop ends the run through core/power_off.h). Run by ctest:
# cmake -DSOURCE_DIR=... -P this file.
set(globs ${SOURCE_DIR}/core/*)
set(skip "^core/kernel_main\\.(cpp|h)$")
set(rules "#include \"core/kernel_main.h\"")
set(min_files 20)
set(what "include of core/kernel_main.h in core/")
include(${CMAKE_CURRENT_LIST_DIR}/source_rules.cmake)
