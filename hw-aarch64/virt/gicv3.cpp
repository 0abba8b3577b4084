#include "hw-aarch64/virt/gicv3.h"

#include "hw-aarch64/cpu/system_registers.h"
#include "hw-aarch64/virt/board_layout.h"

namespace pristine::virt {
namespace {

// Distributor (GICD_*), with security disabled (DS = 1: QEMU's virt board
// without EL3), so this EL1 kernel owns it.
constexpr std::uintptr_t kGicdCtlr = 0x0000;
constexpr std::uint32_t kCtlrEnableGroup0 = 1u << 0;
constexpr std::uint32_t kCtlrEnableGroup1 = 1u << 1;
constexpr std::uint32_t kCtlrAffinityRouting = 1u << 4;  // ARE
constexpr std::uint32_t kCtlrRegisterWritePending = 1u << 31;

// A redistributor's two frames: RD_base (control) and SGI_base (+64 KiB).
constexpr std::uintptr_t kGicrWaker = 0x0014;
constexpr std::uint32_t kWakerProcessorSleep = 1u << 1;
constexpr std::uint32_t kWakerChildrenAsleep = 1u << 2;
constexpr std::uintptr_t kSgiFrame = 0x1'0000;
constexpr std::uintptr_t kGicrIgroupr0 = kSgiFrame + 0x0080;
constexpr std::uintptr_t kGicrIsenabler0 = kSgiFrame + 0x0100;
constexpr std::uintptr_t kGicrIpriorityr = kSgiFrame + 0x0400;

constexpr std::uint8_t kDefaultPriority = 0x80;

// Shared peripheral interrupts at the distributor.
constexpr std::uintptr_t kGicdIsenabler = 0x0100;
constexpr std::uintptr_t kGicdIcenabler = 0x0180;
constexpr std::uintptr_t kGicdIpriorityr = 0x0400;
constexpr std::uintptr_t kGicdIcfgr = 0x0c00;
constexpr std::uintptr_t kGicdIgroupr = 0x0080;
constexpr std::uintptr_t kGicdIrouter = 0x6000;

volatile std::uint32_t& gicd(std::uintptr_t offset) {
  return *reinterpret_cast<volatile std::uint32_t*>(kGicDistributor + offset);
}
volatile std::uint32_t& gicr(std::uint32_t cpu, std::uintptr_t offset) {
  return *reinterpret_cast<volatile std::uint32_t*>(kGicRedistributors + cpu * kRedistributorStride + offset);
}

}  // namespace

void gic_init_distributor() {
  gicd(kGicdCtlr) = kCtlrAffinityRouting | kCtlrEnableGroup1 | kCtlrEnableGroup0;
  while (gicd(kGicdCtlr) & kCtlrRegisterWritePending) {
  }
}

void gic_init_this_cpu(std::uint32_t cpu) {
  // Wake the redistributor: it must stop reporting the CPU asleep.
  gicr(cpu, kGicrWaker) = gicr(cpu, kGicrWaker) & ~kWakerProcessorSleep;
  while (gicr(cpu, kGicrWaker) & kWakerChildrenAsleep) {
  }
  gicr(cpu, kGicrIgroupr0) = 0xffff'ffff;  // SGIs and PPIs: group 1
  // The SGIs (the IPIs) taken, at the default priority.
  volatile std::uint8_t* priority =
      reinterpret_cast<volatile std::uint8_t*>(kGicRedistributors + cpu * kRedistributorStride + kGicrIpriorityr);
  for (std::uint32_t sgi = 0; sgi < 16; ++sgi) priority[sgi] = kDefaultPriority;
  gicr(cpu, kGicrIsenabler0) = 0xffff;
  // The CPU interface through system registers: ICC_SRE_EL1.SRE, then every
  // priority unmasked (ICC_PMR_EL1), no preemption split (ICC_BPR1_EL1) and
  // group 1 enabled (ICC_IGRPEN1_EL1).
  PRISTINE_WRITE_SYSREG(S3_0_C12_C12_5, PRISTINE_READ_SYSREG(S3_0_C12_C12_5) | 1);
  aarch64::isb();
  PRISTINE_WRITE_SYSREG(S3_0_C4_C6_0, 0xff);
  PRISTINE_WRITE_SYSREG(S3_0_C12_C12_3, 0);
  PRISTINE_WRITE_SYSREG(S3_0_C12_C12_7, 1);
  aarch64::isb();
}

void gic_enable_private(std::uint32_t cpu, std::uint32_t intid) {
  volatile std::uint8_t* priority =
      reinterpret_cast<volatile std::uint8_t*>(kGicRedistributors + cpu * kRedistributorStride + kGicrIpriorityr);
  priority[intid] = kDefaultPriority;
  gicr(cpu, kGicrIsenabler0) = 1u << intid;
}

std::uint32_t gic_acknowledge() {
  return static_cast<std::uint32_t>(PRISTINE_READ_SYSREG(S3_0_C12_C12_0) & 0xff'ffff);  // ICC_IAR1_EL1
}

void gic_end_of_interrupt(std::uint32_t intid) {
  PRISTINE_WRITE_SYSREG(S3_0_C12_C12_1, intid);  // ICC_EOIR1_EL1
  aarch64::isb();
}

void gic_enable_shared(std::uint32_t intid, std::uint32_t cpu, bool edge) {
  const std::uint32_t bit = 1u << (intid % 32);
  gicd(kGicdIgroupr + (intid / 32) * 4) = gicd(kGicdIgroupr + (intid / 32) * 4) | bit;  // group 1
  reinterpret_cast<volatile std::uint8_t*>(kGicDistributor + kGicdIpriorityr)[intid] = kDefaultPriority;
  const std::uint32_t shift = (intid % 16) * 2 + 1;  // Int_config[1]: 1 edge, 0 level
  volatile std::uint32_t& config = gicd(kGicdIcfgr + (intid / 16) * 4);
  config = edge ? (config | (1u << shift)) : (config & ~(1u << shift));
  *reinterpret_cast<volatile std::uint64_t*>(kGicDistributor + kGicdIrouter + intid * 8) = cpu;  // Aff0 = cpu
  gicd(kGicdIsenabler + (intid / 32) * 4) = bit;
}

void gic_disable_shared(std::uint32_t intid) { gicd(kGicdIcenabler + (intid / 32) * 4) = 1u << (intid % 32); }

// ICC_SGI1R_EL1: INTID in bits 27:24, the target list (Aff0 bits) in 15:0,
// IRM (bit 40) for every CPU but this one.
void gic_send_sgi(std::uint32_t intid, std::uint32_t cpu) {
  aarch64::dsb_sy();  // what was written before reaches the target first
  PRISTINE_WRITE_SYSREG(S3_0_C12_C11_5, (std::uint64_t{intid} << 24) | (std::uint64_t{1} << cpu));
  aarch64::isb();
}

void gic_send_sgi_to_others(std::uint32_t intid) {
  aarch64::dsb_sy();
  PRISTINE_WRITE_SYSREG(S3_0_C12_C11_5, (std::uint64_t{intid} << 24) | (std::uint64_t{1} << 40));
  aarch64::isb();
}

}  // namespace pristine::virt
