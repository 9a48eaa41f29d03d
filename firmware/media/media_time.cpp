#include "firmware/media/media_time.hpp"

#include <cstdio>

namespace bodycam::firmware::media {

namespace {
__extension__ using wide = __int128;  // __extension__: -Wpedantic knows no __int128

// floor(a / b) for b > 0.
wide floor_div(wide a, wide b) noexcept {
  wide q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}

// t expressed as an exact fraction numerator over denominator (ticks * num / den).
struct fraction {
  wide numerator;
  wide denominator;
};
fraction as_fraction(const media_time& t) noexcept {
  return fraction{static_cast<wide>(t.ticks) * t.base.num, static_cast<wide>(t.base.den)};
}
}  // namespace

std::string to_string(track_kind kind) { return kind == track_kind::video ? "video" : "audio"; }

std::chrono::microseconds media_time::to_chrono() const noexcept {
  const fraction f = as_fraction(*this);
  return std::chrono::microseconds(static_cast<std::int64_t>(floor_div(f.numerator * 1'000'000, f.denominator)));
}

media_time media_time::rescaled(timebase target) const noexcept {
  const fraction f = as_fraction(*this);
  // ticks' = ticks * num / den * target.den / target.num
  return media_time{static_cast<std::int64_t>(floor_div(f.numerator * target.den, f.denominator * target.num)), target};
}

std::strong_ordering operator<=>(const media_time& a, const media_time& b) noexcept {
  const fraction fa = as_fraction(a), fb = as_fraction(b);
  return fa.numerator * fb.denominator <=> fb.numerator * fa.denominator;
}

bool elapsed_at_least(const media_time& from, const media_time& to, std::chrono::microseconds span) noexcept {
  const fraction f = as_fraction(from), t = as_fraction(to);
  // (t.n/t.d - f.n/f.d) >= span/1e6  <=>  (t.n*f.d - f.n*t.d) * 1e6 >= span * t.d * f.d
  const wide lhs = (t.numerator * f.denominator - f.numerator * t.denominator) * 1'000'000;
  const wide rhs = static_cast<wide>(span.count()) * t.denominator * f.denominator;
  return lhs >= rhs;
}

std::chrono::microseconds elapsed(const media_time& from, const media_time& to) noexcept {
  const fraction f = as_fraction(from), t = as_fraction(to);
  const wide num = (t.numerator * f.denominator - f.numerator * t.denominator) * 1'000'000;
  return std::chrono::microseconds(static_cast<std::int64_t>(floor_div(num, t.denominator * f.denominator)));
}

std::int64_t ticks_between(const media_time& from, const media_time& to, timebase base) noexcept {
  const fraction f = as_fraction(from), t = as_fraction(to);
  // (t - f) / (base.num / base.den) = (t.n*f.d - f.n*t.d) * base.den / (t.d * f.d * base.num)
  const wide num = (t.numerator * f.denominator - f.numerator * t.denominator) * base.den;
  const wide den = t.denominator * f.denominator * base.num;
  const wide twice = floor_div(2 * num + den, 2 * den);  // floor(x + 1/2)
  if (num >= 0) return static_cast<std::int64_t>(twice);
  return -static_cast<std::int64_t>(floor_div(-2 * num + den, 2 * den));
}

std::string to_string(const media_time& t) {
  const auto us = t.to_chrono().count();
  char text[48];
  const char* sign = us < 0 ? "-" : "";
  const long long magnitude = us < 0 ? -static_cast<long long>(us) : static_cast<long long>(us);
  std::snprintf(text, sizeof text, "%s%lld.%06lld s", sign, magnitude / 1'000'000, magnitude % 1'000'000);
  return text;
}

}  // namespace bodycam::firmware::media
