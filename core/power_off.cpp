#include "core/power_off.h"

#include "core/machine.h"
#include "core/smp/stop_all.h"
#include "core/stats/shutdown_report.h"

namespace pristine {

void power_off_with_report() {
  smp::stop_other_cpus();
  const bool pass = write_shutdown_report();
  machine::power_off(pass ? 0 : 1);
}

}  // namespace pristine
