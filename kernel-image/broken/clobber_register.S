// Breakage: r13 changed on every return to ring 3; the simulator must catch
// it. Called on the way out of every interrupt, the iret frame above the
// return address.

#include "hw-x86_64/cpu/asm_offsets.inc"
        .set RETURN_ADDRESS_SIZE, 8     // the hook's caller pushed it above the frame

        .section .text.pristine_hot, "ax"
        .global pristine_test_hook_interrupt_exit
        .type pristine_test_hook_interrupt_exit, @function
pristine_test_hook_interrupt_exit:
        testb $3, RETURN_ADDRESS_SIZE + IRET_CS(%rsp)  // the frame's CS: ring 3?
        jz 1f
        xorq $0xbad, %r13
1:      ret
        .size pristine_test_hook_interrupt_exit, . - pristine_test_hook_interrupt_exit

        .section .note.GNU-stack, "", @progbits
