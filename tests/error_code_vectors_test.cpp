// The exceptions that push an error code have one list
// (hw-x86_64/cpu/error_code_vectors.def), read by C++ (vectors::has_error_code)
// and by the assembler (the entry stubs of hw-x86_64/cpu/interrupt_entry.S).
// This test reads the linked stubs back from both images: a stub starts with
// `pushq $0` exactly where the C++ list says the CPU pushes no error code.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "core/interrupt/vectors.h"
#include "hw-x86_64/cpu/descriptor_tables.h"
#include "sim/guest_image.h"

namespace pristine {
namespace {

std::optional<std::uint8_t> byte_at(const sim::GuestImage& image, VirtAddr address) {
  for (const sim::Segment& s : image.segments()) {
    if (address >= s.vaddr && address - s.vaddr < s.bytes.size()) return s.bytes[address - s.vaddr];
  }
  return std::nullopt;
}

// `pushq $0` (6A 00): the stub fills the error-code slot itself.
bool stub_pushes_zero(const sim::GuestImage& image, Vector v) {
  const VirtAddr stub = image.symbol("interrupt_stubs") + x86::kInterruptStubSize * v;
  return byte_at(image, stub) == 0x6A && byte_at(image, stub + 1) == 0x00;
}

class ErrorCodeVectors : public testing::TestWithParam<const char*> {};

TEST_P(ErrorCodeVectors, TheStubsAgreeWithTheCppList) {
  const auto image = sim::GuestImage::load(std::filesystem::path(PRISTINE_BUILD_DIR "/images") / GetParam());
  const VirtAddr stubs = image.symbol("interrupt_stubs");
  ASSERT_EQ(image.symbol("interrupt_stubs_end") - stubs, 256u * x86::kInterruptStubSize);
  unsigned with_error_code = 0;
  for (unsigned v = 0; v < 256; ++v) {
    const Vector vector = static_cast<Vector>(v);
    EXPECT_EQ(stub_pushes_zero(image, vector), !vectors::has_error_code(vector))
        << vectors::handler_name(vector) << " (vector " << v << ")";
    with_error_code += vectors::has_error_code(vector) ? 1 : 0;
  }
  EXPECT_EQ(with_error_code, 8u) << "Intel SDM Vol. 3, Table 6-1";
  EXPECT_TRUE(vectors::has_error_code(vectors::kPageFault));
  EXPECT_FALSE(vectors::has_error_code(vectors::kInvalidOpcode));
}

INSTANTIATE_TEST_SUITE_P(BothImages, ErrorCodeVectors, testing::Values("sim-kernel.elf", "kernel.elf"));

}  // namespace
}  // namespace pristine
