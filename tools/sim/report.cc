#include "sim/report.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace repram::sim {
namespace {

std::string Cell(double value) { return std::isnan(value) ? "" : fmt::format("{:.6g}", value); }

}  // namespace

double Summary::Get(const std::string& name) const {
  for (const auto& [key, value] : rows) {
    if (key == name) return value;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

void WriteSummaryCsv(const Summary& summary, std::ostream& out) {
  out << "measure,value\n";
  for (const auto& [name, value] : summary.rows) out << name << ',' << Cell(value) << '\n';
}

void WriteTimeSeriesCsv(const TimeSeries& series, std::ostream& out) {
  for (size_t i = 0; i < series.columns.size(); ++i) {
    out << (i == 0 ? "" : ",") << series.columns[i];
  }
  out << '\n';
  for (const std::vector<double>& row : series.rows) {
    for (size_t i = 0; i < row.size(); ++i) out << (i == 0 ? "" : ",") << Cell(row[i]);
    out << '\n';
  }
}

void PrintTable(const Summary& summary, std::ostream& out) {
  size_t width = 0;
  for (const auto& [name, value] : summary.rows) width = std::max(width, name.size());
  for (const auto& [name, value] : summary.rows) {
    out << fmt::format("{:<{}}  {:>12}\n", name, width, std::isnan(value) ? "-" : Cell(value));
  }
}

}  // namespace repram::sim
