# The AArch64 bring-up image (hw-aarch64/virt/bringup_main.cpp) on QEMU's
# virt board with GICv3, deterministic under -icount: every timer tick
# acknowledged and ended once on the deadline grid, registers kept across the
# interrupts, the svc and brk paths; with the MMU on, the guard page's
# translation fault at EL1 and an EL0 program's system call and permission
# fault, each decoded into core/'s access words; QEMU's exit status is the
# image's verdict (semihosting). Bounded: QEMU is killed after 60 s (it takes 0.2 s).
execute_process(
  COMMAND ${QEMU} -machine virt,gic-version=3 -cpu cortex-a57 -m 128M -display none -serial stdio
          -monitor none -no-reboot -kernel ${IMAGE} -semihosting-config enable=on,target=native
          -icount shift=0,sleep=off
  OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE status TIMEOUT 60)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "QEMU exited with ${status} (0 is the image's pass):\n${output}${errors}")
endif()
foreach(expected "ticks 200 " "acknowledged 200 ended 200 spurious 0 unexpected 0 registers-kept 1 "
                 "svc-result 42 svc-number 39 brk-skipped 1 "
                 # 37 = 0x25, a data abort at EL1; access 0: not present, a kernel read.
                 "guard-class 37 guard-at-page 1 guard-access 0 "
                 # 36 = 0x24, a data abort from EL0; access 5: kProtection | kUser.
                 "user-svc-number 39 user-svc-result 42 user-fault-class 36 user-fault-at-kernel 1 user-fault-access 5"
                 "verdict pass")
  string(FIND "${output}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "no '${expected}' in the image's console:\n${output}")
  endif()
endforeach()
# The first to the last of 200 ticks a period apart: exactly 199 periods
# under -icount (62.5 MHz counter, 1 kHz tick).
if(NOT output MATCHES "first-to-last 12437500 period 62500 ")
  message(FATAL_ERROR "the ticks were not on their deadline grid:\n${output}")
endif()
