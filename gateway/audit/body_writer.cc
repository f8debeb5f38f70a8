#include "gateway/audit/body_writer.h"

#include <nlohmann/json.hpp>

namespace isagw::audit {
namespace {

// Printable ASCII other than '"' and '\\': written as it is.
bool IsPlain(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace

void BodyWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_element_.empty()) {
    if (has_element_.back()) out_ += ',';
    has_element_.back() = true;
  }
}

BodyWriter& BodyWriter::BeginObject() {
  BeforeValue();
  out_ += '{';
  has_element_.push_back(false);
  return *this;
}

BodyWriter& BodyWriter::EndObject() {
  out_ += '}';
  has_element_.pop_back();
  return *this;
}

BodyWriter& BodyWriter::BeginArray() {
  BeforeValue();
  out_ += '[';
  has_element_.push_back(false);
  return *this;
}

BodyWriter& BodyWriter::EndArray() {
  out_ += ']';
  has_element_.pop_back();
  return *this;
}

BodyWriter& BodyWriter::Key(std::string_view key) {
  BeforeValue();
  AppendString(key);
  out_ += ':';
  after_key_ = true;
  return *this;
}

BodyWriter& BodyWriter::String(std::string_view value) {
  BeforeValue();
  AppendString(value);
  return *this;
}

BodyWriter& BodyWriter::Integer(std::int64_t value) {
  BeforeValue();
  out_ += std::to_string(value);
  return *this;
}

void BodyWriter::AppendString(std::string_view text) {
  if (IsPlain(text)) {
    out_ += '"';
    out_ += text;
    out_ += '"';
    return;
  }
  // Escapes, non-ASCII and invalid UTF-8 exactly as DumpBody does.
  out_ += nlohmann::json(std::string(text))
              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace isagw::audit
