# Fails if a test has none of the kind labels (tests/CMakeLists.txt):
# `ctest -N` with all of them excluded must find no test.
execute_process(COMMAND ${CTEST} -N -LE "^(unit|sim|qemu|fuzz)$" --test-dir ${BUILD_DIR}
                OUTPUT_VARIABLE listing RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "ctest -N failed (${status}):\n${listing}")
endif()
if(NOT listing MATCHES "Total Tests: 0")
  message(FATAL_ERROR "tests without a kind label (unit, sim, qemu or fuzz):\n${listing}")
endif()
