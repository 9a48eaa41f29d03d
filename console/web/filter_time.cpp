// Reading a filter's time (filter_time.hpp).
#include "console/web/filter_time.hpp"

#include <charconv>
#include <chrono>

namespace bodycam::console::web {

namespace record = common::record;

std::optional<record::utc_time> parse_filter_time(std::string_view text) {
  const auto number = [&](std::size_t at, std::size_t n) -> std::optional<int> {
    if (at + n > text.size()) return std::nullopt;
    int v = 0;
    const auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + n, v);
    if (ec != std::errc() || end != text.data() + at + n) return std::nullopt;
    return v;
  };
  if (!text.empty() && text.back() == 'Z') text.remove_suffix(1);
  const auto y = number(0, 4), mo = number(5, 2), d = number(8, 2);
  if (!y || !mo || !d || text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(*y), std::chrono::month(static_cast<unsigned>(*mo)),
                                        std::chrono::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  std::chrono::seconds time_of_day{0};
  if (text.size() > 10) {
    const auto h = number(11, 2), mi = number(14, 2);
    if ((text[10] != 'T' && text[10] != ' ') || !h || !mi || text[13] != ':' || *h > 23 || *mi > 59)
      return std::nullopt;
    time_of_day = std::chrono::hours(*h) + std::chrono::minutes(*mi);
    if (text.size() > 16) {
      const auto s = number(17, 2);
      if (text[16] != ':' || !s || *s > 59 || text.size() != 19) return std::nullopt;
      time_of_day += std::chrono::seconds(*s);
    } else if (text.size() != 16) {
      return std::nullopt;
    }
  }
  return record::utc_time(std::chrono::sys_days(ymd)) + time_of_day;
}

}  // namespace bodycam::console::web
