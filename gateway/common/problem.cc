#include "gateway/common/problem.h"

#include <nlohmann/json.hpp>

namespace isagw {

nlohmann::json Problem::ToJson() const {
  nlohmann::json out = {{"type", type}, {"title", title}, {"status", status}};
  if (!detail.empty()) out["detail"] = detail;
  if (!errors.empty()) {
    auto& list = out["errors"] = nlohmann::json::array();
    for (const auto& e : errors) {
      list.push_back({{"pointer", e.pointer}, {"code", e.code}, {"reason", e.reason}});
    }
  }
  return out;
}

std::string Problem::ToJsonText() const { return ToJson().dump(); }

Problem InvalidMessage(FieldErrors errors) {
  Problem p;
  p.type = problem_type::kInvalidMessage;
  p.title = "The message failed validation";
  p.status = 400;
  p.detail = std::to_string(errors.size()) +
             (errors.size() == 1 ? " field was refused" : " fields were refused");
  p.errors = std::move(errors);
  return p;
}

}  // namespace isagw
