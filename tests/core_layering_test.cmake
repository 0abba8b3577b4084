# core/ depends on kernel_main only where boot starts it: the boards call
# kernel_main(), nothing in core/ includes core/kernel_main.h (the scheduler's
# idle loop ends the run through core/power_off.h). Run by ctest:
# cmake -DSOURCE_DIR=... -P this file.
file(GLOB_RECURSE sources LIST_DIRECTORIES false ${SOURCE_DIR}/core/*)
set(found "")
foreach(source IN LISTS sources)
  if(source MATCHES "/core/kernel_main\\.(cpp|h)$")
    continue()
  endif()
  file(STRINGS ${source} lines REGEX "#include \"core/kernel_main.h\"")
  if(lines)
    file(RELATIVE_PATH name ${SOURCE_DIR} ${source})
    string(APPEND found "\n  ${name}")
  endif()
endforeach()
list(LENGTH sources count)
if(count LESS 20)
  message(FATAL_ERROR "only ${count} files under ${SOURCE_DIR}/core: wrong SOURCE_DIR?")
endif()
if(found)
  message(FATAL_ERROR "core/ files that include core/kernel_main.h:${found}")
endif()
message(STATUS "${count} core/ files, none depends on kernel_main")
