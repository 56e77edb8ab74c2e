#include "app/cli/outcome.h"

#include "util/strings.h"

namespace repram::cli {

int ReportFailure(const http::ClientResult& result, std::string_view what, const std::string& url,
                  std::ostream& err) {
  if (result.ec) {
    err << "repram: cannot reach " << url << ": " << result.ec.message() << "\n";
    return kExitFailed;
  }
  if (result.status == 404) {
    err << "repram: " << what << ": not found\n";
    return kExitNotFound;
  }
  err << "repram: " << what << ": HTTP " << result.status;
  if (const auto text = TrimSpace(result.body); !text.empty()) err << ": " << text;
  err << "\n";
  return kExitFailed;
}

void PrintJson(const nlohmann::json& value, std::ostream& out) {
  out << value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace repram::cli
