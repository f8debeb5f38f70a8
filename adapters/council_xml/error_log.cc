#include "adapters/council_xml/error_log.h"

#include <algorithm>
#include <utility>

namespace isagw::adapters::council_xml {

bool ErrorLog::Has(const std::string& pointer) const {
  return std::any_of(errors_.begin(), errors_.end(),
                     [&](const FieldError& e) { return e.pointer == pointer; });
}

void ErrorLog::Add(std::string pointer, std::string code, std::string reason) {
  if (Has(pointer)) return;
  errors_.push_back({std::move(pointer), std::move(code), std::move(reason)});
}

void ErrorLog::AddUnlessCovered(std::string pointer, std::string code, std::string reason) {
  const std::string inside = pointer + "/";
  const bool covered = std::any_of(errors_.begin(), errors_.end(), [&](const FieldError& e) {
    return e.pointer == pointer || e.pointer.compare(0, inside.size(), inside) == 0;
  });
  if (!covered) errors_.push_back({std::move(pointer), std::move(code), std::move(reason)});
}

}  // namespace isagw::adapters::council_xml
