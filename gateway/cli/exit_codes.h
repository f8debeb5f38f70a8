// The exit status `isagw translate`, `isagw policy ...` and `isagw serve`
// end with when they refuse their input (a message, a policy, a
// configuration), shared so that the three say it alike.
#pragma once

namespace isagw::cli {

inline constexpr int kExitRefused = 2;

}  // namespace isagw::cli
