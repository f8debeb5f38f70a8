// Collects the errors of a batch's records under each record's place
// ("/3" + "/NHSNumber"), up to a cap: a batch of 10,000 bad rows would
// otherwise answer with a problem document of hundreds of megabytes.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "gateway/common/field_error.h"

namespace isagw::adapters::compact {

class BatchErrors {
 public:
  explicit BatchErrors(std::size_t max_errors) : max_errors_(max_errors) {}

  // Adds `errors` of the record at `place`; false once the cap is reached
  // (the caller stops reading).
  bool Add(std::size_t place, const FieldErrors& errors) {
    for (const FieldError& e : errors) {
      if (!Add({"/" + std::to_string(place) + e.pointer, e.code, e.reason})) return false;
    }
    return true;
  }

  bool Add(FieldError error) {
    if (full_) return false;
    if (errors_.size() == max_errors_) {
      errors_.push_back({"", "too_many_errors",
                         "more than " + std::to_string(max_errors_) +
                             " errors; the rest of the batch was not checked"});
      full_ = true;
      return false;
    }
    errors_.push_back(std::move(error));
    return true;
  }

  bool empty() const { return errors_.empty(); }
  FieldErrors Take() { return std::move(errors_); }

 private:
  std::size_t max_errors_;
  bool full_ = false;
  FieldErrors errors_;
};

// Prefixes a record's dropped-field pointers with its place in the batch.
inline void PlaceDroppedFields(std::size_t place, std::vector<std::string>& dropped) {
  for (std::string& pointer : dropped) pointer = "/" + std::to_string(place) + pointer;
}

}  // namespace isagw::adapters::compact
