# The kernel's assembly takes every structure offset by name, from the
# generated asm constants (hw-x86_64/cpu/asm_offsets.cpp,
# hw-sim/board_asm_constants.cpp), never as a number: no `16(%rsp)`, no
# `%gs:24`. Run by ctest: cmake -DSOURCE_DIR=... -P this file.
file(GLOB_RECURSE sources LIST_DIRECTORIES false
  ${SOURCE_DIR}/hw-x86_64/*.S ${SOURCE_DIR}/hw-x86_64/*.inc
  ${SOURCE_DIR}/hw-sim/*.S ${SOURCE_DIR}/kernel-image/broken/*.S)
set(found "")
foreach(source IN LISTS sources)
  file(STRINGS ${source} lines)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "//.*" "" code "${line}")
    if(code MATCHES "(^|[^A-Za-z0-9_])(0x[0-9a-fA-F]+|[0-9]+)\\(%" OR code MATCHES "%[a-z]s:-?(0x)?[0-9]")
      file(RELATIVE_PATH name ${SOURCE_DIR} ${source})
      string(APPEND found "\n  ${name}: ${line}")
    endif()
  endforeach()
endforeach()
list(LENGTH sources count)
if(count LESS 6)
  message(FATAL_ERROR "only ${count} assembly files: wrong SOURCE_DIR?")
endif()
if(found)
  message(FATAL_ERROR "a literal offset in kernel assembly (name it in asm_offsets.cpp):${found}")
endif()
message(STATUS "${count} assembly files, every offset named")
