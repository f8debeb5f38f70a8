#include "gateway/safeguarding/rules.h"

#include <utility>

namespace isagw::safeguarding {

RuleSet::RuleSet(std::vector<AreaRules> rules, std::string hash)
    : rules_(std::move(rules)), hash_(std::move(hash)) {
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    // The loader refuses an area named twice; were one to slip through,
    // the first file (in name order) would keep it.
    for (const std::string& area : rules_[i].areas) by_area_.emplace(area, i);
  }
}

const AreaRules* RuleSet::ForArea(const std::string& host_la) const {
  auto it = by_area_.find(host_la);
  return it == by_area_.end() ? nullptr : &rules_[it->second];
}

}  // namespace isagw::safeguarding
