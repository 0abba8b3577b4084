# core/ speaks no architecture (docs/machine-interface.md, "Architecture
# facts"): it includes no header of an architecture, a board or the
# simulator, tests no architecture macro, and names no x86 exception vector
# or error code (the architecture answers in neutral words: arch/vectors.h).
# Run by ctest: cmake -DSOURCE_DIR=... -P this file.
file(GLOB_RECURSE sources LIST_DIRECTORIES false ${SOURCE_DIR}/core/*)
set(rules
  "#include \"(hw-|sim/|tests/)"
  "#[ \t]*(if|ifdef|ifndef|elif).*(__x86_64__|__i386__|__aarch64__|__riscv|PRISTINE_ARCH)"
  "vectors::k(DivideError|Debug|Nmi|Breakpoint|Overflow|BoundRange|InvalidOpcode|DeviceNotAvailable|DoubleFault|InvalidTss|SegmentNotPresent|StackFault|GeneralProtection|PageFault|X87Fpu|AlignmentCheck|MachineCheck|SimdFpu|Virtualization|ControlProtection|ExceptionCount|PicBase|PicLines)"
  "has_error_code|error_code|read_cr2")
set(found "")
foreach(source IN LISTS sources)
  foreach(rule IN LISTS rules)
    file(STRINGS ${source} lines REGEX "${rule}")
    foreach(line IN LISTS lines)
      file(RELATIVE_PATH name ${SOURCE_DIR} ${source})
      string(APPEND found "\n  ${name}: ${line}")
    endforeach()
  endforeach()
endforeach()
list(LENGTH sources count)
if(count LESS 20)
  message(FATAL_ERROR "only ${count} files under ${SOURCE_DIR}/core: wrong SOURCE_DIR?")
endif()
if(found)
  message(FATAL_ERROR "architecture vocabulary in core/:${found}")
endif()
message(STATUS "${count} core/ sources, no architecture vocabulary")
