// The system call list (core/syscall/syscall_list.def, syscall_error_list.def)
// is the one source of the kernel's enum Syscall and kE* errors, of
// syscall_name(), and of the SYS_* and E* symbols the ring-3 programs assemble
// with. These tests fail if any of them drifted from the list.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>

#include "core/syscall/syscall.h"

// tests/syscall_list_probe.S: the assembler's values, in list order.
extern "C" const std::int64_t pristine_probe_syscall_numbers[];
extern "C" const std::int64_t pristine_probe_syscall_errors[];

namespace pristine {
namespace {

TEST(SyscallList, TheAssemblersNumbersAreTheEnums) {
  struct Call {
    Syscall call;
    const char* asm_name;
  };
  constexpr Call kCalls[] = {
#define PRISTINE_SYSCALL(enumerator, asm_name, report_name, number) {Syscall::enumerator, "SYS_" #asm_name},
#include "core/syscall/syscall_list.def"
#undef PRISTINE_SYSCALL
  };
  ASSERT_EQ(std::size(kCalls), static_cast<std::size_t>(Syscall::Count));
  for (std::size_t i = 0; i < std::size(kCalls); ++i) {
    EXPECT_EQ(static_cast<std::uint64_t>(kCalls[i].call), i) << kCalls[i].asm_name;
    EXPECT_EQ(pristine_probe_syscall_numbers[i], static_cast<std::int64_t>(kCalls[i].call)) << kCalls[i].asm_name;
  }
}

TEST(SyscallList, TheAssemblersErrorsAreTheKernels) {
  struct Error {
    std::int64_t kernel;
    const char* name;
  };
  constexpr Error kErrors[] = {
#define PRISTINE_SYSCALL_ERROR(name, errno_value) {k##name, #name},
#include "core/syscall/syscall_error_list.def"
#undef PRISTINE_SYSCALL_ERROR
  };
  for (std::size_t i = 0; i < std::size(kErrors); ++i) {
    EXPECT_LT(kErrors[i].kernel, 0) << kErrors[i].name << ": errors are negative";
    EXPECT_EQ(pristine_probe_syscall_errors[i], kErrors[i].kernel) << kErrors[i].name;
  }
  // The values ring 3 sees are Linux's.
  EXPECT_EQ(kEFAULT, -14);
  EXPECT_EQ(kEINVAL, -22);
  EXPECT_EQ(kENOSYS, -38);
}

TEST(SyscallList, SyscallNameCoversEveryNumber) {
  std::set<std::string> names;
  for (std::uint64_t n = 0; n < static_cast<std::uint64_t>(Syscall::Count); ++n) {
    const std::string name = syscall_name(n);
    EXPECT_EQ(name.rfind("syscall/", 0), 0u) << name;
    EXPECT_GT(name.size(), std::string("syscall/").size()) << n;
    EXPECT_NE(name, "syscall/invalid") << n;
    EXPECT_TRUE(names.insert(name).second) << "two calls named " << name;
  }
  for (const std::uint64_t past : {static_cast<std::uint64_t>(Syscall::Count), std::uint64_t{99}, ~std::uint64_t{0}}) {
    EXPECT_STREQ(syscall_name(past), "syscall/invalid") << past;
  }
  EXPECT_STREQ(syscall_name(static_cast<std::uint64_t>(Syscall::GetPid)), "syscall/getpid");
}

}  // namespace
}  // namespace pristine
