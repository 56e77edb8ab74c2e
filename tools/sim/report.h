#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace repram::sim {

// One row per measure: name and value (NaN = not measured in this run).
struct Summary {
  std::vector<std::pair<std::string, double>> rows;
  // Appends a measure.
  void Add(std::string name, double value) { rows.emplace_back(std::move(name), value); }
  // Returns the value of a measure (NaN when absent).
  double Get(const std::string& name) const;
};

// One row per simulated second; cells may be NaN (written empty).
struct TimeSeries {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
};

// Writes "measure,value" lines; values with up to 6 significant digits, NaN empty.
void WriteSummaryCsv(const Summary& summary, std::ostream& out);
// Writes a header line and one line per row.
void WriteTimeSeriesCsv(const TimeSeries& series, std::ostream& out);
// Prints the summary as an aligned two-column table.
void PrintTable(const Summary& summary, std::ostream& out);

}  // namespace repram::sim
