// The flattened device tree reader (core/boot/device_tree.cpp), compiled for
// the host: /chosen/bootargs found in a well-formed tree, absent where the
// tree has none, and every malformation refused with its rule, never a read
// outside the bytes handed over (each blob here is a vector of exactly those
// bytes, so an overread is a heap overflow the sanitizer builds catch).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/boot/device_tree.h"

namespace {

using pristine::boot::ChosenProperty;
using pristine::boot::DeviceTreeStatus;
using pristine::boot::find_chosen_string;

// A device tree written token by token (Devicetree Specification v0.4, 5.2-5.5).
class TreeBuilder {
 public:
  TreeBuilder& begin(const std::string& name) {
    word(1);
    bytes(name.data(), name.size() + 1);
    return *this;
  }
  TreeBuilder& end() {
    word(2);
    return *this;
  }
  TreeBuilder& prop(const std::string& name, const std::string& value, bool with_nul = true) {
    word(3);
    word(static_cast<std::uint32_t>(value.size() + (with_nul ? 1 : 0)));
    word(string_offset(name));
    bytes(value.data(), value.size() + (with_nul ? 1 : 0));
    return *this;
  }
  TreeBuilder& raw(std::uint32_t token) {
    word(token);
    return *this;
  }
  std::vector<std::uint8_t> blob(std::uint32_t version = 17, bool finish = true) {
    if (finish) word(9);
    const auto struct_offset = static_cast<std::uint32_t>(40 + 16);  // after an empty reservation map
    const auto strings_offset = static_cast<std::uint32_t>(struct_offset + structure_.size());
    const auto total = static_cast<std::uint32_t>(strings_offset + strings_.size());
    std::vector<std::uint8_t> out(total);  // the header, the map's zeros, the structure, the strings
    const auto put = [&](std::size_t at, std::uint32_t v) {
      for (int i = 0; i < 4; ++i) out[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
    };
    put(0, 0xd00dfeed);
    put(4, total);
    put(8, struct_offset);
    put(12, strings_offset);
    put(16, 40);
    put(20, version);
    put(24, 16);
    put(28, 0);
    put(32, static_cast<std::uint32_t>(strings_.size()));
    put(36, static_cast<std::uint32_t>(structure_.size()));
    std::copy(structure_.begin(), structure_.end(), out.begin() + struct_offset);
    std::copy(strings_.begin(), strings_.end(), out.begin() + strings_offset);
    return out;
  }

 private:
  void word(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) structure_.push_back(static_cast<std::uint8_t>(v >> (24 - 8 * i)));
  }
  void bytes(const char* p, std::size_t n) {
    structure_.insert(structure_.end(), p, p + n);
    while (structure_.size() % 4 != 0) structure_.push_back(0);
  }
  std::uint32_t string_offset(const std::string& name) {
    const auto at = static_cast<std::uint32_t>(strings_.size());
    strings_.insert(strings_.end(), name.begin(), name.end());
    strings_.push_back(0);
    return at;
  }
  std::vector<std::uint8_t> structure_;
  std::vector<std::uint8_t> strings_;
};

// A tree shaped as QEMU's virt board makes it: properties, a few nodes, and
// /chosen with bootargs among other properties.
std::vector<std::uint8_t> qemu_like_tree(const std::string& bootargs = "seconds=0.2 tick=500") {
  return TreeBuilder()
      .begin("")
      .prop("compatible", "linux,dummy-virt")
      .begin("memory@40000000")
      .prop("device_type", "memory")
      .end()
      .begin("chosen")
      .prop("stdout-path", "/pl011@9000000")
      .prop("bootargs", bootargs)
      .begin("child")
      .prop("bootargs", "not this one")
      .end()
      .end()
      .end()
      .blob();
}

ChosenProperty bootargs_of(const std::vector<std::uint8_t>& blob) {
  return find_chosen_string(blob.data(), blob.size(), "bootargs");
}

void set32(std::vector<std::uint8_t>& blob, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) blob[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

TEST(DeviceTree, FindsChosenBootargsInAWellFormedTree) {
  const auto blob = qemu_like_tree();
  const ChosenProperty p = bootargs_of(blob);
  ASSERT_EQ(p.status, DeviceTreeStatus::Found);
  EXPECT_EQ(std::string(p.value, p.length), "seconds=0.2 tick=500");
  EXPECT_EQ(p.value[p.length], '\0');
}

TEST(DeviceTree, AChosenWithoutBootargsOrNoChosenIsAbsentNotAnError) {
  EXPECT_EQ(bootargs_of(TreeBuilder().begin("").begin("chosen").prop("stdout-path", "x").end().end().blob()).status,
            DeviceTreeStatus::Absent);
  EXPECT_EQ(bootargs_of(TreeBuilder().begin("").prop("bootargs", "at the root").end().blob()).status,
            DeviceTreeStatus::Absent);
  // Only the root's child named exactly "chosen" counts.
  EXPECT_EQ(bootargs_of(TreeBuilder().begin("").begin("soc").begin("chosen").prop("bootargs", "deep").end().end().end().blob())
                .status,
            DeviceTreeStatus::Absent);
  EXPECT_EQ(bootargs_of(TreeBuilder().begin("").begin("chosen@0").prop("bootargs", "unit").end().end().blob()).status,
            DeviceTreeStatus::Absent);
}

TEST(DeviceTree, AnEmptyBootargsIsFoundEmpty) {
  const ChosenProperty p = bootargs_of(qemu_like_tree(""));
  ASSERT_EQ(p.status, DeviceTreeStatus::Found);
  EXPECT_EQ(p.length, 0u);
}

TEST(DeviceTree, EachBrokenHeaderFieldIsRefusedWithItsRule) {
  const auto good = qemu_like_tree();
  EXPECT_EQ(find_chosen_string(good.data(), 39, "bootargs").status, DeviceTreeStatus::TooSmall);
  EXPECT_EQ(find_chosen_string(nullptr, 4096, "bootargs").status, DeviceTreeStatus::TooSmall);
  auto blob = good;
  blob[0] = 0xd0;
  blob[3] = 0xee;
  EXPECT_EQ(bootargs_of(blob).status, DeviceTreeStatus::BadMagic);
  blob = good;
  set32(blob, 20, 16);
  EXPECT_EQ(bootargs_of(blob).status, DeviceTreeStatus::BadVersion);
  blob = good;
  set32(blob, 24, 18);
  EXPECT_EQ(bootargs_of(blob).status, DeviceTreeStatus::BadVersion);
  blob = good;
  set32(blob, 4, static_cast<std::uint32_t>(good.size() + 1));  // past the bytes readable
  EXPECT_EQ(bootargs_of(blob).status, DeviceTreeStatus::BadSize);
  blob = good;
  set32(blob, 4, 39);
  EXPECT_EQ(bootargs_of(blob).status, DeviceTreeStatus::BadSize);
  blob = good;
  set32(blob, 8, 0xfffffff0);  // the structure block's offset wraps a 32-bit sum
  EXPECT_EQ(bootargs_of(blob).status, DeviceTreeStatus::BadBlock);
  blob = good;
  set32(blob, 36, 0xfffffffc);
  EXPECT_EQ(bootargs_of(blob).status, DeviceTreeStatus::BadBlock);
  blob = good;
  set32(blob, 32, 0xffffffff);
  EXPECT_EQ(bootargs_of(blob).status, DeviceTreeStatus::BadBlock);
  blob = good;
  set32(blob, 8, 58);  // misaligned
  EXPECT_EQ(bootargs_of(blob).status, DeviceTreeStatus::BadBlock);
}

TEST(DeviceTree, EachBrokenStructureIsRefusedWithItsRule) {
  // No FDT_END: the walk reaches the block's end.
  EXPECT_EQ(bootargs_of(TreeBuilder().begin("").end().blob(17, false)).status, DeviceTreeStatus::BadToken);
  EXPECT_EQ(bootargs_of(TreeBuilder().begin("").raw(7).end().blob()).status, DeviceTreeStatus::BadToken);
  EXPECT_EQ(bootargs_of(TreeBuilder().begin("").end().end().blob()).status, DeviceTreeStatus::BadNesting);
  EXPECT_EQ(bootargs_of(TreeBuilder().begin("").blob()).status, DeviceTreeStatus::BadNesting);  // FDT_END inside a node
  EXPECT_EQ(bootargs_of(TreeBuilder().prop("bootargs", "x").blob()).status, DeviceTreeStatus::BadNesting);
  TreeBuilder deep;
  for (int i = 0; i < 65; ++i) deep.begin("n");
  for (int i = 0; i < 65; ++i) deep.end();
  EXPECT_EQ(bootargs_of(deep.blob()).status, DeviceTreeStatus::BadNesting);
  TreeBuilder nops;
  nops.begin("");
  for (int i = 0; i < 1000; ++i) nops.raw(4);
  EXPECT_EQ(bootargs_of(nops.end().blob()).status, DeviceTreeStatus::Absent) << "FDT_NOP is skipped";
  // bootargs not a NUL-ended string, or with a NUL inside.
  EXPECT_EQ(bootargs_of(TreeBuilder().begin("").begin("chosen").prop("bootargs", "abcd", false).end().end().blob()).status,
            DeviceTreeStatus::BadValue);
  EXPECT_EQ(bootargs_of(TreeBuilder().begin("").begin("chosen").prop("bootargs", std::string("ab\0cd", 5)).end().end().blob())
                .status,
            DeviceTreeStatus::BadValue);
}

TEST(DeviceTree, LengthsAndOffsetsPastTheirBlocksAreRefused) {
  const auto good = qemu_like_tree();
  const std::size_t structure = 56;
  // The first token is the root's FDT_BEGIN_NODE; the second (after its
  // empty name) the FDT_PROP of "compatible": its length, then name offset.
  auto blob = good;
  set32(blob, structure + 12, 0x7ffffff0);
  EXPECT_EQ(bootargs_of(blob).status, DeviceTreeStatus::BadProperty);
  blob = good;
  set32(blob, structure + 16, 0x10000);
  EXPECT_EQ(bootargs_of(blob).status, DeviceTreeStatus::BadPropertyName);
  // The strings block cut before its last NUL: the last name is unended.
  blob = good;
  set32(blob, 32, static_cast<std::uint32_t>(blob[35] | (blob[34] << 8)) - 1);
  EXPECT_EQ(bootargs_of(blob).status, DeviceTreeStatus::BadPropertyName);
  // A node name that runs to the structure block's end.
  auto unended = TreeBuilder().begin("").blob(17, false);
  std::fill(unended.begin() + 56 + 4, unended.end(), 'x');
  EXPECT_EQ(bootargs_of(unended).status, DeviceTreeStatus::BadNodeName);
}

// Hostile input at large: every prefix and every one-byte change of a good
// tree either finds a string inside the blob, finds none, or is refused.
TEST(DeviceTree, EveryTruncationAndEveryByteChangeStaysInsideTheBlob) {
  const auto good = qemu_like_tree();
  for (std::size_t n = 0; n < good.size(); ++n) {
    const std::vector<std::uint8_t> prefix(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    const ChosenProperty p = find_chosen_string(prefix.data(), prefix.size(), "bootargs");
    EXPECT_TRUE(p.status == DeviceTreeStatus::TooSmall || p.status == DeviceTreeStatus::BadSize) << n;
  }
  std::size_t found = 0, refused = 0;
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (const std::uint8_t value : {0x00, 0x01, 0x02, 0x03, 0x04, 0x09, 0x7f, 0x80, 0xff}) {
      auto blob = good;
      if (blob[at] == value) continue;
      blob[at] = value;
      const ChosenProperty p = bootargs_of(blob);
      if (p.status == DeviceTreeStatus::Found) {
        ++found;
        const auto* v = reinterpret_cast<const std::uint8_t*>(p.value);
        ASSERT_GE(v, blob.data());
        ASSERT_LT(v + p.length, blob.data() + blob.size()) << "the value and its NUL inside the blob";
        ASSERT_EQ(p.value[p.length], '\0');
      } else if (p.status != DeviceTreeStatus::Absent) {
        ++refused;
      }
    }
  }
  EXPECT_GT(found, 0u);
  EXPECT_GT(refused, 0u);
}

}  // namespace
