#include "gateway/audit/body_writer.h"

#include <nlohmann/json.hpp>

#include "gateway/common/utf8.h"

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
  if (FindInvalidUtf8(text)) {
    // Invalid UTF-8 becomes U+FFFD exactly as DumpBody makes it: rare
    // enough (the formats refuse it at the door) to leave to it.
    out_ += nlohmann::json(std::string(text))
                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  // Valid UTF-8 escaped as nlohmann_json's dump escapes it with
  // ensure_ascii off (the bytes DumpBody gives, which the chain hashes):
  // '"', '\\' and the controls below U+0020; everything else as it is.
  static constexpr char kHex[] = "0123456789abcdef";
  out_ += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
    out_.append(text.substr(run, i - run));
    run = i + 1;
    switch (byte) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\b':
        out_ += "\\b";
        break;
      case '\f':
        out_ += "\\f";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        out_ += "\\u00";
        out_ += kHex[byte >> 4];
        out_ += kHex[byte & 0xf];
        break;
    }
  }
  out_.append(text.substr(run));
  out_ += '"';
}

}  // namespace isagw::audit
