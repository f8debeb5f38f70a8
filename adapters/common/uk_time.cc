#include "adapters/common/uk_time.h"

#include <date/tz.h>

namespace isagw::adapters {
namespace {

const date::time_zone* London() {
  // locate_zone caches the zone inside the library; the pointer is stable.
  static const date::time_zone* zone = date::locate_zone("Europe/London");
  return zone;
}

}  // namespace

Result<model::Timestamp, LocalTimeError> UkLocalToUtc(LocalTime local) {
  const date::local_seconds as_date{local.time_since_epoch()};
  const date::local_info info = London()->get_info(as_date);
  switch (info.result) {
    case date::local_info::unique:
      return model::Timestamp{(as_date - info.first.offset).time_since_epoch()};
    case date::local_info::ambiguous:
      // The earlier instant is the one under the first (summer) offset.
      return model::Timestamp{(as_date - info.first.offset).time_since_epoch()};
    case date::local_info::nonexistent:
      break;
  }
  return Fail(LocalTimeError::kNonexistent);
}

LocalTime UtcToUkLocal(model::Timestamp utc) {
  const date::sys_seconds as_date{utc.time_since_epoch()};
  const date::sys_info info = London()->get_info(as_date);
  return LocalTime{(as_date + info.offset).time_since_epoch()};
}

}  // namespace isagw::adapters
