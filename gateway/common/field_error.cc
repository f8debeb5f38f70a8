#include "gateway/common/field_error.h"

namespace isagw {

std::string JoinPointer(const std::string& base, const std::string& token) {
  std::string out = base;
  out.reserve(base.size() + token.size() + 1);
  out.push_back('/');
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace isagw
