# Flags for every object that runs in ring 0 or ring 3 of a Pristine image.
# Freestanding C++20, no SSE (kernel code must not touch user FPU state), no red
# zone (interrupts push onto the kernel stack below RSP), higher-half code model.
# No frame pointers: three instructions per hot function, and nothing needs
# them (the simulator's call chains scan the stack, GDB reads DWARF).
# Source paths in the images' debug information are /pristine/<path in the
# repository>, wherever the tree was cloned: the images are the same bytes on
# every machine, and the simulator's source lines (sim/source_lines.cpp) name
# repository files without knowing where the source tree is.
set(PRISTINE_IMAGE_PATH_MAP -ffile-prefix-map=${PROJECT_SOURCE_DIR}/=/pristine/)
set(PRISTINE_KERNEL_CXX_FLAGS ${PRISTINE_IMAGE_PATH_MAP}
    -ffreestanding -fno-exceptions -fno-rtti -nostdlib -fno-threadsafe-statics
    -fno-use-cxa-atexit -fno-stack-protector -fno-pic -fno-pie
    -mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-sse -mno-mmx
    -fno-asynchronous-unwind-tables -fomit-frame-pointer
    -fno-tree-loop-distribute-patterns
    -O2 -g -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion)
set(PRISTINE_KERNEL_ASM_FLAGS ${PRISTINE_IMAGE_PATH_MAP} -g -Wa,--fatal-warnings)

# Flags for ring-3 C++ (kernel-image/user/runtime/, kernel-image/user/programs/):
# freestanding like the kernel, but the small code model (the user region is
# in the low 2 GiB), the red zone allowed (ring 3 is interrupted onto the
# kernel stack), and hidden symbols, which the build then makes local (the
# runtime's memcpy must not meet the kernel's). General registers only, as
# the kernel: a program that touched the FPU would make every switch to it a
# lazy FPU load (docs/fpu.md); a program that wants it is a deliberate change.
set(PRISTINE_USER_CXX_FLAGS ${PRISTINE_IMAGE_PATH_MAP}
    -ffreestanding -fno-exceptions -fno-rtti -nostdlib -fno-threadsafe-statics
    -fno-use-cxa-atexit -fno-stack-protector -fno-pic -fno-pie
    -mcmodel=small -mgeneral-regs-only -fvisibility=hidden
    -fno-asynchronous-unwind-tables -fomit-frame-pointer
    -fno-tree-loop-distribute-patterns
    -O2 -g -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion)

# Kernel images are freestanding and never sanitized. A build tree with
# PRISTINE_KERNEL_BUILD_DIR set (the asan preset: clang, sanitizers on every
# host object) builds none of them: its images/ is a link to that tree's
# images/, each image target builds them there (one nested build of the
# target pristine_images, a no-op when they are current), and the kernel
# object libraries are left out of `all`. The images the host code is tested
# against are then the very ones the release build ships (GCC-built, whose
# cycle budgets and hot-path checks are the ones that count).
set(PRISTINE_KERNEL_BUILD_DIR "" CACHE PATH
    "Build tree whose images/ this tree uses instead of building its own (the asan preset: the release tree)")
if(PRISTINE_KERNEL_BUILD_DIR)
  get_filename_component(PRISTINE_KERNEL_BUILD_DIR ${PRISTINE_KERNEL_BUILD_DIR} ABSOLUTE)
  if(PRISTINE_KERNEL_BUILD_DIR STREQUAL CMAKE_BINARY_DIR)
    message(FATAL_ERROR "PRISTINE_KERNEL_BUILD_DIR must be another build tree, not this one")
  endif()
  if(NOT EXISTS ${PRISTINE_KERNEL_BUILD_DIR}/CMakeCache.txt)
    message(STATUS "Configuring ${PRISTINE_KERNEL_BUILD_DIR} for the kernel images (Release, the default compiler)")
    execute_process(COMMAND ${CMAKE_COMMAND} -S ${PROJECT_SOURCE_DIR} -B ${PRISTINE_KERNEL_BUILD_DIR}
                            -DCMAKE_BUILD_TYPE=Release
                    OUTPUT_QUIET RESULT_VARIABLE configured)
    if(NOT configured EQUAL 0)
      message(FATAL_ERROR "Could not configure ${PRISTINE_KERNEL_BUILD_DIR} (run: cmake --preset release)")
    endif()
  endif()
  file(MAKE_DIRECTORY ${PRISTINE_KERNEL_BUILD_DIR}/images)
  if(IS_DIRECTORY ${PRISTINE_IMAGE_DIR} AND NOT IS_SYMLINK ${PRISTINE_IMAGE_DIR})
    file(REMOVE_RECURSE ${PRISTINE_IMAGE_DIR})
  endif()
  file(CREATE_LINK ${PRISTINE_KERNEL_BUILD_DIR}/images ${PRISTINE_IMAGE_DIR} SYMBOLIC)
  # The nested build runs without the parent make's jobserver (a custom
  # command cannot be marked as a make recursion): MAKEFLAGS is cleared so it
  # runs serially without make's warning. It is a no-op when the release
  # build ran first (test.sh).
  add_custom_target(pristine_images
    COMMAND ${CMAKE_COMMAND} -E env --unset=MAKEFLAGS
            ${CMAKE_COMMAND} --build ${PRISTINE_KERNEL_BUILD_DIR} --target pristine_images
    COMMENT "Kernel images: built in ${PRISTINE_KERNEL_BUILD_DIR}"
    USES_TERMINAL)
