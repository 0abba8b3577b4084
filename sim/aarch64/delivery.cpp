#include "sim/aarch64/delivery.h"

namespace pristine::sim {
inline namespace PRISTINE_SIM_GUEST_ARCH {

DeliveryOutcome deliver(aarch64::GuestCpu& cpu, GuestMemory&, const DeliveryRequest& request) {
  const bool from_user = cpu.user_mode();
  const bool irq = request.kind == DeliveryKind::External;
  aarch64::take_exception(cpu, {.type = irq ? aarch64::ExceptionType::Irq : aarch64::ExceptionType::Synchronous,
                                .syndrome = irq ? 0 : request.error_code,
                                .fault_address = request.fault_address,
                                .return_address = cpu.pc()});
  return {.delivered = true, .vector = request.vector, .from_user = from_user};
}

}  // namespace PRISTINE_SIM_GUEST_ARCH
}  // namespace pristine::sim
