#include "gateway/common/strict_json.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gateway/common/utf8.h"

namespace isagw {
namespace {

// Raised inside the parser callback to stop parsing; never escapes this file.
struct Refusal {
  FieldError error;
};

// Tracks where the parser is, so refusals can name a JSON Pointer.
class PointerTracker {
 public:
  bool OnEvent(int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed,
               int max_depth) {
    using Event = nlohmann::json::parse_event_t;
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        if (depth >= max_depth) {
          throw Refusal{{Pointer(), "too_deep",
                         "nesting is deeper than " + std::to_string(max_depth) + " levels"}};
        }
        frames_.push_back(Frame{event == Event::array_start, 0, {}, {}});
        break;
      case Event::key:
        frames_.back().key = parsed.get<std::string>();
        frames_.back().keys.push_back(frames_.back().key);
        if (HasControlCharacter(frames_.back().key)) {
          throw Refusal{{Pointer(), "control_character", "a key holds a control character"}};
        }
        break;
      case Event::object_end: {
        Frame& frame = frames_.back();
        if (frame.keys.size() != parsed.size()) {
          std::sort(frame.keys.begin(), frame.keys.end());
          auto dup = std::adjacent_find(frame.keys.begin(), frame.keys.end());
          frame.key = dup == frame.keys.end() ? std::string() : *dup;
          throw Refusal{{Pointer(), "duplicate_key", "the key appears more than once"}};
        }
        frames_.pop_back();
        CountElement();
        break;
      }
      case Event::array_end:
        frames_.pop_back();
        CountElement();
        break;
      case Event::value:
        if (parsed.is_string() && HasControlCharacter(parsed.get_ref<const std::string&>())) {
          throw Refusal{{Pointer(), "control_character",
                         "holds a control character (only tab, line feed and carriage return "
                         "are allowed)"}};
        }
        CountElement();
        break;
    }
    return true;
  }

  std::string Pointer() const {
    std::string out;
    for (const Frame& f : frames_) {
      out = JoinPointer(out, f.is_array ? std::to_string(f.index) : f.key);
    }
    return out;
  }

 private:
  struct Frame {
    bool is_array;
    std::size_t index;
    std::string key;
    std::vector<std::string> keys;
  };

  void CountElement() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
  }

  std::vector<Frame> frames_;
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
  PointerTracker tracker;
  try {
    const int max_depth = limits.max_depth;
    nlohmann::json::parser_callback_t callback = [&tracker, max_depth](
                                                     int depth, nlohmann::json::parse_event_t event,
                                                     nlohmann::json& parsed) {
      return tracker.OnEvent(depth, event, parsed, max_depth);
    };
    return nlohmann::json::parse(text.begin(), text.end(), callback,
                                 /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const Refusal& refusal) {
    return Fail(FieldErrors{refusal.error});
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() can quote input text; report only the byte position.
    return Fail(FieldErrors{
        {tracker.Pointer(), "syntax", "not valid JSON near byte " + std::to_string(e.byte)}});
  } catch (const nlohmann::json::out_of_range&) {
    // A number beyond a double ("1e999999"): the parser throws this, not a
    // parse_error, and it must not escape a request (found by fuzzing).
    return Fail(FieldErrors{
        {tracker.Pointer(), "number_range", "a number is too large to be represented"}});
  }
}

}  // namespace isagw
