// BodyWriter: writes an audit body straight to its bytes, without building
// a JSON document first. Disclosure entries list every field sent and
// withheld; building them as nlohmann::json (a std::map per object) and
// dumping them was a sixth of the pipeline's CPU per message (issue 13).
//
// The bytes are exactly DumpBody's for the same document: compact, and the
// caller gives each object's keys in sorted order (as nlohmann::json's map
// would hold them). Strings that need escaping, or are not plain ASCII, are
// escaped by nlohmann::json itself, so the two can never differ.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace isagw::audit {

class BodyWriter {
 public:
  BodyWriter& BeginObject();
  BodyWriter& EndObject();
  BodyWriter& BeginArray();
  BodyWriter& EndArray();
  BodyWriter& Key(std::string_view key);
  BodyWriter& String(std::string_view value);
  BodyWriter& Integer(std::int64_t value);
  // Key and value together, the common case.
  BodyWriter& Member(std::string_view key, std::string_view value) {
    return Key(key).String(value);
  }
  BodyWriter& Member(std::string_view key, std::int64_t value) { return Key(key).Integer(value); }

  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();
  void AppendString(std::string_view text);

  std::string out_;
  // Per open container: whether it has an element yet.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

}  // namespace isagw::audit
