#include "sim/nic_model.h"

#include <cstring>

#include "core/drivers/e1000_registers.h"
#include "core/drivers/nic.h"
#include "hw-sim/board_registers.h"
#include "sim/nic_payload.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

NicModel::NicModel(const BoardCosts& costs, Vector vector, GuestMemory& memory, std::uint64_t cpu_hz)
    : costs_(costs), vector_(vector), memory_(memory), cpu_hz_(cpu_hz) {
  reset();
}

void NicModel::reset() {
  ctrl_ = 0;
  icr_ = ims_ = itr_ = rctl_ = 0;
  rdbal_ = rdbah_ = rdlen_ = rdh_ = rdt_ = rdtr_ = radv_ = 0;
  mpc_ = 0;
}

void NicModel::attach(SimCpu& cpu) {
  window_.attach(*this, cpu, board_physical::kNic, sim_board::kNicSize, "uc_mmio_map(nic0)");
}

// ITR x 256 ns in modeled cycles (rounded up: never shorter than asked).
Cycles NicModel::interval() const {
  const unsigned __int128 ns = static_cast<unsigned __int128>(itr_) * 256 * cpu_hz_;
  return Cycles{static_cast<std::uint64_t>((ns + 999'999'999) / 1'000'000'000)};
}

void NicModel::receive(SimCpu& target, std::uint64_t index) {
  target_ = &target;
  ++totals_.arrived;
  const std::uint32_t count = descriptor_count();
  const std::uint32_t length = nic_packet_length(index);
  const std::uint64_t ring = (std::uint64_t{rdbah_} << 32) | rdbal_;
  auto miss = [&](bool ring_full) {
    ++totals_.dropped;
    if (ring_full) ++totals_.ring_full;
    ++mpc_;
    set_cause(e1000::kIntRxo, target.cycles);
  };
  // The receiver must be on, with a ring and a free descriptor (the device
  // owns RDH up to, not including, RDT).
  if (!(rctl_ & e1000::kRctlEnable) || count == 0) return miss(false);
  if (rdh_ == rdt_ || rdh_ >= count) return miss(rdh_ == rdt_);
  std::uint8_t* descriptor = memory_.physical(PhysAddr{ring + std::uint64_t{rdh_} * 16}, 16);
  if (!descriptor) return miss(false);
  std::uint64_t buffer_address;
  std::memcpy(&buffer_address, descriptor, sizeof buffer_address);
  std::uint8_t* buffer = memory_.physical(PhysAddr{buffer_address}, length);
  // A packet longer than one buffer would span descriptors on the chip; the
  // lengths a source sends fit the smallest buffer nic0 programs (1024).
  if (!buffer || length > e1000::receive_buffer_size(rctl_)) return miss(false);
  std::uint64_t sum = totals_.delivered == 0 ? nic::kChecksumSeed : totals_.checksum;
  for (std::uint32_t i = 0; i < length; ++i) {
    buffer[i] = nic_payload_byte(index, i);
    sum = nic::checksum_step(sum, buffer[i]);
  }
  const auto length16 = static_cast<std::uint16_t>(length);
  std::memcpy(descriptor + e1000::kRxDescriptorLengthOffset, &length16, sizeof length16);
  std::memset(descriptor + 10, 0, 2);  // checksum
  descriptor[13] = 0;                  // errors
  std::memset(descriptor + 14, 0, 2);  // special
  descriptor[e1000::kRxDescriptorStatusOffset] = e1000::kRxStatusDone | e1000::kRxStatusEndOfPacket;
  rdh_ = (rdh_ + 1) % count;
  ++totals_.delivered;
  totals_.delivered_bytes += length;
  totals_.checksum = sum;
  set_cause(e1000::kIntRxt0, target.cycles);
}

void NicModel::set_cause(std::uint32_t bits, Cycles now) {
  icr_ |= bits;
  if (bits & ims_) {
    ++totals_.causes;
    ++unraised_;
  }
  update_line(now);
}

// Level: asserted while ICR & IMS is non-zero; a rising edge no sooner than
// ITR x 256 ns after the last one (QEMU's e1000 mitigation timer).
void NicModel::update_line(Cycles now) {
  if (!target_) return;
  const bool asserted = target_->level_asserted.test(vector_);
  if ((icr_ & ims_) == 0) {
    if (asserted) target_->level_asserted.reset(vector_);
    return;
  }
  if (asserted || timer_armed_) return;
  const Cycles earliest = raised_once_ ? Cycles{last_raise_ + interval()} : Cycles{0};
  if (now < earliest) {
    timer_armed_ = true;
    target_->schedule({.time = earliest, .kind = EventKind::DeviceTimer, .cpu = target_->cpu.id(),
                          .vector = vector_});
    return;
  }
  target_->level_asserted.set(vector_);
  raise_interrupt(*target_, vector_);
  target_->poll_interrupt_flag = true;
  ++totals_.raised;
  if (unraised_ > 0) totals_.moderated += unraised_ - 1;
  unraised_ = 0;
  raised_once_ = true;
  last_raise_ = now;
}

void NicModel::moderation_elapsed(SimCpu& target) {
  timer_armed_ = false;
  update_line(target.cycles);
}

std::uint32_t NicModel::read(SimCpu& cpu, std::uint64_t reg) {
  cpu.cycles += costs_.board_register_read;
  switch (reg) {
    case e1000::kCtrl: return ctrl_;
    case e1000::kStatus: return e1000::kStatusLinkUp | 0x1 /* FD */;
    case e1000::kIcr: {
      // Reading clears every cause: what the line had asserted is
      // acknowledged, and causes set since its rising edge were folded into it.
      const std::uint32_t value = icr_ | (target_ && target_->level_asserted.test(vector_) ? e1000::kIntAsserted : 0);
      totals_.moderated += unraised_;
      unraised_ = 0;
      icr_ = 0;
      update_line(cpu.cycles);
      return value;
    }
    case e1000::kItr: return itr_;
    case e1000::kIms: return ims_;
    case e1000::kRctl: return rctl_;
    case e1000::kRdbal: return rdbal_;
    case e1000::kRdbah: return rdbah_;
    case e1000::kRdlen: return rdlen_;
    case e1000::kRdh: return rdh_;
    case e1000::kRdt: return rdt_;
    case e1000::kRdtr: return rdtr_;
    case e1000::kRadv: return radv_;
    case e1000::kMpc: {
      const std::uint32_t value = mpc_;  // statistics clear on read
      mpc_ = 0;
      return value;
    }
    default: return 0;
  }
}

void NicModel::write(SimCpu& cpu, std::uint64_t reg, std::uint32_t value) {
  cpu.cycles += costs_.board_register_write;
  switch (reg) {
    case e1000::kCtrl:
      if (value & e1000::kCtrlReset) {
        reset();  // self-clearing; the line drops with the causes
      } else {
        ctrl_ = value;
      }
      break;
    case e1000::kItr: itr_ = value & 0xFFFF; break;
    case e1000::kIcs: set_cause(value, cpu.cycles); return;
    case e1000::kIms: ims_ |= value; break;
    case e1000::kImc: ims_ &= ~value; break;
    case e1000::kRctl: rctl_ = value; break;
    case e1000::kRdbal: rdbal_ = value & ~0xFu; break;
    case e1000::kRdbah: rdbah_ = value; break;
    case e1000::kRdlen: rdlen_ = value & 0xFFF80; break;
    case e1000::kRdh: rdh_ = value & 0xFFFF; break;
    case e1000::kRdt: rdt_ = value & 0xFFFF; break;
    case e1000::kRdtr: rdtr_ = value & 0xFFFF; break;
    case e1000::kRadv: radv_ = value & 0xFFFF; break;
    default: break;
  }
  update_line(cpu.cycles);
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
