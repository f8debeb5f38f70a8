#include "gateway/common/hex.h"

namespace isagw {

void AppendHex(std::string& out, std::span<const unsigned char> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out.reserve(out.size() + 2 * bytes.size());
  for (const unsigned char byte : bytes) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0x0f]);
  }
}

std::string HexOf(std::span<const unsigned char> bytes) {
  std::string out;
  AppendHex(out, bytes);
  return out;
}

}  // namespace isagw
