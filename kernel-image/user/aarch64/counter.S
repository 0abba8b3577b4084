// Ring-3 program "counter" on AArch64 (kernel-image/user/counter.S is the
// x86-64 one): counts forever at the address in x0. The count is the task's
// forward progress, read by the shutdown report.
  .section .user_text, "ax"
  .global user_counter_main
  .type user_counter_main, %function
user_counter_main:
1:ldr x1, [x0]
  add x1, x1, #1
  str x1, [x0]
  b 1b
  .size user_counter_main, . - user_counter_main
