# The build exports compile_commands.json (CMAKE_EXPORT_COMPILE_COMMANDS in
# CMakeLists.txt) for editors and clang tools: every translation unit of the
# kernel, the simulator and the tests, with the flags it is compiled with.
file(READ ${BUILD_DIR}/compile_commands.json commands)
string(JSON entries LENGTH "${commands}")
if(entries LESS 50)
  message(FATAL_ERROR "compile_commands.json lists ${entries} translation units")
endif()
foreach(source core/sched/scheduler.cpp sim/simulator.cpp hw-x86_64 tests/cli_test.cpp)
  string(FIND "${commands}" "${SOURCE_DIR}/${source}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "compile_commands.json has no entry for ${source}")
  endif()
endforeach()
string(JSON first GET "${commands}" 0 command)
if(NOT first MATCHES " -I")
  message(FATAL_ERROR "compile_commands.json's entries carry no include directories: ${first}")
endif()
