// The flattened device tree reader (device_tree.h). Every offset is checked
// against the end of its block before it is read, in 64-bit arithmetic on
// 32-bit fields, so no sum wraps.
#include "core/boot/device_tree.h"

namespace pristine::boot {
namespace {

// Structure block tokens (Devicetree Specification v0.4, 5.4.1).
constexpr std::uint32_t kBeginNode = 1;
constexpr std::uint32_t kEndNode = 2;
constexpr std::uint32_t kProp = 3;
constexpr std::uint32_t kNop = 4;
constexpr std::uint32_t kEnd = 9;

// The header's fields are big-endian, at 4-byte offsets (5.2); read byte by
// byte, so the blob's own alignment does not matter.
std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// Whether [begin, end) holds a NUL; its index from `begin` in `length`.
bool nul_within(const std::uint8_t* begin, const std::uint8_t* end, std::size_t& length) {
  for (const std::uint8_t* p = begin; p < end; ++p) {
    if (*p == 0) {
      length = static_cast<std::size_t>(p - begin);
      return true;
    }
  }
  return false;
}

bool same_string(const std::uint8_t* s, std::size_t length, const char* word) {
  std::size_t i = 0;
  for (; i < length; ++i) {
    if (word[i] == '\0' || static_cast<char>(s[i]) != word[i]) return false;
  }
  return word[i] == '\0';
}

std::uint64_t round_up4(std::uint64_t n) { return (n + 3) & ~std::uint64_t{3}; }

ChosenProperty refuse(DeviceTreeStatus status) { return ChosenProperty{status, nullptr, 0}; }

}  // namespace

const char* device_tree_status_text(DeviceTreeStatus status) {
  switch (status) {
    case DeviceTreeStatus::Found: return "found";
    case DeviceTreeStatus::Absent: return "absent";
    case DeviceTreeStatus::TooSmall: return "fewer bytes than a header";
    case DeviceTreeStatus::BadMagic: return "no device tree magic (0xd00dfeed)";
    case DeviceTreeStatus::BadVersion: return "not readable as version 17";
    case DeviceTreeStatus::BadSize: return "totalsize below a header or past the bytes readable";
    case DeviceTreeStatus::BadBlock: return "the structure or strings block outside totalsize or misaligned";
    case DeviceTreeStatus::BadToken: return "an unknown token or no FDT_END in the structure block";
    case DeviceTreeStatus::BadNodeName: return "a node name not NUL-ended inside the structure block";
    case DeviceTreeStatus::BadProperty: return "a property value past the structure block";
    case DeviceTreeStatus::BadPropertyName: return "a property name outside the strings block";
    case DeviceTreeStatus::BadNesting: return "nodes not balanced, nested too deep, or a property outside a node";
    case DeviceTreeStatus::BadValue: return "the property is not a NUL-ended string";
  }
  return "unknown";
}

ChosenProperty find_chosen_string(const void* blob, std::size_t limit, const char* name) {
  const auto* const base = static_cast<const std::uint8_t*>(blob);
  if (base == nullptr || limit < kDeviceTreeHeaderSize) return refuse(DeviceTreeStatus::TooSmall);
  if (be32(base) != kDeviceTreeMagic) return refuse(DeviceTreeStatus::BadMagic);
  const std::uint64_t total = be32(base + 4);
  const std::uint64_t struct_offset = be32(base + 8);
  const std::uint64_t strings_offset = be32(base + 12);
  const std::uint32_t version = be32(base + 20);
  const std::uint32_t last_compatible = be32(base + 24);
  const std::uint64_t strings_size = be32(base + 32);
  const std::uint64_t struct_size = be32(base + 36);
  // size_dt_struct came with version 17; a tree that a version-17 reader
  // cannot read says so with last_comp_version past 17.
  if (version < 17 || last_compatible > 17) return refuse(DeviceTreeStatus::BadVersion);
  if (total < kDeviceTreeHeaderSize || total > limit) return refuse(DeviceTreeStatus::BadSize);
  if (struct_offset % 4 != 0 || struct_size % 4 != 0 || struct_offset < kDeviceTreeHeaderSize ||
      struct_offset + struct_size > total || strings_offset + strings_size > total) {
    return refuse(DeviceTreeStatus::BadBlock);
  }

  const std::uint8_t* const strings = base + strings_offset;
  const std::uint8_t* const strings_end = strings + strings_size;
  const std::uint8_t* p = base + struct_offset;
  const std::uint8_t* const end = p + struct_size;

  ChosenProperty found;
  unsigned depth = 0;          // nodes open; the root is depth 1
  bool chosen_open = false;    // the node open at depth 2 is /chosen
  for (;;) {
    if (end - p < 4) return refuse(DeviceTreeStatus::BadToken);
    const std::uint32_t token = be32(p);
    p += 4;
    if (token == kBeginNode) {
      std::size_t length = 0;
      if (!nul_within(p, end, length)) return refuse(DeviceTreeStatus::BadNodeName);
      if (++depth > kMaxDeviceTreeDepth) return refuse(DeviceTreeStatus::BadNesting);
      // The root's name is empty; a unit address ("chosen@0") is not /chosen.
      if (depth == 2) chosen_open = same_string(p, length, "chosen");
      const std::uint64_t advance = round_up4(length + 1);
      if (advance > static_cast<std::uint64_t>(end - p)) return refuse(DeviceTreeStatus::BadNodeName);
      p += advance;
    } else if (token == kEndNode) {
      if (depth == 0) return refuse(DeviceTreeStatus::BadNesting);
      if (depth-- == 2) chosen_open = false;
    } else if (token == kProp) {
      if (end - p < 8) return refuse(DeviceTreeStatus::BadProperty);
      const std::uint64_t length = be32(p);
      const std::uint64_t name_offset = be32(p + 4);
      p += 8;
      if (depth == 0) return refuse(DeviceTreeStatus::BadNesting);
      if (round_up4(length) > static_cast<std::uint64_t>(end - p)) return refuse(DeviceTreeStatus::BadProperty);
      if (name_offset >= strings_size) return refuse(DeviceTreeStatus::BadPropertyName);
      std::size_t name_length = 0;
      if (!nul_within(strings + name_offset, strings_end, name_length)) return refuse(DeviceTreeStatus::BadPropertyName);
      if (depth == 2 && chosen_open && same_string(strings + name_offset, name_length, name)) {
        std::size_t value_length = 0;
        // A string property: its value's last byte is its one NUL
        // (Devicetree Specification v0.4, 2.2.4.1, <string>).
        if (length == 0 || !nul_within(p, p + length, value_length) || value_length + 1 != length) {
          return refuse(DeviceTreeStatus::BadValue);
        }
        found = ChosenProperty{DeviceTreeStatus::Found, reinterpret_cast<const char*>(p), value_length};
      }
      p += round_up4(length);
    } else if (token == kNop) {
      // Nothing: a tool overwrote something here.
    } else if (token == kEnd) {
      if (depth != 0) return refuse(DeviceTreeStatus::BadNesting);
      return found;
    } else {
      return refuse(DeviceTreeStatus::BadToken);
    }
  }
}

}  // namespace pristine::boot
