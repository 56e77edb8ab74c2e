// repram-omega: offline operator tool for omega signed root lists (trust.md §13).

#include <iostream>
#include <string>
#include <vector>

#include "trust/omega_cli.h"
#include "util/clock.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return repram::trust::RunOmegaCli(args, std::cin, std::cout, std::cerr,
                                    repram::SystemClock::Instance());
}
