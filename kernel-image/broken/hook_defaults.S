// Every hook point (core/test_hook.h, hw-x86_64/cpu/test_hook.inc) does
// nothing unless the image's breakage defines it: a weak `ret` each. A bare
// `ret` also keeps every register, as the entry code's points need.

        .section .text.pristine_hot, "ax"
        .irp point, tick, spurious_interrupt, turn_judged, tick_armed, boot_cpu_ready, interrupt_exit
        .weak pristine_test_hook_\point
        .type pristine_test_hook_\point, @function
pristine_test_hook_\point:
        ret
        .size pristine_test_hook_\point, . - pristine_test_hook_\point
        .endr

        .section .note.GNU-stack, "", @progbits
