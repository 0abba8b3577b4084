# `ctest --preset fast` (CMakePresets.json) runs every test but the slow ones,
# the QEMU boots and the fuzzers: the same tests as excluding those labels by
# hand, none of them a QEMU boot, and not none.
function(count_tests out)
  execute_process(COMMAND ${CTEST} -N ${ARGN} WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE listing RESULT_VARIABLE status)
  if(NOT status EQUAL 0 OR NOT listing MATCHES "Total Tests: ([0-9]+)")
    message(FATAL_ERROR "ctest -N ${ARGN} failed (${status}):\n${listing}")
  endif()
  set(${out} ${CMAKE_MATCH_1} PARENT_SCOPE)
  set(${out}_listing "${listing}" PARENT_SCOPE)
endfunction()

count_tests(fast --preset fast)
count_tests(by_hand --test-dir ${BUILD_DIR} -LE "slow|qemu|fuzz")
count_tests(all --test-dir ${BUILD_DIR})
if(NOT fast EQUAL by_hand)
  message(FATAL_ERROR "the fast preset lists ${fast} tests, excluding slow|qemu|fuzz by hand ${by_hand}")
endif()
if(fast EQUAL 0 OR NOT fast LESS all)
  message(FATAL_ERROR "the fast preset lists ${fast} of ${all} tests")
endif()
if(fast_listing MATCHES "Boot\\.")
  message(FATAL_ERROR "the fast preset lists a QEMU boot:\n${fast_listing}")
endif()
