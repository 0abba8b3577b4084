// PRISTINE_ASM_CONSTANT(NAME, value), used only in an asm-constants source
// (pristine_asm_constants in cmake/KernelTarget.cmake): the build compiles
// that source to assembly, where each use leaves the line
// "@asm-constant NAME value", and turns those lines into `.set NAME, value`
// in a generated include for the entry assembly. So an offset the assembly
// uses is the compiler's offsetof, never a copied number.
#pragma once

#define PRISTINE_ASM_CONSTANT(name, value) asm volatile("\n@asm-constant " #name " %c0" : : "i"(value))
