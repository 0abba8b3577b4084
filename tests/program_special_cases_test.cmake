# A new program is one source file plus one line of core/program_list.def
# (docs/extending.md): the readers of a boot task go by the registry's
# parameter kind (ProgramArg) and start function, never by program, so none
# of them names a UserProgram enumerator. Run by ctest:
# cmake -DSOURCE_DIR=... -P this file.
set(readers core/kernel_main.cpp core/boot/command_line.cpp sim/scenario.cpp sim/cli/scenario_args.cpp
            sim/simulator.cpp)
set(found "")
foreach(reader IN LISTS readers)
  if(NOT EXISTS ${SOURCE_DIR}/${reader})
    message(FATAL_ERROR "${SOURCE_DIR}/${reader} is missing: wrong SOURCE_DIR?")
  endif()
  file(STRINGS ${SOURCE_DIR}/${reader} lines REGEX "UserProgram::[A-Z]")
  foreach(line IN LISTS lines)
    string(APPEND found "\n  ${reader}: ${line}")
  endforeach()
endforeach()
if(found)
  message(FATAL_ERROR "a per-program special case outside the registry:${found}")
endif()
message(STATUS "no boot-task reader names a program")
