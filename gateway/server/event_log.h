// EventLog: the server's structured log, one JSON object per line
// ({"ts":..., "level":..., "event":..., ...fields}). Fields describe what
// happened to a connection or the process: reasons, counts, remote
// addresses, certificate serials and fingerprints. Never request content
// or anything else that could be personal data.
#pragma once

#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string_view>

namespace isagw::server {

class EventLog {
 public:
  using Sink = std::function<void(std::string_view line)>;
  // Without a sink, lines go to standard error.
  explicit EventLog(Sink sink);

  void Info(std::string_view event, nlohmann::json fields = nlohmann::json::object());
  void Warn(std::string_view event, nlohmann::json fields = nlohmann::json::object());
  void Error(std::string_view event, nlohmann::json fields = nlohmann::json::object());

 private:
  void Write(std::string_view level, std::string_view event, nlohmann::json fields);

  Sink sink_;
  std::mutex mutex_;  // one line at a time, never interleaved
};

}  // namespace isagw::server
