#include "gateway/audit/body_writer.h"

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "gateway/common/utf8.h"

namespace isagw::audit {
namespace {

// What a byte asks of the writer: nothing, an escape (kEscape: '"', '\\'
// and the controls below U+0020), or a look at the UTF-8 around it
// (kNotAscii). One table lookup a byte, and no branch, in the scan every
// string gets.
constexpr std::uint8_t kEscape = 1;
constexpr std::uint8_t kNotAscii = 2;
constexpr std::array<std::uint8_t, 256> kByteNeeds = [] {
  std::array<std::uint8_t, 256> needs{};
  for (std::size_t byte = 0; byte < 0x20; ++byte) needs[byte] = kEscape;
  needs['"'] = kEscape;
  needs['\\'] = kEscape;
  for (std::size_t byte = 0x80; byte < 0x100; ++byte) needs[byte] = kNotAscii;
  return needs;
}();

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
  std::uint8_t needs = 0;
  for (const char c : text) needs |= kByteNeeds[static_cast<unsigned char>(c)];
  if ((needs & kNotAscii) != 0 && FindInvalidUtf8(text)) {
    // Invalid UTF-8 becomes U+FFFD exactly as DumpBody makes it: rare
    // enough (the formats refuse it at the door) to leave to it.
    out_ += nlohmann::json(std::string(text))
                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  if ((needs & kEscape) == 0) {
    out_ += '"';
    out_ += text;
    out_ += '"';
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
