// How reports name code (sim/source_lines.h): C++ symbols demangled, and
// without their parameter lists where an address's function is named.
#include <gtest/gtest.h>

#include "sim/source_lines.h"

namespace pristine::sim {
namespace {

TEST(FunctionName, ACxxSymbolIsNamedAsWrittenWithoutItsParameters) {
  EXPECT_EQ(function_name("_ZN8pristine24dispatch_other_interruptENS_6VectorEPNS_9TrapFrameE"),
            "pristine::dispatch_other_interrupt");
  EXPECT_EQ(function_name("_ZN8pristine7machine3nowEv"), "pristine::machine::now");
  EXPECT_EQ(demangle("_ZN8pristine7machine3nowEv"), "pristine::machine::now()");
}

TEST(FunctionName, AnAnonymousNamespaceStaysAndOnlyTheLastParameterListGoes) {
  EXPECT_EQ(function_name("_ZN8pristine12_GLOBAL__N_113overflow_mainEm"),
            "pristine::(anonymous namespace)::overflow_main");
  EXPECT_EQ(function_name("_ZNK8pristine4sync6Object4wordEv"), "pristine::sync::Object::word");
}

TEST(FunctionName, CAndAssemblyNamesAreLeftAlone) {
  EXPECT_EQ(function_name("interrupt_common"), "interrupt_common");
  EXPECT_EQ(function_name("user_counter_main"), "user_counter_main");
  EXPECT_EQ(function_name("odd(name)"), "odd(name)") << "not mangled: nothing is cut";
}

}  // namespace
}  // namespace pristine::sim
