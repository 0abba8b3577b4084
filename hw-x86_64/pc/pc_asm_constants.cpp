// The constants the PC board's assembly uses (ap_trampoline.S), generated
// into build/generated/hw-x86_64/pc/pc_asm_constants.inc
// (hw-x86_64/cpu/asm_constant.h). Never linked: the build only compiles this
// file to assembly.
#include "hw-x86_64/cpu/asm_constant.h"
#include "hw-x86_64/pc/ap_trampoline.h"

namespace pristine::pc {

void emit_pc_asm_constants() {
  PRISTINE_ASM_CONSTANT(AP_TRAMPOLINE_BASE, kApTrampolineBase);
}

}  // namespace pristine::pc
