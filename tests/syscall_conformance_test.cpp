// System-call conformance (docs/syscalls.md) in the simulator, from ring 3:
// - syscall-abi (kernel-image/user/programs/syscall_abi.cpp) makes every call
//   through `syscall` and through `int $0x80` and ends its task with exit
//   code 1xx at the first difference; the context checker checks every
//   return's CF against its result (sim/x86_64/user_context.cpp);
// - syscall-memory (kernel-image/user/programs/syscall_memory.cpp) hands the
//   copying calls bad pointers that pass the range check; the kernel's copy
//   faults and must return -EFAULT (core/syscall/user_access_table.h).
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/simulator.h"
#include "sim/user_access_table.h"

namespace pristine::sim {
namespace {

const std::filesystem::path kImage = PRISTINE_BUILD_DIR "/images/sim-kernel.elf";

const TaskReport& task_named(const Report& r, const std::string& name) {
  for (const TaskReport& t : r.tasks) {
    if (t.name == name) return t;
  }
  throw std::runtime_error("no task " + name);
}

const HandlerReport* path_named(const Report& r, const std::string& name) {
  for (const HandlerReport& h : r.handlers) {
    if (h.name == name) return &h;
  }
  return nullptr;
}

// A conformance checker's run: no violation, the checker alive (a wrong
// result ends it with exit code 100 + the check, named in `source`) after
// at least `rounds` rounds. The checker's report, for more.
const TaskReport& expect_checker_passed(const Report& r, const std::string& name, const char* source,
                                        std::uint64_t rounds) {
  for (const Violation& v : r.violations) ADD_FAILURE() << v.kind << ": " << v.message;
  EXPECT_TRUE(r.pass());
  const TaskReport& checker = task_named(r, name);
  EXPECT_TRUE(checker.alive) << "exit code " << checker.exit_code << " names the failed check (" << source << ")";
  EXPECT_GE(checker.progress, rounds) << "rounds of checks (each yields its slice to the counter)";
  return checker;
}

// syscall-abi beside a task that counts, under a device storm and a fast
// tick: the gate's calls are interrupted, preempted and resumed too.
Scenario abi_under_load() {
  Scenario s;
  s.file = "syscall-abi";
  s.name = "syscall-abi";
  s.duration = 8'000'000;
  s.tick_hz = 10000;
  s.tasks = {{"abi", UserProgram::SyscallAbi, 0, 0}, {"counter", UserProgram::Counter, 0, 0}};
  SourceSpec nic;
  nic.name = "nic";
  nic.kind = SourceKind::Periodic;
  nic.vector = 0x41;
  nic.period = 7000;
  s.sources = {nic};
  return s;
}

TEST(SyscallAbi, BothEntriesGiveTheSameResultsAndTheCarryFlagMarksEveryError) {
  const Report r = Simulator(abi_under_load(), kImage).run();
  expect_checker_passed(r, "abi", "syscall_abi.cpp", 3);
}

TEST(SyscallAbi, AGateCallIsMeasuredAsTheCallItMakes) {
  const Report r = Simulator(abi_under_load(), kImage).run();
  const std::uint64_t rounds = task_named(r, "abi").progress;
  // Per round: getpid three times (once plain, once each way), the unknown
  // number twice; yield once through the gate.
  const HandlerReport* getpid = path_named(r, "syscall/getpid");
  const HandlerReport* invalid = path_named(r, "syscall/invalid");
  ASSERT_NE(getpid, nullptr);
  ASSERT_NE(invalid, nullptr);
  EXPECT_GE(getpid->count, 3 * rounds);
  EXPECT_GE(invalid->count, 2 * rounds);
  EXPECT_EQ(path_named(r, "syscall-gate"), nullptr) << "int $0x80 is a system call, not a handler of its own";
}

Scenario memory_under_load() {
  Scenario s = abi_under_load();
  s.file = s.name = "syscall-memory";
  s.tasks = {{"memory", UserProgram::SyscallMemory, 0, 0}, {"counter", UserProgram::Counter, 0, 0}};
  return s;
}

TEST(SyscallMemory, BadPointersGetEfaultAndTheKernelKeepsRunning) {
  const Report r = Simulator(memory_under_load(), kImage).run();
  const TaskReport& memory = expect_checker_passed(r, "memory", "syscall_memory.cpp", 3);
  // Each round the kernel's copy faults in ring 0: at least on the guard
  // page, the other slot, the code page, the straddling copy (four -EFAULTs)
  // and once on its own unmapped heap page (mapped on the way).
  const HandlerReport* page_faults = path_named(r, "page-fault");
  ASSERT_NE(page_faults, nullptr);
  EXPECT_GE(page_faults->count, 5 * memory.progress);
}

// syscall-files (kernel-image/user/programs/syscall_files.cpp): every file
// call on the image's files, under the device storm.
TEST(SyscallFiles, EveryFileCallGivesItsResultOnTheImagesFiles) {
  Scenario s = abi_under_load();
  s.file = s.name = "syscall-files";
  s.duration = 40'000'000;  // a round yields often: to the counter's whole turn each time
  s.tasks = {{"files", UserProgram::SyscallFiles, 0, 0}, {"counter", UserProgram::Counter, 0, 0}};
  const Report r = Simulator(s, kImage).run();
  const TaskReport& files = expect_checker_passed(r, "files", "syscall_files.cpp", 3);
  const HandlerReport* read = path_named(r, "syscall/read");
  ASSERT_NE(read, nullptr);
  EXPECT_GE(read->count, 20 * files.progress) << "numbers.txt read in small chunks every round";
}

// syscall-process (kernel-image/user/programs/syscall_process.cpp): it
// spawns exiter children one at a time and collects each exit code; each
// child takes the slot its collected predecessor left (slot reuse).
TEST(SyscallProcess, ChildrenRunSeeTheirParentAndReportTheirExitInOneReusedSlot) {
  Scenario s;
  s.file = s.name = "syscall-process";
  s.duration = 8'000'000;
  s.tick_hz = 4000;
  s.tasks = {{"process", UserProgram::SyscallProcess, 0, 0}};
  const Report r = Simulator(s, kImage).run();
  const TaskReport& parent = expect_checker_passed(r, "process", "syscall_process.cpp", 1);
  // One CPU: its idle task and the parent hold two slots, every child the
  // third. The slot holds the last child, of the last round or the one
  // before (the run may end before the round's count).
  std::uint64_t children = 0;
  for (const TaskReport& t : r.tasks) {
    if (t.name != "exiter") continue;
    ++children;
    if (t.alive) continue;  // the run ended while it ran
    EXPECT_EQ(t.progress, 1u) << "its counter started at 0 in the reused slot";
    const std::uint64_t round = static_cast<std::uint64_t>(t.exit_code) & 0xFFFFF;
    EXPECT_TRUE(round == parent.progress || round == parent.progress + 1) << round << " " << parent.progress;
  }
  EXPECT_EQ(children, 1u) << "every child took the slot its collected predecessor left";
  EXPECT_GT(parent.progress, kMaxTasks) << "more children than the table has slots";
}

// With a counter beside it, the parent blocked in wait_child is resumed by
// a tick's switch (iretq), not by SYSRET: its -EINTR must still come back
// with CF set, from the frame (syscall_switch flags it there). Without that
// the runtime takes -EINTR for an exit code and the checker ends itself.
TEST(SyscallProcess, ABlockedCallResumedByATickKeepsItsErrorFlag) {
  Scenario s = abi_under_load();
  s.file = s.name = "syscall-process-with-counter";
  s.sources.clear();
  s.duration = 12'000'000;
  s.tasks = {{"process", UserProgram::SyscallProcess, 0, 0}, {"counter", UserProgram::Counter, 0, 0}};
  const Report r = Simulator(s, kImage).run();
  expect_checker_passed(r, "process", "syscall_process.cpp", 2);  // each child collected after the counter's turn
}

// syscall-sync (kernel-image/user/programs/syscall_sync.cpp): threads that
// block on a mutex, a semaphore and a condition variable and are handed what
// they waited for, then every error of the object calls each round, beside
// object-churn (object_churn.cpp) sharing the pool; scenarios/sync.toml.
void expect_sync_passed(const Report& r) {
  const TaskReport& sync = expect_checker_passed(r, "sync", "syscall_sync.cpp", 20);
  EXPECT_GE(task_named(r, "churn").progress, 2000u) << "every churn round found the pool's slots again";
  // The five threads, in order: doubler (2 * 21), locker (saw the value
  // written under the mutex), taker, two condition waiters (the value
  // broadcast); the prober (another process) got -EBADF.
  std::vector<std::int64_t> codes;
  for (const TaskReport& t : r.tasks) {
    if (t.name == "sync" && &t != &sync) codes.push_back(t.exit_code);
    if (t.name == "object-prober") {
      EXPECT_EQ(t.exit_code, -9) << "another process's handle";
    }
  }
  // Each joined thread's slot is taken by a later thread once its CPU left
  // it (slot reuse): the rows left end with the two condition waiters, the
  // last threads (the program checked every join's code itself).
  ASSERT_GE(codes.size(), 2u);
  EXPECT_EQ(codes[codes.size() - 2], 5);
  EXPECT_EQ(codes.back(), 5);
  for (const std::int64_t code : codes) EXPECT_TRUE(code == 42 || code == 1 || code == 7 || code == 5) << code;
  for (const char* path : {"syscall/mutex_lock+switch", "syscall/semaphore_wait+switch", "syscall/condition_wait+switch"}) {
    EXPECT_NE(path_named(r, path), nullptr) << path << ": a thread blocked there";
  }
}

TEST(SyscallSync, ThreadsAreHandedWhatTheyBlockedOnAndEveryObjectErrorHolds) {
  const Report r = Simulator(load_scenario(PRISTINE_SOURCE_DIR "/scenarios/sync.toml"), kImage).run();
  expect_sync_passed(r);
}

TEST(SyscallSync, TheSameOnTwoCpusWithThePoolSharedAcrossThem) {
  Scenario s = load_scenario(PRISTINE_SOURCE_DIR "/scenarios/sync.toml");
  s.cpus = 2;
  const Report r = Simulator(s, kImage).run();
  expect_sync_passed(r);
}

// syscall-ipc (kernel-image/user/programs/syscall_ipc.cpp): threads meet on
// channels in both orders, wait in priority order, block on a full and an
// empty queue, time out; ipc-prober (another process) is refused; then every
// error of the IPC calls each round; scenarios/ipc.toml.
void expect_ipc_passed(const Report& r) {
  const TaskReport& ipc = expect_checker_passed(r, "ipc", "syscall_ipc.cpp", 20);
  // The six threads, in order: the receiver (5 bytes, 'h': the rendezvous
  // copied "hello" into its buffer), the sender (taken: 0), the two ordered
  // senders (0), the queue filler (0), the queue taker ('T').
  std::vector<std::int64_t> codes;
  for (const TaskReport& t : r.tasks) {
    if (t.name == "ipc" && &t != &ipc) codes.push_back(t.exit_code);
    if (t.name == "ipc-prober") {
      EXPECT_EQ(t.exit_code, -9) << "another process's handle";
    }
  }
  // Each joined thread's slot is taken by a later thread (slot reuse,
  // docs/scheduler.md): the rows left are the last occupants, the queue taker
  // among them; the program checked every join's code itself.
  EXPECT_NE(std::find(codes.begin(), codes.end(), std::int64_t{'T'}), codes.end()) << "the queue taker, the last thread";
  for (const std::int64_t code : codes) {
    EXPECT_TRUE(code == 0 || code == 'T' || code == 5 * 256 + 'h') << code;
  }
  EXPECT_LT(codes.size(), 6u) << "six threads, fewer slots: joined ones were reused";
  for (const char* path : {"syscall/channel_send+switch", "syscall/channel_receive+switch", "syscall/queue_send+switch",
                           "syscall/queue_receive+switch", "syscall/poll+switch"}) {
    EXPECT_NE(path_named(r, path), nullptr) << path << ": a task blocked there";
  }
}

TEST(SyscallIpc, ThreadsMeetOnChannelsAndQueuesTimeOutAndEveryErrorHolds) {
  const Report r = Simulator(load_scenario(PRISTINE_SOURCE_DIR "/scenarios/ipc.toml"), kImage).run();
  expect_ipc_passed(r);
}

TEST(SyscallIpc, TheSameOnTwoCpus) {
  Scenario s = load_scenario(PRISTINE_SOURCE_DIR "/scenarios/ipc.toml");
  s.cpus = 2;
  const Report r = Simulator(s, kImage).run();
  expect_ipc_passed(r);
}

// Cross-CPU IPC: three ipc-pingpong processes pinned to CPU 0, whose
// threads the balancer moves to CPU 1, so that every rendezvous and queue
// wake crosses CPUs (the peer's wake goes home through the inbox and a
// reschedule IPI); syscall-ipc beside them. Every message must come back
// whole (else the program exits 100), and every side keeps going.
TEST(SyscallIpc, RoundTripsAcrossCpusKeepEveryMessageWhole) {
  Scenario s;
  s.file = s.name = "ipc-across-cpus";
  s.cpus = 2;
  s.duration = 60'000'000;
  s.tick_hz = 4000;
  for (const char* name : {"pp1", "pp2", "pp3"}) {
    TaskSpec t{name, UserProgram::IpcPingpong, 0, 0};
    t.cpu = 0;
    s.tasks.push_back(t);
  }
  TaskSpec ipc{"ipc", UserProgram::SyscallIpc, 2, 0};
  ipc.cpu = 0;
  s.tasks.push_back(ipc);
  s.tasks.push_back({"yielder", UserProgram::Yielder, 0, 0});
  const Report r = Simulator(s, kImage).run();
  for (const Violation& v : r.violations) ADD_FAILURE() << v.kind << ": " << v.message;
  std::uint64_t moved = 0;
  for (const TaskReport& t : r.tasks) {
    if (t.name.rfind("pp", 0) != 0) continue;
    EXPECT_TRUE(t.alive) << t.name << " exit code " << t.exit_code;
    EXPECT_GE(t.progress, 1000u) << t.name << ": round trips";
    moved += t.migrations;
  }
  EXPECT_GE(moved, 3u) << "the threads went to the other CPU";
  EXPECT_TRUE(task_named(r, "ipc").alive) << task_named(r, "ipc").exit_code;
  EXPECT_GE(r.ipis.sent, 1000u) << "wakes across CPUs";
  EXPECT_TRUE(r.pass());
}

TEST(ObjectChurn, KernelObjectsCreatedAndDestroyedFromRing3LeakNothing) {
  // 10 000 rounds of three objects: a leak of one per round would stall the
  // churn within 22 rounds (the pool holds 64). The million-object loop runs
  // natively, through the same system calls (tests/core/sync_test.cpp):
  // here it would take half a minute.
  Scenario s;
  s.file = s.name = "object-churn";
  s.duration = 60'000'000;
  s.tick_hz = 1000;
  TaskSpec churn{"churn", UserProgram::ObjectChurn, 0, 0};
  churn.number = 10'000;
  s.tasks = {churn};
  const Report r = Simulator(s, kImage).run();
  EXPECT_TRUE(r.pass());
  const TaskReport& t = task_named(r, "churn");
  EXPECT_TRUE(t.alive) << "exit code " << t.exit_code;
  EXPECT_GE(t.progress, 10'000u);
  const HandlerReport* destroy = path_named(r, "syscall/object_destroy");
  ASSERT_NE(destroy, nullptr);
  EXPECT_GE(destroy->count, 30'000u);
}

// syscall-debug (kernel-image/user/programs/syscall_debug.cpp) on
// scenarios/debug.toml: 40 rounds of every debug call's successes and errors,
// then only counting, so the figures are exact.
const ProfileReport* profile_named(const Report& r, const std::string& name) {
  for (const ProfileReport& p : r.profiles) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

TEST(SyscallDebug, EveryDebugCallSucceedsOrFailsAsDocumented) {
  const Report r = Simulator(load_scenario(PRISTINE_SOURCE_DIR "/scenarios/debug.toml"), kImage).run();
  expect_checker_passed(r, "debug", "syscall_debug.cpp", 41);
  ASSERT_EQ(r.per_cpu.size(), 1u);
  // Four markers a round; the last one is the last round's number.
  EXPECT_EQ(r.per_cpu[0].trace_markers, 4u * 40);
  EXPECT_EQ(r.per_cpu[0].trace_last_value, 39u);
  EXPECT_EQ(r.per_cpu[0].trace_last_task, "debug");
  const HandlerReport* marker = path_named(r, "syscall/trace_marker");
  ASSERT_NE(marker, nullptr);
  EXPECT_EQ(marker->count, 4u * 40);
}

TEST(SyscallDebug, AProfiledRegionIsARowWithItsCountAndPlausibleCycles) {
  const Report r = Simulator(load_scenario(PRISTINE_SOURCE_DIR "/scenarios/debug.toml"), kImage).run();
  // Regions 0-5 closed once a round; 6 and 7 never (the program opens none:
  // every failed start or stop counts nothing).
  for (const char* name : {"profile/0", "profile/1", "profile/2", "profile/3", "profile/4", "profile/5"}) {
    const ProfileReport* row = profile_named(r, name);
    ASSERT_NE(row, nullptr) << name;
    EXPECT_EQ(row->count, 40u) << name;
    EXPECT_EQ(row->migrated, 0u) << name;
  }
  EXPECT_EQ(profile_named(r, "profile/6"), nullptr);
  EXPECT_EQ(profile_named(r, "profile/7"), nullptr);
  EXPECT_EQ(r.profiles.size(), 6u);
  // Region 2 is empty (the inner region, stopped right after its start):
  // only the few instructions between the two calls. Region 0 holds one
  // refused call (a second start), region 1 region 2's two calls. Region 5
  // is a loop of 1000 iterations of a volatile add: at least 4 instructions
  // each (load, add, store, loop), not more than 12.
  const ProfileReport& empty = *profile_named(r, "profile/2");
  EXPECT_LT(empty.instructions.max, 20u);
  EXPECT_LT(empty.cycles.max, 50u);
  const HandlerReport* start = path_named(r, "syscall/profile_start");
  ASSERT_NE(start, nullptr);
  EXPECT_GE(profile_named(r, "profile/0")->cycles.min, start->cycles.min) << "a whole call inside";
  EXPECT_GE(profile_named(r, "profile/1")->cycles.min, 2 * start->cycles.min) << "two whole calls inside";
  const ProfileReport& work = *profile_named(r, "profile/5");
  EXPECT_GE(work.instructions.min, 4000u);
  EXPECT_LE(work.instructions.max, 12000u);
  EXPECT_GE(work.cycles.min, work.instructions.min / 4);
  EXPECT_LE(work.cycles.p50, 100'000u);
  EXPECT_LE(work.cycles.min, work.cycles.p50);
  EXPECT_LE(work.cycles.p50, work.cycles.p99);
  EXPECT_LE(work.cycles.p99, work.cycles.max);
  // The outer of two nested regions spans the inner one.
  EXPECT_GE(profile_named(r, "profile/1")->cycles.min, profile_named(r, "profile/2")->cycles.min);
}

TEST(SyscallDebug, TheRegionsAreInTheJsonReport) {
  const Report r = Simulator(load_scenario(PRISTINE_SOURCE_DIR "/scenarios/debug.toml"), kImage).run();
  const nlohmann::ordered_json j = to_json(r);
  ASSERT_TRUE(j.contains("profiles"));
  EXPECT_EQ(j["profiles"].size(), 6u);
  EXPECT_EQ(j["profiles"][5]["name"], "profile/5");
  EXPECT_EQ(j["profiles"][5]["count"], 40u);
  EXPECT_EQ(j["per_cpu"][0]["trace_markers"]["count"], 160u);
  EXPECT_EQ(j["per_cpu"][0]["trace_markers"]["last_value"], 39u);
}

// syscall-heap (kernel-image/user/programs/syscall_heap.cpp) on
// scenarios/memory.toml: every round allocates and frees regions with every
// error, reads freed pages back as zero; on two CPUs each free's pages are
// shot down on the other CPU, which runs ring-3 code meanwhile.
TEST(SyscallHeap, RegionsComeAndGoAndEveryMemoryErrorHolds) {
  const Report r = Simulator(load_scenario(PRISTINE_SOURCE_DIR "/scenarios/memory.toml"), kImage).run();
  const TaskReport& heap = expect_checker_passed(r, "heap", "syscall_heap.cpp", 20);
  const HandlerReport* allocate = path_named(r, "syscall/memory_allocate");
  const HandlerReport* free = path_named(r, "syscall/memory_free");
  ASSERT_NE(allocate, nullptr);
  ASSERT_NE(free, nullptr);
  // Per round: 5 refused lengths + 1 + 1 + 4 + 2 refused + 1 + 1 + 1 + 1 allocations.
  EXPECT_GE(allocate->count, 17 * heap.progress);
  EXPECT_GE(free->count, 20 * heap.progress);
}

TEST(SyscallHeap, TheSameOnTwoCpusWithEveryFreeShotDown) {
  Scenario s = load_scenario(PRISTINE_SOURCE_DIR "/scenarios/memory.toml");
  s.cpus = 2;
  s.tasks[0].cpu = 0;
  s.tasks[1].cpu = 1;
  const Report r = Simulator(s, kImage).run();
  expect_checker_passed(r, "heap", "syscall_heap.cpp", 10);
  EXPECT_NE(path_named(r, "syscall/memory_free+switch"), nullptr) << "a free waits for the other CPU's flush";
  EXPECT_GT(r.ipis.shootdowns, 0u);
}

// slot-churn (kernel-image/user/programs/slot_churn.cpp) on scenarios/slots.toml:
// 10 000 spawn+wait_child and thread_create+thread_join cycles in a table of
// kMaxTasks slots; each id new, each collected id refused.
TEST(SlotChurn, TenThousandSpawnsAndThreadsGoThroughReusedSlots) {
  const Report r = Simulator(load_scenario(PRISTINE_SOURCE_DIR "/scenarios/slots.toml"), kImage).run();
  expect_checker_passed(r, "churn", "slot_churn.cpp", 1);
  const HandlerReport* spawn = path_named(r, "syscall/spawn");
  const HandlerReport* thread = path_named(r, "syscall/thread_create");
  ASSERT_NE(spawn, nullptr);
  ASSERT_NE(thread, nullptr);
  EXPECT_GE(spawn->count, 10'000u);
  EXPECT_GE(thread->count, 10'000u);
  // The table never grew past a few slots: idle, churn, yielder, one
  // exiter's slot and one thread's, each reused 10 000 times.
  EXPECT_LE(r.tasks.size(), 6u);
  std::uint64_t exiters = 0;
  for (const TaskReport& t : r.tasks) {
    if (t.name != "exiter") continue;
    ++exiters;
    EXPECT_FALSE(t.alive);
    EXPECT_EQ(static_cast<std::uint64_t>(t.exit_code) & 0xFFFFF, 10'000u) << "its slot holds the last child";
    EXPECT_EQ(t.progress, 1u) << "a reused slot's counter starts at 0";
  }
  EXPECT_EQ(exiters, 1u);
}

TEST(UserAccessTable, TheImageNamesItsUserCopyAsTheOneAccessThatMayFault) {
  const GuestImage image = GuestImage::load(kImage);
  const UserAccessTable table(image);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_TRUE(table.is_access(image.symbol("x86_user_copy_access")));
  EXPECT_FALSE(table.is_access(image.symbol("x86_user_copy")));
}

// syscall-devio (kernel-image/user/programs/syscall_devio.cpp) on
// scenarios/devio.toml: uart0's device file, every success and error of the
// descriptor calls on it; 300 input bytes read, each the payload's byte at
// its place in the stream (a wrong one ends the program with 1xx), a line
// written through the transmitter, whose bytes the board's model counts and
// checksums as the driver does.
TEST(SyscallDevio, ADeviceFileReadsTheInputStreamAndWritesTheTransmitter) {
  const Report r = Simulator(load_scenario(PRISTINE_SOURCE_DIR "/scenarios/devio.toml"), kImage).run();
  const TaskReport& devio = expect_checker_passed(r, "devio", "syscall_devio.cpp", 300);
  EXPECT_EQ(devio.progress, 300u) << "every check passed, 300 bytes read";
  ASSERT_EQ(r.devices.size(), 1u);
  const DeviceReport& d = r.devices[0];
  EXPECT_EQ(d.reader_read, 300u);
  EXPECT_EQ(d.reader_overflow, 0u);
  EXPECT_EQ(d.delivered, d.reader_read + d.flushed) << "the reader's books: every byte read or flushed";
  // "syscall-devio: written through dev/uart0\n": 41 bytes, at most 8 a call.
  EXPECT_EQ(d.driver_transmitted, 41u);
  EXPECT_EQ(d.transmitted, 41u);
  EXPECT_EQ(d.transmit_lost, 0u);
  EXPECT_EQ(d.driver_transmit_checksum, d.transmit_checksum);
  EXPECT_GT(d.transmit_busy, 0u) << "the model's transmitter was still sending: fd_write found it busy";
  for (const char* path : {"syscall/read+switch", "syscall/fd_write", "syscall/ioctl"}) {
    EXPECT_NE(path_named(r, path), nullptr) << path;
  }
}

// Without a uart0 source the driver is not started: "dev/uart0" is -ENODEV
// (the name is a device's, the device is off), every other check the same.
TEST(SyscallDevio, ADeviceWhoseDriverWasNotStartedIsEnodev) {
  Scenario s = load_scenario(PRISTINE_SOURCE_DIR "/scenarios/devio.toml");
  s.sources.clear();
  s.tasks[0].number = 0;
  const Report r = Simulator(s, kImage).run();
  const TaskReport& devio = expect_checker_passed(r, "devio", "syscall_devio.cpp", 1);
  EXPECT_EQ(devio.progress, 1u);
  EXPECT_TRUE(r.devices.empty());
}

}  // namespace
}  // namespace pristine::sim
