// The GICv3 interrupt controller of the `virt` board (Arm GIC Architecture
// Specification v3/v4, IHI 0069): the distributor and the boot CPU's
// redistributor by MMIO, the CPU interface by system registers.
// acknowledge() is ICC_IAR1_EL1 (the interrupt becomes active; 1023:
// spurious, nothing to end), end_of_interrupt() ICC_EOIR1_EL1.
#pragma once

#include <cstdint>

namespace pristine::virt {

void gic_init_distributor();
void gic_init_this_cpu(std::uint32_t cpu);
void gic_enable_private(std::uint32_t cpu, std::uint32_t intid);
std::uint32_t gic_acknowledge();
void gic_end_of_interrupt(std::uint32_t intid);
// A shared peripheral interrupt (INTID 32 and up) routed to `cpu`'s
// affinity, edge- or level-triggered; or taken away.
void gic_enable_shared(std::uint32_t intid, std::uint32_t cpu, bool edge);
void gic_disable_shared(std::uint32_t intid);
// A software-generated interrupt (INTID 0-15) to one CPU, or to all but this one.
void gic_send_sgi(std::uint32_t intid, std::uint32_t cpu);
void gic_send_sgi_to_others(std::uint32_t intid);

}  // namespace pristine::virt
