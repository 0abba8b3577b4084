// Vector and path names per guest architecture (sim/vector_names.h): both
// architectures' tables in one program, each built with its own arch/
// headers, and a report names a task's fault and its address register by
// the architecture it ran.
#include <gtest/gtest.h>

#include <string>

#include "sim/report.h"
#include "sim/vector_names.h"

namespace pristine::sim {
namespace {

TEST(VectorNames, EachArchitectureNamesItsOwnExceptions) {
  EXPECT_STREQ(vector_name(GuestArchitecture::X86_64, 14), "page-fault");
  EXPECT_STREQ(vector_name(GuestArchitecture::X86_64, 6), "invalid-opcode");
  EXPECT_STREQ(vector_name(GuestArchitecture::Aarch64, 5), "data-abort");
  EXPECT_STREQ(vector_name(GuestArchitecture::Aarch64, 0), "undefined-instruction");
  EXPECT_STREQ(vector_name(GuestArchitecture::Aarch64, 14), "reserved");
  EXPECT_STREQ(vector_name(GuestArchitecture::X86_64, 300), "not-a-vector");
}

TEST(VectorNames, CoreVectorsHaveTheSameNameOnBoth) {
  for (const unsigned v : {0x40u, 0xECu, 0xF0u, 0xF1u, 0xF2u, 0xFFu}) {
    EXPECT_STREQ(vector_name(GuestArchitecture::X86_64, v), vector_name(GuestArchitecture::Aarch64, v)) << v;
  }
  EXPECT_EQ(path_name(GuestArchitecture::Aarch64, vector_path(Vector{0xEC}), true), "timer+switch");
  EXPECT_EQ(path_name(GuestArchitecture::Aarch64, vector_path(Vector{5}), false), "data-abort");
  EXPECT_EQ(path_name(GuestArchitecture::X86_64, syscall_path(0), false),
            path_name(GuestArchitecture::Aarch64, syscall_path(0), false));
}

TEST(VectorNames, AReportNamesATasksFaultAndItsAddressRegisterByItsArchitecture) {
  Report r;
  r.tasks = {TaskReport{.name = "t", .fault = TaskFault{.vector = Vector{5}, .rip = 0x1000, .error_code = 0x92000047,
                                                         .cr2 = 0x2000}}};
  r.arch = GuestArchitecture::Aarch64;
  std::string text = render_text(r);
  EXPECT_NE(text.find("killed by data-abort at 0x1000 error 0x92000047 far 0x2000"), std::string::npos) << text;
  r.arch = GuestArchitecture::X86_64;  // vector 5 on x86-64: bound-range, no fault address
  text = render_text(r);
  EXPECT_NE(text.find("killed by bound-range at 0x1000 error 0x92000047"), std::string::npos) << text;
  EXPECT_EQ(text.find("far 0x2000"), std::string::npos) << text;
  r.tasks[0].fault->vector = Vector{14};
  EXPECT_NE(render_text(r).find("killed by page-fault at 0x1000 error 0x92000047 cr2 0x2000"), std::string::npos);
}

}  // namespace
}  // namespace pristine::sim
