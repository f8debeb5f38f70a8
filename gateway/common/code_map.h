// CodeMap: a fixed two-way table between an enum and the code words a
// format uses for it ("HIGH", "High", "high"). One table per enum per
// format keeps every translation visible in one place.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace isagw {

template <typename E, std::size_t N>
struct CodeMap {
  std::array<std::pair<E, std::string_view>, N> entries;

  constexpr std::optional<std::string_view> Name(E value) const {
    for (const auto& [e, name] : entries) {
      if (e == value) return name;
    }
    return std::nullopt;
  }

  constexpr std::optional<E> Find(std::string_view name) const {
    for (const auto& [e, code] : entries) {
      if (code == name) return e;
    }
    return std::nullopt;
  }
};

template <typename E, typename... Entries>
constexpr auto MakeCodeMap(Entries... entries) {
  return CodeMap<E, sizeof...(Entries)>{{{entries...}}};
}

}  // namespace isagw
