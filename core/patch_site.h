// PRISTINE_PATCH_SITE(name): a global label at the next instruction, for a
// deliberately broken test image made by patching the linked image there
// (sim/tools/patch_image.cpp, docs/pristine-rules.md "Adding a broken
// image"). Emits no instruction. Only where the site cannot be named
// otherwise: as the one call from a function to another, say.
#pragma once

#define PRISTINE_PATCH_SITE(name) asm volatile(".global " #name "\n" #name ":")
