// A flattened device tree (the Devicetree Specification v0.4, chapter 5:
// "Flattened Devicetree (DTB) Format"), read for one thing: a property of
// /chosen, e.g. `bootargs` (QEMU's -append on its AArch64 `virt` board,
// hw-aarch64/virt/board_init.cpp; RISC-V's virt board hands one over too).
//
// The blob is untrusted: whoever placed it may have placed anything. The
// reader checks the header (magic, version, every block inside `totalsize`,
// `totalsize` inside the bytes the caller may read), then walks the whole
// structure block token by token: every token, node name, property value and
// property name offset inside its block, every name NUL-ended inside its
// block, nodes balanced and at most kMaxDeviceTreeDepth deep, an FDT_END
// last. A blob that breaks any rule is refused as a whole, with the rule it
// broke; nothing is read outside [blob, blob + limit). Each token moves the
// walk forward by four bytes at least, so the walk ends. Pure: no memory but
// the blob, no console; compiled into the kernel (freestanding) and for the
// host (tests/device_tree_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace pristine::boot {

inline constexpr std::uint32_t kDeviceTreeMagic = 0xd00dfeed;
inline constexpr std::uint32_t kDeviceTreeHeaderSize = 40;  // version 17's ten 32-bit fields
inline constexpr unsigned kMaxDeviceTreeDepth = 64;

enum class DeviceTreeStatus : std::uint8_t {
  Found,           // the property is there: `value` and `length` say where
  Absent,          // a well-formed tree without it (or without /chosen)
  TooSmall,        // fewer bytes readable than a header
  BadMagic,        // not 0xd00dfeed
  BadVersion,      // older than 17, or not readable as 17 (last_comp_version past 17)
  BadSize,         // totalsize below a header or past the readable bytes
  BadBlock,        // the structure or strings block outside totalsize, or misaligned
  BadToken,        // an unknown token, or the structure ends without FDT_END
  BadNodeName,     // a node name not NUL-ended inside the structure block
  BadProperty,     // a property's value past the structure block
  BadPropertyName, // a property name offset past the strings block, or its name not NUL-ended there
  BadNesting,      // FDT_END_NODE without a node, FDT_END inside a node, too deep, or a property outside any node
  BadValue,        // the wanted property is not a NUL-ended string
};

// What the status means, one phrase (for a console line).
const char* device_tree_status_text(DeviceTreeStatus status);

struct ChosenProperty {
  DeviceTreeStatus status = DeviceTreeStatus::Absent;
  const char* value = nullptr;  // Found: the string, inside the blob
  std::size_t length = 0;       // Found: its bytes, without the NUL that ends it
};

// The string property `name` of the root's child node `chosen` in the tree at
// `blob`, of which at most `limit` bytes may be read.
ChosenProperty find_chosen_string(const void* blob, std::size_t limit, const char* name);

}  // namespace pristine::boot
