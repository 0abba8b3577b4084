// The host probes (sim/host_probes.h): inline assembly, one instruction
// repeated with .rept so that no loop runs inside the timed block.
#include "sim/host_probes.h"

#include <cpuid.h>

#include <algorithm>
#include <cstring>

namespace pristine::sim {
namespace {

// TSC reads fenced so that the block's instructions neither start before the
// first read nor are still executing at the second (LFENCE waits for every
// earlier instruction to complete).
inline std::uint64_t tsc_begin() {
  std::uint32_t lo = 0, hi = 0;
  asm volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
  return (static_cast<std::uint64_t>(hi) << 32) | lo;
}

inline std::uint64_t tsc_end() {
  std::uint32_t lo = 0, hi = 0;
  asm volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
  return (static_cast<std::uint64_t>(hi) << 32) | lo;
}

// The probes' bodies run in an asm loop of `rounds` passes over the unrolled
// instructions (one dec/jnz per pass): the TSC may advance in coarse steps (49
// ticks on the machines this was written on), so a timed block must last
// hundreds of steps; calibrate_host picks the rounds.
#define PRISTINE_ROUNDS(body) "9:\n\t" body "\n\tdec %[n]\n\tjnz 9b"

template <typename Body>
inline std::uint64_t timed(Body body) {
  const std::uint64_t start = tsc_begin();
  body();
  return tsc_end() - start;
}

// Memory operands, one cache line each.
alignas(64) std::uint64_t g_word = 0;
alignas(64) unsigned char g_fxsave_area[512];
alignas(4096) unsigned char g_page[4096];
constexpr std::size_t kXsaveAreaBytes = 16384;
alignas(64) unsigned char g_xsave_area[kXsaveAreaBytes];

// 4 x (zero one 4 KiB page with rep stosq): the kernel's demand-zero fill.
std::uint64_t rep_stosq_page_block(std::uint64_t rounds) {
  return timed([&] {
    asm volatile(PRISTINE_ROUNDS(".rept 4\n\tmov %[page], %%rdi\n\tmov $512, %%ecx\n\trep stosq\n\t.endr")
                 : [n] "+r"(rounds)
                 : [page] "r"(g_page), "a"(0)
                 : "rdi", "rcx", "memory", "cc");
  });
}

std::uint64_t empty(std::uint64_t) {
  return timed([] {});
}

std::uint64_t add_chain(std::uint64_t rounds) {
  std::uint64_t x = g_word;
  const std::uint64_t t = timed([&] {
    asm volatile(PRISTINE_ROUNDS(".rept 128\n\tadd $1, %[x]\n\t.endr") : [x] "+r"(x), [n] "+r"(rounds) : : "cc");
  });
  g_word = x;
  return t;
}

std::uint64_t rdtsc_block(std::uint64_t rounds) {
  return timed([&] { asm volatile(PRISTINE_ROUNDS(".rept 64\n\trdtsc\n\t.endr") : [n] "+r"(rounds) : : "rax", "rdx", "cc"); });
}

std::uint64_t rdtscp_block(std::uint64_t rounds) {
  return timed([&] {
    asm volatile(PRISTINE_ROUNDS(".rept 64\n\trdtscp\n\t.endr") : [n] "+r"(rounds) : : "rax", "rcx", "rdx", "cc");
  });
}

std::uint64_t pause_block(std::uint64_t rounds) {
  return timed([&] { asm volatile(PRISTINE_ROUNDS(".rept 64\n\tpause\n\t.endr") : [n] "+r"(rounds) : : "cc"); });
}

std::uint64_t lfence_block(std::uint64_t rounds) {
  return timed([&] { asm volatile(PRISTINE_ROUNDS(".rept 64\n\tlfence\n\t.endr") : [n] "+r"(rounds) : : "memory", "cc"); });
}

std::uint64_t sfence_block(std::uint64_t rounds) {
  return timed([&] { asm volatile(PRISTINE_ROUNDS(".rept 64\n\tsfence\n\t.endr") : [n] "+r"(rounds) : : "memory", "cc"); });
}

std::uint64_t mfence_block(std::uint64_t rounds) {
  return timed([&] { asm volatile(PRISTINE_ROUNDS(".rept 64\n\tmfence\n\t.endr") : [n] "+r"(rounds) : : "memory", "cc"); });
}

std::uint64_t lock_add_block(std::uint64_t rounds) {
  return timed([&] {
    asm volatile(PRISTINE_ROUNDS(".rept 64\n\tlock addq $1, %[m]\n\t.endr") : [m] "+m"(g_word), [n] "+r"(rounds) : : "cc");
  });
}

std::uint64_t lock_xadd_block(std::uint64_t rounds) {
  std::uint64_t v = 1;
  return timed([&] {
    asm volatile(PRISTINE_ROUNDS(".rept 64\n\tlock xaddq %[v], %[m]\n\t.endr")
                 : [m] "+m"(g_word), [v] "+r"(v), [n] "+r"(rounds) : : "cc");
  });
}

std::uint64_t lock_cmpxchg_block(std::uint64_t rounds) {
  std::uint64_t expected = g_word;
  const std::uint64_t desired = expected;
  return timed([&] {
    asm volatile(PRISTINE_ROUNDS(".rept 64\n\tlock cmpxchgq %[d], %[m]\n\t.endr")
                 : [m] "+m"(g_word), "+a"(expected), [n] "+r"(rounds) : [d] "r"(desired) : "cc");
  });
}

std::uint64_t xchg_block(std::uint64_t rounds) {
  std::uint64_t v = 1;
  return timed([&] {
    asm volatile(PRISTINE_ROUNDS(".rept 64\n\txchgq %[v], %[m]\n\t.endr")
                 : [m] "+m"(g_word), [v] "+r"(v), [n] "+r"(rounds) : : "cc");
  });
}

// The stack moves inside these blocks: step over the red zone first.
std::uint64_t pushfq_block(std::uint64_t rounds) {
  return timed([&] {
    asm volatile(
        "lea -128(%%rsp), %%rsp\n\t"
        PRISTINE_ROUNDS(".rept 64\n\tpushfq\n\tlea 8(%%rsp), %%rsp\n\t.endr") "\n\t"
        "lea 128(%%rsp), %%rsp" : [n] "+r"(rounds) : : "memory", "cc");
  });
}

std::uint64_t popfq_block(std::uint64_t rounds) {
  return timed([&] {
    asm volatile(
        "lea -128(%%rsp), %%rsp\n\t"
        "pushfq\n\t"
        PRISTINE_ROUNDS(".rept 64\n\tpopfq\n\tlea -8(%%rsp), %%rsp\n\t.endr") "\n\t"
        "lea 136(%%rsp), %%rsp" : [n] "+r"(rounds) : : "memory", "cc");
  });
}

std::uint64_t call_ret_block(std::uint64_t rounds) {
  return timed([&] {
    asm volatile(
        "lea -128(%%rsp), %%rsp\n\t"
        PRISTINE_ROUNDS(".rept 32\n\tcall 2f\n\tjmp 3f\n2:\n\tret\n3:\n\t.endr") "\n\t"
        "lea 128(%%rsp), %%rsp" : [n] "+r"(rounds) : : "memory", "cc");
  });
}

// Dividends and divisor of the size the kernel divides (TSC deadlines):
// a 57-bit dividend, a 14-bit divisor.
constexpr std::uint64_t kDividend = 0x0123456789abcdefULL;
constexpr std::uint64_t kDivisor = 12345;

std::uint64_t div_block(std::uint64_t rounds) {
  return timed([&] {
    asm volatile(PRISTINE_ROUNDS(".rept 32\n\tmov %[a], %%rax\n\txor %%edx, %%edx\n\tdivq %[d]\n\t.endr")
                 : [n] "+r"(rounds) : [a] "r"(kDividend), [d] "r"(kDivisor) : "rax", "rdx", "cc");
  });
}

std::uint64_t idiv_block(std::uint64_t rounds) {
  return timed([&] {
    asm volatile(PRISTINE_ROUNDS(".rept 32\n\tmov %[a], %%rax\n\tcqo\n\tidivq %[d]\n\t.endr")
                 : [n] "+r"(rounds) : [a] "r"(kDividend), [d] "r"(kDivisor) : "rax", "rdx", "cc");
  });
}

std::uint64_t fxsave_block(std::uint64_t rounds) {
  return timed([&] {
    asm volatile(PRISTINE_ROUNDS(".rept 32\n\tfxsave64 %[m]\n\t.endr") : [m] "=m"(g_fxsave_area), [n] "+r"(rounds) : : "cc");
  });
}

std::uint64_t fxrstor_block(std::uint64_t rounds) {
  asm volatile("fxsave64 %0" : "=m"(g_fxsave_area));  // a valid image of the current state
  return timed([&] {
    asm volatile(PRISTINE_ROUNDS(".rept 32\n\tfxrstor64 %[m]\n\t.endr") : [n] "+r"(rounds) : [m] "m"(g_fxsave_area) : "cc");
  });
}

bool xsave_usable() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  if (!(c & bit_XSAVE) || !(c & bit_OSXSAVE)) return false;
  __cpuid_count(0xd, 0, a, b, c, d);
  return b != 0 && b <= kXsaveAreaBytes;  // EBX: the area size for the features XCR0 enables
}

// Every state component the OS enabled (XCR0), as the kernel's context switch
// would save them.
void xcr0(std::uint32_t& lo, std::uint32_t& hi) {
  asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
}

std::uint64_t xsave_block(std::uint64_t rounds) {
  std::uint32_t lo = 0, hi = 0;
  xcr0(lo, hi);
  return timed([&] {
    asm volatile(PRISTINE_ROUNDS(".rept 16\n\txsave64 (%[p])\n\t.endr")
                 : [n] "+r"(rounds) : [p] "r"(g_xsave_area), "a"(lo), "d"(hi) : "memory", "cc");
  });
}

std::uint64_t xrstor_block(std::uint64_t rounds) {
  std::uint32_t lo = 0, hi = 0;
  xcr0(lo, hi);
  std::memset(g_xsave_area, 0, sizeof g_xsave_area);  // a clean header, then a valid image
  asm volatile("xsave64 (%0)" : : "r"(g_xsave_area), "a"(lo), "d"(hi) : "memory");
  return timed([&] {
    asm volatile(PRISTINE_ROUNDS(".rept 16\n\txrstor64 (%[p])\n\t.endr")
                 : [n] "+r"(rounds) : [p] "r"(g_xsave_area), "a"(lo), "d"(hi) : "memory", "cc");
  });
}

std::uint64_t cpuid_block(std::uint64_t rounds) {
  return timed([&] {
    asm volatile(PRISTINE_ROUNDS(".rept 16\n\txor %%eax, %%eax\n\txor %%ecx, %%ecx\n\tcpuid\n\t.endr")
                 : [n] "+r"(rounds) : : "rax", "rbx", "rcx", "rdx", "memory", "cc");
  });
}

// iretq to the same ring: a frame of the current SS, RSP, RFLAGS and CS, and
// the next instruction as RIP. The frame is built below the red zone.
std::uint64_t iretq_block(std::uint64_t rounds) {
  return timed([&] {
    asm volatile(
        PRISTINE_ROUNDS(
            ".rept 16\n\t"
            "mov %%rsp, %%rax\n\t"
            "lea -128(%%rsp), %%rsp\n\t"
            "mov %%ss, %%ecx\n\tpush %%rcx\n\t"
            "push %%rax\n\t"
            "pushfq\n\t"
            "mov %%cs, %%ecx\n\tpush %%rcx\n\t"
            "lea 1f(%%rip), %%rcx\n\tpush %%rcx\n\t"
            "iretq\n"
            "1:\n\t"
            ".endr")
        : [n] "+r"(rounds) : : "rax", "rcx", "memory", "cc");
  });
}

#undef PRISTINE_ROUNDS

}  // namespace

