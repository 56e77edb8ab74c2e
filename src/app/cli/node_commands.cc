#include "app/cli/node_commands.h"

#include <string>

#include "util/strings.h"

namespace repram::cli {
namespace {

namespace bhttp = boost::beast::http;

// Scalars print bare (strings without quotes), everything else as compact JSON.
std::string Scalar(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>()
                       : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Prints every field of `object` as "prefix.name: value", descending into nested objects.
void PrintFields(const nlohmann::json& object, const std::string& prefix, std::ostream& out) {
  for (const auto& [name, value] : object.items()) {
    std::string path = prefix;
    if (!path.empty()) path += '.';
    path += name;
    if (value.is_object()) {
      PrintFields(value, path, out);
    } else {
      out << path << ": " << Scalar(value) << "\n";
    }
  }
}

// GETs a JSON object route; on success stores it in `body` and returns kExitOk.
int FetchObject(NodeClient& client, const std::string& target, std::string_view what,
                std::ostream& err, nlohmann::json& body) {
  const auto r = client.Call(bhttp::verb::get, target);
  if (r.ec || r.status != 200) return ReportFailure(r, what, client.url(), err);
  body = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) {
    err << "repram: " << what << ": unexpected answer from " << client.url() << "\n";
    return kExitFailed;
  }
  return kExitOk;
}

std::string Field(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  return it == object.end() ? "-" : Scalar(*it);
}

}  // namespace

int RunStatus(NodeClient& client, bool json, Streams io) {
  nlohmann::json body;
  if (int rc = FetchObject(client, "/v1/status", "status", io.err, body); rc != kExitOk) return rc;
  if (json) {
    PrintJson(body, io.out);
  } else {
    PrintFields(body, "", io.out);
  }
  return kExitOk;
}

int RunTopology(NodeClient& client, bool json, Streams io) {
  nlohmann::json body;
  if (int rc = FetchObject(client, "/v1/topology", "topology", io.err, body); rc != kExitOk) {
    return rc;
  }
  if (json) {
    PrintJson(body, io.out);
    return kExitOk;
  }
  for (const char* name : {"node_id", "role", "enclave", "parent_id"}) {
    if (body.contains(name)) io.out << name << ": " << Scalar(body[name]) << "\n";
  }
  const auto peers = body.value("peers", nlohmann::json::array());
  io.out << "peers: " << peers.size() << "\n";
  for (const auto& p : peers) {
    io.out << "  " << Field(p, "id") << "  " << Field(p, "address") << ":" << Field(p, "http_port")
           << "  " << Field(p, "enclave") << "\n";
  }
  const auto children = body.value("children", nlohmann::json::array());
  io.out << "children: " << children.size() << "\n";
  for (const auto& c : children)
    io.out << "  " << Field(c, "id") << "  " << Field(c, "enclave") << "\n";
  return kExitOk;
}

int RunHealth(NodeClient& client, bool json, Streams io) {
  const auto r = client.Call(bhttp::verb::get, "/v1/health");
  if (r.ec || r.status != 200) {
    ReportFailure(r, "health", client.url(), io.err);
    return kExitFailed;  // a 404 here is a wrong URL, not a missing key
  }
  const auto body = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("status") || body["status"] != "healthy") {
    io.err << "repram: health: node is not healthy: " << TrimSpace(r.body) << "\n";
    return kExitFailed;
  }
  if (json) {
    PrintJson(body, io.out);
  } else {
    io.out << "healthy " << Field(body, "node_id") << "\n";
  }
  return kExitOk;
}

}  // namespace repram::cli
