#include "gateway/common/strict_json.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/common/utf8.h"

namespace isagw {
namespace {

using nlohmann::json;

// Builds the document from nlohmann_json's SAX events, refusing what the
// gateway's rules refuse as soon as the event that breaks them arrives.
// A SAX handler of our own rather than the parser's callback: the callback
// parser keeps a stack of its own beside ours and calls through a
// std::function for every event, and it cannot see a duplicate key until
// the object ends.
class StrictBuilder {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  explicit StrictBuilder(int max_depth) : max_depth_(max_depth) {}

  bool null() { return Value(json(nullptr)); }
  bool boolean(bool value) { return Value(json(value)); }
  bool number_integer(number_integer_t value) { return Value(json(value)); }
  bool number_unsigned(number_unsigned_t value) { return Value(json(value)); }
  bool number_float(number_float_t value, const string_t& /*text*/) { return Value(json(value)); }
  bool binary(binary_t& /*value*/) { return Refuse("syntax", "not valid JSON"); }  // JSON has none

  bool string(string_t& value) {
    if (HasControlCharacter(value)) {
      return Refuse("control_character",
                    "holds a control character (only tab, line feed and carriage return are "
                    "allowed)");
    }
    return Value(json(value));
  }

  bool start_object(std::size_t /*elements*/) { return Open(json::object(), false); }
  bool start_array(std::size_t /*elements*/) { return Open(json::array(), true); }

  bool key(string_t& key) {
    Frame& frame = frames_.back();
    frame.key = key;
    if (HasControlCharacter(key)) {
      return Refuse("control_character", "a key holds a control character");
    }
    if (frame.node->contains(key)) {
      return Refuse("duplicate_key", "the key appears more than once");
    }
    return true;
  }

  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool parse_error(std::size_t position, const std::string& /*token*/,
                   const nlohmann::detail::exception& error) {
    // The exception's text can quote input: only codes and positions here.
    // 406: a number beyond a double ("1e999999"), found by fuzzing.
    if (error.id == 406) {
      return Refuse("number_range", "a number is too large to be represented");
    }
    return Refuse("syntax", "not valid JSON near byte " + std::to_string(position));
  }

  json TakeDocument() { return std::move(root_); }
  std::optional<FieldError>& refusal() { return refusal_; }

 private:
  struct Frame {
    json* node;
    bool is_array;
    std::size_t index;  // arrays: the element being read
    std::string key;    // objects: the member being read
  };

  // Puts `value` where the parser is: the root, the next element of the
  // open array, or the open object's member.
  json* Place(json&& value) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Frame& frame = frames_.back();
    if (frame.is_array) {
      frame.node->push_back(std::move(value));
      return &frame.node->back();
    }
    return &frame.node->get_ref<json::object_t&>()
                .emplace(frame.key, std::move(value))
                .first->second;
  }

  bool Value(json&& value) {
    Place(std::move(value));
    CountElement();
    return true;
  }

  // A container's own node stays put while it is open: nothing is added
  // to its parent until it closes.
  bool Open(json&& container, bool is_array) {
    if (static_cast<int>(frames_.size()) >= max_depth_) {
      return Refuse("too_deep", "nesting is deeper than " + std::to_string(max_depth_) + " levels");
    }
    json* node = Place(std::move(container));
    frames_.push_back(Frame{node, is_array, 0, {}});
    return true;
  }

  bool Close() {
    frames_.pop_back();
    CountElement();
    return true;
  }

  void CountElement() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
  }

  [[nodiscard]] std::string Pointer() const {
    std::string out;
    for (const Frame& f : frames_) {
      out = JoinPointer(out, f.is_array ? std::to_string(f.index) : f.key);
    }
    return out;
  }

  bool Refuse(const char* code, std::string reason) {
    refusal_ = FieldError{Pointer(), code, std::move(reason)};
    return false;  // stops the parser
  }

  int max_depth_;
  json root_;
  std::vector<Frame> frames_;
  std::optional<FieldError> refusal_;
};

}  // namespace

Result<nlohmann::json, FieldErrors> ParseStrictJson(std::string_view text,
                                                    const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Fail(FieldErrors{
        {"", "too_large",
         "the document is larger than " + std::to_string(limits.max_bytes) + " bytes"}});
  }
  if (auto bad = FindInvalidUtf8(text)) {
    return Fail(FieldErrors{{"", "invalid_utf8", "invalid UTF-8 at byte " + std::to_string(*bad)}});
  }
  StrictBuilder builder(limits.max_depth);
  const bool parsed =
      json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json,
                      /*strict=*/true, /*ignore_comments=*/false);
  if (!parsed) {
    if (builder.refusal()) return Fail(FieldErrors{std::move(*builder.refusal())});
    // Not reached: the parser stops only through one of the refusals.
    return Fail(FieldErrors{{"", "syntax", "not valid JSON"}});
  }
  return builder.TakeDocument();
}

}  // namespace isagw
