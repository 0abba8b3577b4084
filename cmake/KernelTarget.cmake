# Flags for every object that runs in ring 0 or ring 3 of a Pristine image.
# Freestanding C++20, no SSE (kernel code must not touch user FPU state), no red
# zone (interrupts push onto the kernel stack below RSP), higher-half code model.
# No frame pointers: three instructions per hot function, and nothing needs
# them (the simulator's call chains scan the stack, GDB reads DWARF).
set(PRISTINE_KERNEL_CXX_FLAGS
    -ffreestanding -fno-exceptions -fno-rtti -nostdlib -fno-threadsafe-statics
    -fno-use-cxa-atexit -fno-stack-protector -fno-pic -fno-pie
    -mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-sse -mno-mmx
    -fno-asynchronous-unwind-tables -fomit-frame-pointer
    -fno-tree-loop-distribute-patterns
    -O2 -g -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion)
set(PRISTINE_KERNEL_ASM_FLAGS -g -Wa,--fatal-warnings)

# pristine_kernel_objects(target): apply the kernel flags to an OBJECT library.
function(pristine_kernel_objects target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:${PRISTINE_KERNEL_CXX_FLAGS}>
    $<$<COMPILE_LANGUAGE:ASM>:${PRISTINE_KERNEL_ASM_FLAGS}>)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR})
  set_target_properties(${target} PROPERTIES CXX_STANDARD 20 CXX_EXTENSIONS OFF)
endfunction()

# pristine_kernel_image(name LINKER_SCRIPT file OBJECTS libs... [CHECK_HOT_PATHS]):
# link an ELF image into build/images/<name>. CHECK_HOT_PATHS runs the static
# pristine-path check on it (sim/tools/hot_path_check.cpp): a hot function that
# calls out of the hot path fails the build.
function(pristine_kernel_image name)
  cmake_parse_arguments(ARG "CHECK_HOT_PATHS" "LINKER_SCRIPT" "OBJECTS" ${ARGN})
  set(objs)
  foreach(lib IN LISTS ARG_OBJECTS)
    list(APPEND objs $<TARGET_OBJECTS:${lib}>)
  endforeach()
  add_executable(${name} ${objs})
  set_target_properties(${name} PROPERTIES
    OUTPUT_NAME ${name}
    SUFFIX ".elf"
    RUNTIME_OUTPUT_DIRECTORY ${PRISTINE_IMAGE_DIR}
    LINKER_LANGUAGE CXX
    LINK_DEPENDS ${ARG_LINKER_SCRIPT})
  target_link_options(${name} PRIVATE
    -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000
    -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
    -Wl,-L,${PROJECT_SOURCE_DIR}/kernel-image -T ${ARG_LINKER_SCRIPT})
  target_link_libraries(${name} PRIVATE gcc)
  if(ARG_CHECK_HOT_PATHS)
    add_dependencies(${name} hot_path_check)
    add_custom_command(TARGET ${name} POST_BUILD
      COMMAND hot_path_check $<TARGET_FILE:${name}>
      COMMENT "Checking the hot paths of ${name}.elf")
  endif()
endfunction()