const std::vector<HostProbe>& host_probes() {
  static const std::vector<HostProbe> probes = {
      {"empty", 1, empty, nullptr, "the two fenced TSC reads alone: subtracted from every block"},
      {"add-chain", 128, add_chain, nullptr, "128 dependent `add $1, r64`: 1 cycle each, the cycle baseline"},
      {"rdtsc", 64, rdtsc_block, nullptr, "64 x rdtsc"},
      {"rdtscp", 64, rdtscp_block, nullptr, "64 x rdtscp"},
      {"pause", 64, pause_block, nullptr, "64 x pause"},
      {"lfence", 64, lfence_block, nullptr, "64 x lfence"},
      {"sfence", 64, sfence_block, nullptr, "64 x sfence"},
      {"mfence", 64, mfence_block, nullptr, "64 x mfence"},
      {"lock-add", 64, lock_add_block, nullptr, "64 x `lock add $1, m64` on one cache line"},
      {"lock-xadd", 64, lock_xadd_block, nullptr, "64 x `lock xadd r64, m64` on one cache line"},
      {"lock-cmpxchg", 64, lock_cmpxchg_block, nullptr, "64 x `lock cmpxchg r64, m64` (succeeding) on one cache line"},
      {"xchg", 64, xchg_block, nullptr, "64 x `xchg r64, m64` (implicitly locked)"},
      {"pushfq", 64, pushfq_block, nullptr, "64 x (pushfq; lea 8(%rsp), %rsp): includes the lea"},
      {"popfq", 64, popfq_block, nullptr, "64 x (popfq; lea -8(%rsp), %rsp) of the current flags: includes the lea"},
      {"call-ret", 32, call_ret_block, nullptr, "32 x (call to a ret; jmp over it): call + ret + a taken jmp"},
      {"div", 32, div_block, nullptr,
       "32 x (mov; xor edx; div r64), 0x0123456789abcdef / 12345: independent, so throughput; operand-dependent"},
      {"idiv", 32, idiv_block, nullptr, "32 x (mov; cqo; idiv r64), as div"},
      {"rep-stosq-page", 4, rep_stosq_page_block, nullptr,
       "4 x (mov; mov; rep stosq of 512 quadwords): zero one 4 KiB page, includes the two movs"},
      {"fxsave64", 32, fxsave_block, nullptr, "32 x fxsave64 to one 512-byte area (fxsave: the same without REX.W)"},
      {"fxrstor64", 32, fxrstor_block, nullptr, "32 x fxrstor64 of the current state (fxrstor: the same without REX.W)"},
      {"xsave64", 16, xsave_block, xsave_usable, "16 x xsave64 of every XCR0 component (xsave: without REX.W)"},
      {"xrstor64", 16, xrstor_block, xsave_usable, "16 x xrstor64 of every XCR0 component (xrstor: without REX.W)"},
      {"cpuid", 16, cpuid_block, nullptr, "16 x (xor eax; xor ecx; cpuid): leaf 0; traps to the hypervisor in a VM"},
      {"iretq", 16, iretq_block, nullptr,
       "16 x iretq ring 3 -> ring 3, each after building its frame (5 pushes incl. pushfq); the kernel's iretq "
       "also changes ring, which ring 3 cannot measure"},
  };
  return probes;
}

