#pragma once

#include "util/rng.h"

namespace repram::trust::testing {

// An Rng that always returns the value it is told (test-only).
class FixedRng final : public Rng {
 public:
  explicit FixedRng(double u01 = 0.5) : u01_(u01) {}
  void set(double u01) { u01_ = u01; }
  double Uniform01() override { return u01_; }
  uint64_t Below(uint64_t) override { return 0; }

 private:
  double u01_;
};

}  // namespace repram::trust::testing
