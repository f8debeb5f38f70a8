#include "gateway/server/event_log.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace isagw::server {

namespace {

// RFC 3339 UTC with milliseconds: log lines need finer time than messages.
std::string Now() {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return buffer;
}

}  // namespace

EventLog::EventLog(Sink sink) : sink_(std::move(sink)) {}

void EventLog::Info(std::string_view event, nlohmann::json fields) {
  Write("info", event, std::move(fields));
}
void EventLog::Warn(std::string_view event, nlohmann::json fields) {
  Write("warn", event, std::move(fields));
}
void EventLog::Error(std::string_view event, nlohmann::json fields) {
  Write("error", event, std::move(fields));
}

void EventLog::Write(std::string_view level, std::string_view event, nlohmann::json fields) {
  nlohmann::json line = {{"ts", Now()}, {"level", level}, {"event", event}};
  if (fields.is_object()) line.update(fields);
  // Replace rather than throw on invalid UTF-8: a log line must never fail.
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(mutex_);
  if (sink_) {
    sink_(text);
  } else {
    std::fprintf(stderr, "%s\n", text.c_str());
  }
}

}  // namespace isagw::server
