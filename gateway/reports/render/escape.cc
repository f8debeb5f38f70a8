#include "gateway/reports/render/escape.h"

#include <vector>

namespace isagw::reports {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes the code point at `pos` and advances past it; an invalid
// sequence (RFC 3629: overlong, surrogate, above U+10FFFF, truncated)
// yields U+FFFD and advances one byte.
char32_t DecodeNext(std::string_view text, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  std::size_t length = 0;
  char32_t code = 0;
  char32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, code = lead & 0x1F, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, code = lead & 0x0F, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, code = lead & 0x07, min = 0x10000;
  } else {
    ++pos;
    return kReplacement;
  }
  if (text.size() - pos < length) {
    ++pos;
    return kReplacement;
  }
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char next = byte(pos + i);
    if ((next & 0xC0) != 0x80) {
      ++pos;
      return kReplacement;
    }
    code = (code << 6) | (next & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    ++pos;
    return kReplacement;
  }
  pos += length;
  return code;
}

// XML 1.0 Char production, less nothing: what a parser accepts.
bool AllowedInXml(char32_t c) {
  if (c < 0x20) return c == '\t' || c == '\n' || c == '\r';
  return c != 0xFFFE && c != 0xFFFF;
}

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::vector<char32_t> Decode(std::string_view text) {
  std::vector<char32_t> codes;
  codes.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t c = DecodeNext(text, pos);
    codes.push_back(AllowedInXml(c) ? c : kReplacement);
  }
  return codes;
}

}  // namespace

std::string EscapeMarkup(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t c = DecodeNext(text, pos);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        AppendUtf8(out, AllowedInXml(c) ? c : kReplacement);
    }
  }
  return out;
}

std::string Abbreviate(std::string_view text, std::size_t max_chars) {
  const std::vector<char32_t> codes = Decode(text);
  std::string out;
  if (codes.size() <= max_chars) {
    for (char32_t c : codes) AppendUtf8(out, c);
    return out;
  }
  if (max_chars == 0) return out;
  std::size_t kept = max_chars - 1;
  while (kept > 0 && codes[kept - 1] == ' ') --kept;  // "Bus station …" reads as a gap
  for (std::size_t i = 0; i < kept; ++i) AppendUtf8(out, codes[i]);
  AppendUtf8(out, 0x2026);  // …
  return out;
}

}  // namespace isagw::reports
