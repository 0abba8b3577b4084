#include "sim/x86_64/delivery.h"

#include <fmt/format.h>

#include "hw-x86_64/cpu/exception_vectors.h"

namespace pristine::sim {
namespace {

constexpr std::uint64_t kFlagTf = 1u << 8;
constexpr std::uint64_t kFlagIf = 1u << 9;
constexpr std::uint64_t kFlagNt = 1u << 14;
constexpr std::uint64_t kFlagRf = 1u << 16;
constexpr std::uint64_t kFlagVm = 1u << 17;

constexpr std::uint8_t kGateInterrupt = 0xE;
constexpr std::uint8_t kGateTrap = 0xF;

struct Gate {
  std::uint64_t offset;
  std::uint16_t selector;
  std::uint8_t ist;
  std::uint8_t type;
  std::uint8_t dpl;
  bool present;
};

// A fault raised while delivering: the vector to deliver instead.
struct DeliveryFault {
  Vector vector;
  std::uint64_t error_code;
  std::string why;
};

// Error code naming an IDT entry (SDM 6.13): index << 3 | IDT bit | EXT.
std::uint64_t idt_error_code(Vector v, bool external) { return (std::uint64_t{v} << 3) | 2 | (external ? 1 : 0); }

bool is_contributory(Vector v) {
  return v == vectors::kDivideError || v == vectors::kInvalidTss || v == vectors::kSegmentNotPresent ||
         v == vectors::kStackFault || v == vectors::kGeneralProtection;
}

// The class pair that turns a second fault into #DF (SDM Table 6-5).
bool escalates_to_double_fault(Vector first, Vector second) {
  const bool first_serious = is_contributory(first) || first == vectors::kPageFault;
  const bool second_serious = is_contributory(second) || second == vectors::kPageFault;
  if (!first_serious || !second_serious) return false;
  return !(is_contributory(first) && second == vectors::kPageFault);
}

// One attempt at delivering `request`; a DeliveryFault if the CPU would fault.
std::optional<DeliveryFault> try_deliver(GuestCpu& cpu, GuestMemory& memory,
                                         const DeliveryRequest& request, DeliveryOutcome& out) {
  const Vector v = request.vector;
  const bool external = request.kind != DeliveryKind::Software;

  const uc_x86_mmr idtr = cpu.mmr(UC_X86_REG_IDTR);
  if (std::uint64_t{v} * 16 + 15 > idtr.limit) {
    return DeliveryFault{vectors::kGeneralProtection, idt_error_code(v, external),
                         fmt::format("vector {:#x} beyond the IDT limit {:#x}", v, idtr.limit)};
  }
  const std::uint8_t* raw = memory.host(idtr.base + std::uint64_t{v} * 16, 16);
  if (!raw) {
    return DeliveryFault{vectors::kPageFault, 0, fmt::format("IDT at {:#x} not mapped", idtr.base)};
  }
  std::uint64_t lo, hi;
  std::memcpy(&lo, raw, 8);
  std::memcpy(&hi, raw + 8, 8);
  const Gate gate{
      .offset = (lo & 0xFFFF) | ((lo >> 32) & 0xFFFF0000) | (hi << 32),
      .selector = static_cast<std::uint16_t>(lo >> 16),
      .ist = static_cast<std::uint8_t>((lo >> 32) & 7),
      .type = static_cast<std::uint8_t>((lo >> 40) & 0xF),
      .dpl = static_cast<std::uint8_t>((lo >> 45) & 3),
      .present = ((lo >> 47) & 1) != 0,
  };
  const unsigned cpl = cpu.cpl();
  if (gate.type != kGateInterrupt && gate.type != kGateTrap) {
    return DeliveryFault{vectors::kGeneralProtection, idt_error_code(v, external),
                         fmt::format("IDT entry {:#x} is not a 64-bit interrupt or trap gate", v)};
  }
  if (request.kind == DeliveryKind::Software && gate.dpl < cpl) {
    return DeliveryFault{vectors::kGeneralProtection, idt_error_code(v, false),
                         fmt::format("int {:#x} from ring {} through a DPL {} gate", v, cpl, gate.dpl)};
  }
  if (!gate.present) {
    return DeliveryFault{vectors::kSegmentNotPresent, idt_error_code(v, external),
                         fmt::format("IDT entry {:#x} not present", v)};
  }

  // Target code segment: must be a present 64-bit code segment; its DPL is the new CPL.
  const uc_x86_mmr gdtr = cpu.mmr(UC_X86_REG_GDTR);
  const std::uint64_t selector_error = (gate.selector & ~std::uint64_t{3}) | (external ? 1 : 0);
  if (gate.selector < 8 || (gate.selector | 7u) > gdtr.limit) {
    return DeliveryFault{vectors::kGeneralProtection, selector_error,
                         fmt::format("gate {:#x} selector {:#x} outside the GDT", v, gate.selector)};
  }
  if (!memory.contains(gdtr.base + (gate.selector & ~7u), 8)) {
    return DeliveryFault{vectors::kGeneralProtection, selector_error, fmt::format("GDT at {:#x} not mapped", gdtr.base)};
  }
  const std::uint64_t descriptor = memory.read<std::uint64_t>(gdtr.base + (gate.selector & ~7u));
  const bool code = ((descriptor >> 43) & 1) != 0 && ((descriptor >> 44) & 1) != 0;
  const bool long_mode = ((descriptor >> 53) & 1) != 0;
  const bool present = ((descriptor >> 47) & 1) != 0;
  const unsigned new_cpl = static_cast<unsigned>((descriptor >> 45) & 3);
  if (!code || !long_mode || new_cpl > cpl) {
    return DeliveryFault{vectors::kGeneralProtection, selector_error,
                         fmt::format("gate {:#x} selector {:#x} is not a 64-bit code segment at or below ring {}",
                                     v, gate.selector, cpl)};
  }
  if (!present) {
    return DeliveryFault{vectors::kSegmentNotPresent, selector_error,
                         fmt::format("gate {:#x} code segment not present", v)};
  }

  // Stack (SDM 6.14.4, 6.14.5): IST if the gate names one, else RSP0..2 on a
  // privilege change, else the interrupted stack.
  const std::uint64_t old_rsp = cpu.reg(UC_X86_REG_RSP);
  const std::uint64_t old_ss = cpu.reg(UC_X86_REG_SS);
  const bool privilege_change = new_cpl < cpl;
  std::uint64_t rsp = old_rsp;
  if (gate.ist != 0 || privilege_change) {
    const uc_x86_mmr tr = cpu.mmr(UC_X86_REG_TR);
    const std::uint64_t offset = gate.ist != 0 ? 0x24 + 8 * (gate.ist - 1) : 0x4 + 8 * new_cpl;
    if (offset + 8 > std::uint64_t{tr.limit} + 1 || !memory.contains(tr.base + offset, 8)) {
      return DeliveryFault{vectors::kInvalidTss, cpu.mmr(UC_X86_REG_TR).selector & ~3u,
                           "TSS too small or not mapped for the stack switch"};
    }
    rsp = memory.read<std::uint64_t>(tr.base + offset);
    out.stack_switched = true;
    out.ist = gate.ist;
  }
  rsp &= ~std::uint64_t{15};

  const bool push_error = request.kind == DeliveryKind::Exception && vectors::has_error_code(v);
  const std::uint64_t frame_size = push_error ? 48 : 40;
  // The CPU pushes through its MMU, with supervisor rights: a stack that
  // ran into its guard page (not present) faults here too.
  const auto writable = [&](VirtAddr address) { return cpu.translate(address, {.write = true}).ok; };
  const bool one_page = ((rsp - frame_size) >> 12) == ((rsp - 1) >> 12);
  if (!memory.contains(rsp - frame_size, frame_size) || !writable(rsp - frame_size) ||
      (!one_page && !writable(rsp - 1))) {
    return DeliveryFault{vectors::kDoubleFault, 0,
                         fmt::format("stack {:#x} for vector {:#x} not mapped", rsp, v)};
  }
  const std::uint64_t rflags = cpu.reg(UC_X86_REG_RFLAGS);
  const std::uint64_t frame[6] = {request.error_code, cpu.reg(UC_X86_REG_RIP), cpu.cs(), rflags,
                                  old_rsp, old_ss};
  rsp -= frame_size;
  const std::uint64_t* first = push_error ? frame : frame + 1;
  memory.write_bytes(rsp, {reinterpret_cast<const std::uint8_t*>(first), frame_size});

  std::uint64_t new_flags = rflags & ~(kFlagTf | kFlagNt | kFlagRf | kFlagVm);
  if (gate.type == kGateInterrupt) new_flags &= ~kFlagIf;
  const std::uint16_t new_ss = privilege_change ? static_cast<std::uint16_t>(new_cpl) : static_cast<std::uint16_t>(old_ss);

  if (privilege_change || request.kind != DeliveryKind::External) {
    // A CPL change, or an exception Unicorn still counts as in flight.
    cpu.enter_ring0(cpu.save_state(), gate.selector, new_ss, rsp, gate.offset, new_flags,
                    v == vectors::kPageFault || v == vectors::kDoubleFault);
  } else {
    cpu.set_rsp_rflags_rip(rsp, new_flags, gate.offset);
  }
  out.delivered = true;
  out.vector = v;
  out.from_user = cpl == 3;
  out.frame = rsp;
  return std::nullopt;
}

}  // namespace

DeliveryOutcome deliver(GuestCpu& cpu, GuestMemory& memory, const DeliveryRequest& request) {
  DeliveryRequest current = request;
  for (int attempt = 0; attempt < 3; ++attempt) {
    DeliveryOutcome out;
    const auto fault = try_deliver(cpu, memory, current, out);
    if (!fault) return out;
    if (current.vector == vectors::kDoubleFault) {
      return DeliveryOutcome{.failure = fmt::format("triple fault: {} while delivering #DF", fault->why)};
    }
    DeliveryRequest next{fault->vector, DeliveryKind::Exception, fault->error_code};
    if (current.kind == DeliveryKind::Exception && escalates_to_double_fault(current.vector, fault->vector)) {
      next = {vectors::kDoubleFault, DeliveryKind::Exception, 0};
    }
    if (fault->vector == vectors::kDoubleFault) next = {vectors::kDoubleFault, DeliveryKind::Exception, 0};
    current = next;
  }
  return DeliveryOutcome{.failure = "triple fault: delivery kept faulting"};
}

}  // namespace pristine::sim