const HostProbe* find_host_probe(const std::string& name) {
  const auto& probes = host_probes();
  const auto it = std::find_if(probes.begin(), probes.end(), [&](const HostProbe& p) { return name == p.name; });
  return it == probes.end() ? nullptr : &*it;
}

std::string host_cpu_brand() {
  unsigned regs[12] = {};
  unsigned max = 0, b = 0, c = 0, d = 0;
  __cpuid(0x80000000u, max, b, c, d);
  if (max < 0x80000004u) return "unknown CPU";
  for (unsigned i = 0; i < 3; ++i) __cpuid(0x80000002u + i, regs[4 * i], regs[4 * i + 1], regs[4 * i + 2], regs[4 * i + 3]);
  char text[sizeof regs + 1] = {};
  std::memcpy(text, regs, sizeof regs);
  std::string brand(text);
  brand.erase(0, brand.find_first_not_of(' '));
  brand.erase(brand.find_last_not_of(' ') + 1);
  return brand;
}

bool host_under_hypervisor() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 31)) != 0;
}

std::uint64_t host_tsc_step() {
  std::uint64_t step = ~std::uint64_t{0};
  std::uint64_t previous = tsc_end();
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t now = tsc_end();
    if (now != previous) step = std::min(step, now - previous);
    previous = now;
  }
  return step;
}

}  // namespace pristine::sim
