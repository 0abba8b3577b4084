# No test-only breakage in the production kernel sources: a broken image is
# made by patching the linked image or at a hook point (docs/pristine-rules.md,
# "Adding a broken image"), never by a PRISTINE_BREAK_* block in core/ or
# hw-x86_64/. Run by ctest: cmake -DSOURCE_DIR=... -P this file.
set(globs ${SOURCE_DIR}/core/* ${SOURCE_DIR}/hw-x86_64/*)
set(skip "")
set(rules "PRISTINE_BREAK")
set(min_files 20)
set(what "test-only breakage in production sources")
include(${CMAKE_CURRENT_LIST_DIR}/source_rules.cmake)
