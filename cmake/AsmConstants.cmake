# Turns the assembly of an asm-constants source (pristine_asm_constants,
# cmake/KernelTarget.cmake) into the include the entry assembly uses: each
# "@asm-constant NAME value" line that PRISTINE_ASM_CONSTANT left in the
# compiler's output becomes ".set NAME, value".
# cmake -DINPUT=<.s> -DOUTPUT=<.inc> -DSOURCE=<the C++ source> -P this file.
file(STRINGS ${INPUT} lines REGEX "^@asm-constant ")
file(RELATIVE_PATH source_name ${CMAKE_CURRENT_LIST_DIR}/.. ${SOURCE})
set(text "// Generated from ${source_name} (cmake/AsmConstants.cmake): do not edit.\n")
set(count 0)
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^@asm-constant ([A-Za-z_][A-Za-z0-9_]*) \\$?(-?[0-9]+)$")
    message(FATAL_ERROR "${INPUT}: not an asm constant: '${line}'")
  endif()
  string(APPEND text "        .set ${CMAKE_MATCH_1}, ${CMAKE_MATCH_2}\n")
  math(EXPR count "${count} + 1")
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "${INPUT}: no asm constants (is ${source_name} compiled with -S?)")
endif()
file(WRITE ${OUTPUT} "${text}")
