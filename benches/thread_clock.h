// The clock of the speed benchmarks: this thread's CPU time
// (CLOCK_THREAD_CPUTIME_ID). The engine and the simulator run on one thread,
// so on an idle machine this is their wall time; on a shared host the time
// other processes take the core from them stays out of the figures (the
// machines this project runs on are 2-core and often busy).
#pragma once

#include <time.h>

namespace pristine::bench {

inline double thread_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

}  // namespace pristine::bench
