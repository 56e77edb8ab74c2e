#include "sim/scenario.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

namespace repram::sim {
namespace {

using nlohmann::json;

// Rejects keys outside `known`: a typo in a scenario would otherwise silently use a default.
void CheckKeys(const json& obj, const std::set<std::string>& known, const std::string& where) {
  if (!obj.is_object()) throw std::runtime_error(where + " must be an object");
  for (const auto& [key, value] : obj.items()) {
    if (!known.contains(key)) throw std::runtime_error("unknown key " + where + "." + key);
  }
}

Duration Seconds(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

template <typename T>
void Read(const json& obj, const char* key, T& out) {
  if (obj.contains(key)) out = obj.at(key).get<T>();
}

void ReadSeconds(const json& obj, const char* key, Duration& out) {
  if (obj.contains(key)) out = Seconds(obj.at(key).get<double>());
}

void ReadCluster(const json& c, cluster::ClusterConfig& out) {
  CheckKeys(
      c,
      {"replication", "write_timeout_s", "ping_interval_s", "sync_interval_s",
       "isolation_interval_s", "isolation_max_backoff_s", "isolation_threshold", "full_fanout_max"},
      "cluster");
  Read(c, "replication", out.replication);
  ReadSeconds(c, "write_timeout_s", out.write_timeout);
  ReadSeconds(c, "ping_interval_s", out.ping_interval);
  ReadSeconds(c, "sync_interval_s", out.sync_interval);
  ReadSeconds(c, "isolation_interval_s", out.isolation_interval);
  ReadSeconds(c, "isolation_max_backoff_s", out.isolation_max_backoff);
  Read(c, "isolation_threshold", out.isolation_threshold);
  Read(c, "full_fanout_max", out.full_fanout_max);
}

void ReadNetwork(const json& n, NetworkModel& out) {
  CheckKeys(
      n, {"median_ms", "p99_ms", "link_sigma", "loss", "service_us", "timeout_s", "congestion_ms"},
      "network");
  Read(n, "median_ms", out.median_ms);
  Read(n, "p99_ms", out.p99_ms);
  Read(n, "link_sigma", out.link_sigma);
  Read(n, "loss", out.loss);
  Read(n, "service_us", out.service_us);
  Read(n, "timeout_s", out.timeout_s);
  Read(n, "congestion_ms", out.congestion_ms);
  if (out.median_ms <= 0 || out.p99_ms < out.median_ms) {
    throw std::runtime_error("network: need 0 < median_ms <= p99_ms");
  }
  if (out.loss < 0 || out.loss > 1) throw std::runtime_error("network.loss must be in [0, 1]");
}

void ReadWrites(const json& w, Workload& out) {
  CheckKeys(w, {"rate", "start_s", "stop_s", "key_bytes", "value_bytes", "ttl_s", "originators"},
            "writes");
  Read(w, "rate", out.rate);
  Read(w, "start_s", out.start_s);
  Read(w, "stop_s", out.stop_s);
  Read(w, "key_bytes", out.key_bytes);
  Read(w, "value_bytes", out.value_bytes);
  Read(w, "ttl_s", out.ttl_s);
  Read(w, "originators", out.originators);
  out.key_bytes = std::max<size_t>(out.key_bytes, 12);  // room for the unique prefix
}

void ReadTransients(const json& t, TransientModel& out) {
  CheckKeys(t,
            {"count", "substrates", "start_s", "startup_s", "max_children", "nat", "spread_seeds"},
            "transients");
  Read(t, "count", out.count);
  Read(t, "substrates", out.substrates);
  Read(t, "start_s", out.start_s);
  Read(t, "startup_s", out.startup_s);
  Read(t, "max_children", out.max_children);
  Read(t, "nat", out.nat);
  Read(t, "spread_seeds", out.spread_seeds);
}

Event ReadEvent(const json& e) {
  CheckKeys(e, {"at_s", "type", "groups", "count", "target"}, "events[]");
  static const std::map<std::string, Event::Target> kTargets{
      {"mesh", Event::Target::kMesh},
      {"substrate", Event::Target::kSubstrate},
      {"transient", Event::Target::kTransient}};
  static const std::map<std::string, Event::Kind> kKinds{{"partition", Event::Kind::kPartition},
                                                         {"heal", Event::Kind::kHeal},
                                                         {"isolate_all", Event::Kind::kIsolateAll},
                                                         {"crash", Event::Kind::kCrash},
                                                         {"leave", Event::Kind::kLeave},
                                                         {"join", Event::Kind::kJoin},
                                                         {"restart", Event::Kind::kRestart}};
  Event out;
  const std::string type = e.at("type").get<std::string>();
  auto it = kKinds.find(type);
  if (it == kKinds.end()) throw std::runtime_error("unknown event type " + type);
  out.kind = it->second;
  out.at_s = e.at("at_s").get<double>();
  Read(e, "groups", out.groups);
  Read(e, "count", out.count);
  if (e.contains("target")) {
    const std::string target = e.at("target").get<std::string>();
    auto t = kTargets.find(target);
    if (t == kTargets.end()) throw std::runtime_error("unknown event target " + target);
    out.target = t->second;
  }
  if (out.kind == Event::Kind::kPartition && out.groups.size() < 2) {
    throw std::runtime_error("partition needs at least two groups");
  }
  return out;
}

}  // namespace

Scenario ParseScenario(const std::string& json_text) {
  const json doc = json::parse(json_text);
  CheckKeys(doc,
            {"name", "nodes", "roots", "enclaves", "duration_s", "startup_s", "sample_s",
             "recovery", "jitter", "anti_entropy_interval_s", "catchup", "cluster", "network",
             "writes", "transients", "events", "comment"},
            "scenario");
  Scenario s;
  Read(doc, "name", s.name);
  Read(doc, "nodes", s.nodes);
  Read(doc, "roots", s.roots);
  Read(doc, "enclaves", s.enclaves);
  Read(doc, "duration_s", s.duration_s);
  Read(doc, "startup_s", s.startup_s);
  Read(doc, "sample_s", s.sample_s);
  Read(doc, "recovery", s.recovery);
  Read(doc, "jitter", s.jitter);
  Read(doc, "anti_entropy_interval_s", s.anti_entropy_interval_s);
  Read(doc, "catchup", s.catchup);
  if (doc.contains("cluster")) ReadCluster(doc.at("cluster"), s.cluster);
  if (doc.contains("network")) ReadNetwork(doc.at("network"), s.network);
  if (doc.contains("writes")) ReadWrites(doc.at("writes"), s.writes);
  if (doc.contains("transients")) ReadTransients(doc.at("transients"), s.transients);
  if (s.transients.start_s < 0) s.transients.start_s = s.startup_s;
  if (doc.contains("events")) {
    for (const json& e : doc.at("events")) s.events.push_back(ReadEvent(e));
  }
  std::stable_sort(s.events.begin(), s.events.end(),
                   [](const Event& a, const Event& b) { return a.at_s < b.at_s; });
  if (s.nodes == 0 || s.roots == 0 || s.roots > s.nodes || s.enclaves == 0) {
    throw std::runtime_error("need nodes >= roots >= 1 and enclaves >= 1");
  }
  if (s.transients.count > 0 &&
      (s.transients.substrates == 0 || s.transients.substrates > s.nodes)) {
    throw std::runtime_error("transients need 1 <= substrates <= nodes");
  }
  if (s.sample_s <= 0 || s.duration_s <= 0) {
    throw std::runtime_error("duration_s and sample_s must be > 0");
  }
  return s;
}

Scenario LoadScenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  try {
    return ParseScenario(text.str());
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

}  // namespace repram::sim
