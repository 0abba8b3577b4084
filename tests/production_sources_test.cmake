# No test-only breakage in the production kernel sources: a broken image is
# made by patching the linked image or at a hook point (docs/pristine-rules.md,
# "Adding a broken image"), never by a PRISTINE_BREAK_* block in core/ or
# hw-x86_64/. Run by ctest: cmake -DSOURCE_DIR=... -P this file.
file(GLOB_RECURSE sources LIST_DIRECTORIES false
  ${SOURCE_DIR}/core/* ${SOURCE_DIR}/hw-x86_64/*)
set(found "")
foreach(source IN LISTS sources)
  file(STRINGS ${source} lines REGEX "PRISTINE_BREAK")
  foreach(line IN LISTS lines)
    file(RELATIVE_PATH name ${SOURCE_DIR} ${source})
    string(APPEND found "\n  ${name}: ${line}")
  endforeach()
endforeach()
list(LENGTH sources count)
if(count LESS 20)
  message(FATAL_ERROR "only ${count} files under ${SOURCE_DIR}/core and hw-x86_64: wrong SOURCE_DIR?")
endif()
if(found)
  message(FATAL_ERROR "test-only breakage in production sources:${found}")
endif()
message(STATUS "${count} production kernel sources, no PRISTINE_BREAK")
