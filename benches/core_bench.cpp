// Host-native micro-benchmarks of pure core/ routines (ordinary timed
// benchmarks: host nanoseconds, not modeled cycles): the run-queue pick, the
// sleep-list insert (Pristine's timer queue), the cross-CPU inbox.
#include <benchmark/benchmark.h>

#include <memory>

#include "core/cpu_local.h"
#include "core/sched/cpu_inbox.h"
#include "core/sched/run_queue.h"
#include "core/sched/sleep_list.h"

namespace {

using namespace pristine;

std::unique_ptr<Task[]> make_tasks(std::size_t n) {
  auto tasks = std::make_unique<Task[]>(n);
  for (std::size_t i = 0; i < n; ++i) {
    tasks[i].id = static_cast<TaskId>(i);
    tasks[i].pinned_cpu = kAnyCpu;
  }
  return tasks;
}

// Pick the next task and requeue it: what every switch does to the queue.
void BM_RunQueuePick(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto tasks = make_tasks(n);
  RunQueue queue;
  for (std::size_t i = 0; i < n; ++i) queue.push_back(tasks[i]);
  for (auto _ : state) {
    Task* next = queue.pop_front();
    benchmark::DoNotOptimize(next);
    queue.push_back(*next);
  }
}
BENCHMARK(BM_RunQueuePick)->Arg(1)->Arg(4)->Arg(16);

// Insert into a sleep list of n tasks at a deadline in the middle, then take it out.
void BM_SleepListInsert(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto tasks = make_tasks(n + 1);
  Task* head = nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    tasks[i].wake_at = Cycles{100 * i};
    sched::sleep_list_insert(head, tasks[i]);
  }
  Task& sleeper = tasks[n];
  sleeper.wake_at = Cycles{100 * n / 2 + 50};
  for (auto _ : state) {
    sched::sleep_list_insert(head, sleeper);
    Task** link = &head;
    while (*link != &sleeper) link = &(*link)->next;
    *link = sleeper.next;
    benchmark::DoNotOptimize(head);
  }
}
BENCHMARK(BM_SleepListInsert)->Arg(1)->Arg(8)->Arg(23);

// Another CPU's wake-up: push into the inbox, then the owner takes everything.
void BM_InboxPushAndDrain(benchmark::State& state) {
  auto tasks = make_tasks(4);
  static CpuLocal cpu;
  for (auto _ : state) {
    for (int i = 0; i < 4; ++i) sched::inbox_push(cpu, tasks[i]);
    benchmark::DoNotOptimize(sched::inbox_take_all(cpu));
  }
}
BENCHMARK(BM_InboxPushAndDrain);

}  // namespace

BENCHMARK_MAIN();
