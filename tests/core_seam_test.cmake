# core/ speaks no architecture (docs/machine-interface.md, "Architecture
# facts"): it includes no header of an architecture, a board or the
# simulator, tests no architecture macro, and names no x86 exception vector
# or error code (the architecture answers in neutral words: arch/vectors.h),
# and holds no x86 instruction in inline assembly (machine.h does it).
# Run by ctest: cmake -DSOURCE_DIR=... -P this file.
set(globs ${SOURCE_DIR}/core/*)
set(skip "")
set(rules
  "#include \"(hw-|sim/|tests/)"
  "#[ \t]*(if|ifdef|ifndef|elif).*(__x86_64__|__i386__|__aarch64__|__riscv|PRISTINE_ARCH)"
  "vectors::k(DivideError|Debug|Nmi|Breakpoint|Overflow|BoundRange|InvalidOpcode|DeviceNotAvailable|DoubleFault|InvalidTss|SegmentNotPresent|StackFault|GeneralProtection|PageFault|X87Fpu|AlignmentCheck|MachineCheck|SimdFpu|Virtualization|ControlProtection|ExceptionCount|PicBase|PicLines)"
  "has_error_code|error_code|read_cr2"
  "asm[ \t]*(volatile)?[ \t]*\\(\"[0-9]*:?[ \t]*(call|jmp|mov|push|pop|ret|int|hlt|cli|sti|pause|invlpg|rdtsc|wrmsr|rdmsr|swapgs|iretq)[ \t]")
set(min_files 20)
set(what "architecture vocabulary in core/")
include(${CMAKE_CURRENT_LIST_DIR}/source_rules.cmake)