else()
  # Every image (pristine_kernel_image adds itself).
  add_custom_target(pristine_images)
endif()

# Generated kernel sources (the asm constants below): build/generated/<path>.
set(PRISTINE_GENERATED_DIR ${CMAKE_BINARY_DIR}/generated)
file(MAKE_DIRECTORY ${PRISTINE_GENERATED_DIR})
# Every generated .inc, built before any kernel object.
add_custom_target(pristine_generated_includes)

function(pristine_kernel_flags target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:${PRISTINE_KERNEL_CXX_FLAGS}>
    $<$<COMPILE_LANGUAGE:ASM>:${PRISTINE_KERNEL_ASM_FLAGS}>)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR} ${PRISTINE_GENERATED_DIR})
  set_target_properties(${target} PROPERTIES CXX_STANDARD 20 CXX_EXTENSIONS OFF)
endfunction()

# pristine_kernel_objects(target): apply the kernel flags to an OBJECT library.
function(pristine_kernel_objects target)
  if(PRISTINE_KERNEL_BUILD_DIR)
    set_target_properties(${target} PROPERTIES EXCLUDE_FROM_ALL TRUE)
    return()
  endif()
  pristine_kernel_flags(${target})
  add_dependencies(${target} pristine_generated_includes)
endfunction()

# pristine_user_objects(target): apply the ring-3 flags to an OBJECT library.
function(pristine_user_objects target)
  if(PRISTINE_KERNEL_BUILD_DIR)
    set_target_properties(${target} PROPERTIES EXCLUDE_FROM_ALL TRUE)
    return()
  endif()
  target_compile_options(${target} PRIVATE ${PRISTINE_USER_CXX_FLAGS})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR})
  set_target_properties(${target} PROPERTIES CXX_STANDARD 20 CXX_EXTENSIONS OFF)
endfunction()

# pristine_asm_constants(source output): the generated include
# build/generated/<output> (a path such as hw-x86_64/cpu/asm_offsets.inc),
# one `.set NAME, value` line per PRISTINE_ASM_CONSTANT of the C++ source
# (hw-x86_64/cpu/asm_constant.h). The source is compiled to assembly with the
# kernel flags, so every offset is the compiler's offsetof: assembly never
# copies a number C++ defines.
function(pristine_asm_constants source output)
  if(PRISTINE_KERNEL_BUILD_DIR)
    return()
  endif()
  string(MAKE_C_IDENTIFIER ${output} name)
  add_library(${name}_source OBJECT ${source})
  pristine_kernel_flags(${name}_source)
  target_compile_options(${name}_source PRIVATE -S)  # the "object" is the assembly text
  set(generated ${PRISTINE_GENERATED_DIR}/${output})
  add_custom_command(OUTPUT ${generated}
    COMMAND ${CMAKE_COMMAND} -DINPUT=$<TARGET_OBJECTS:${name}_source> -DOUTPUT=${generated} -DSOURCE=${source}
            -P ${PROJECT_SOURCE_DIR}/cmake/AsmConstants.cmake
    DEPENDS ${name}_source $<TARGET_OBJECTS:${name}_source> ${PROJECT_SOURCE_DIR}/cmake/AsmConstants.cmake
    COMMENT "Generating ${output}")
  add_custom_target(${name} DEPENDS ${generated})
  add_dependencies(pristine_generated_includes ${name})
endfunction()

# pristine_kernel_image(name LINKER_SCRIPT file OBJECTS libs... [CHECK_HOT_PATHS]):
# link an ELF image into build/images/<name>. CHECK_HOT_PATHS runs the static
# pristine-path check on it (sim/tools/hot_path_check.cpp): a hot function that
# calls out of the hot path fails the build.
function(pristine_kernel_image name)
  cmake_parse_arguments(ARG "CHECK_HOT_PATHS" "LINKER_SCRIPT" "OBJECTS" ${ARGN})
  if(PRISTINE_KERNEL_BUILD_DIR)
    add_custom_target(${name})
    add_dependencies(${name} pristine_images)
    return()
  endif()
  add_dependencies(pristine_images ${name})
  set(objs)
  foreach(lib IN LISTS ARG_OBJECTS)
    list(APPEND objs $<TARGET_OBJECTS:${lib}>)
    # An object library may carry one prelinked object beside its own (the
    # ring-3 C++ programs: kernel-image/CMakeLists.txt).
    get_target_property(prelinked ${lib} PRISTINE_PRELINKED_OBJECT)
    if(prelinked)
      list(APPEND objs ${prelinked})
    endif()
  endforeach()
  add_executable(${name} ${objs})
  set_target_properties(${name} PROPERTIES
    OUTPUT_NAME ${name}
    SUFFIX ".elf"
    RUNTIME_OUTPUT_DIRECTORY ${PRISTINE_IMAGE_DIR}
    LINKER_LANGUAGE CXX
    # The x86-64 scripts INCLUDE the section layout both images share.
    LINK_DEPENDS "${ARG_LINKER_SCRIPT};${PROJECT_SOURCE_DIR}/kernel-image/sections.ld")
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
