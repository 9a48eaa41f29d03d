// The wire form of each field type (internal to common/record; the layout is in docs/formats/chain.md §3):
//   integers      big-endian, fixed width (uN / i64)
//   bool          u8, 0 or 1 (anything else is malformed)
//   enum          u8 code (record_kind: u16); unknown codes are malformed
//   string        u16 length + bytes, at most max_string_bytes
//   digest/key/sig/session id   raw fixed-size bytes (32/32/64/16)
//   duration      i64 in the unit its field name says (_ms, _ns, _minutes)
//   utc time      i64 nanoseconds since 1970-01-01T00:00:00Z
//   list          u32 count (at most max_list_items) + each element's fields in order
//   optional      only as a payload's last field: absent = no bytes at all, present = the value's fields; a
//                 decoder reads it when payload bytes remain (so records written before the field decode unchanged)
#pragma once

#include "common/core/bytes.hpp"
#include "common/record/payloads.hpp"

#include <optional>
#include <string>
#include <type_traits>

namespace bodycam::common::record::detail {

inline constexpr std::size_t max_string_bytes = 4096;
inline constexpr std::size_t max_list_items = 4096;

template <class T>
concept has_fields = requires(T& t) { T::fields(t, [](std::string_view, auto&) {}); };

template <class T>
struct is_duration : std::false_type {};
template <class R, class P>
struct is_duration<std::chrono::duration<R, P>> : std::true_type {};

template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
void encode_value(core::byte_writer& w, const T& v) {
  if constexpr (is_optional<T>::value) {
    if (v) encode_value(w, *v);
  } else if constexpr (std::is_same_v<T, bool>) {
    w.put_u8(v ? 1 : 0);
  } else if constexpr (std::is_same_v<T, record_kind>) {
    w.put_u16(static_cast<std::uint16_t>(v));
  } else if constexpr (std::is_enum_v<T>) {
    w.put_u8(static_cast<std::uint8_t>(v));
  } else if constexpr (std::is_same_v<T, std::uint8_t>) {
    w.put_u8(v);
  } else if constexpr (std::is_same_v<T, std::uint16_t>) {
    w.put_u16(v);
  } else if constexpr (std::is_same_v<T, std::uint32_t>) {
    w.put_u32(v);
  } else if constexpr (std::is_same_v<T, std::uint64_t>) {
    w.put_u64(v);
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    w.put_i64(v);
  } else if constexpr (std::is_same_v<T, std::string>) {
    w.put_string16(v);
  } else if constexpr (std::is_same_v<T, device_id>) {
    w.put_string16(v.str());
  } else if constexpr (std::is_same_v<T, crypto::sha256_digest> || std::is_same_v<T, crypto::public_key> ||
                       std::is_same_v<T, crypto::signature> || std::is_same_v<T, session_id>) {
    w.put_raw(core::byte_view(v.bytes));
  } else if constexpr (is_duration<T>::value) {
    w.put_i64(static_cast<std::int64_t>(v.count()));
  } else if constexpr (std::is_same_v<T, utc_time>) {
    w.put_i64(static_cast<std::int64_t>(v.time_since_epoch().count()));
  } else if constexpr (is_vector<T>::value) {
    w.put_u32(static_cast<std::uint32_t>(v.size()));
    for (const auto& item : v) encode_value(w, item);
  } else {
    static_assert(has_fields<T>, "no wire form for this field type");
    T::fields(v, [&](std::string_view, const auto& field) { encode_value(w, field); });
  }
}

// Decodes fields in order, keeping the first error; `path` names the field in errors ("segment.tracks[1].first_pts").
class field_decoder {
 public:
  explicit field_decoder(core::byte_reader& r) : r_(r) {}

  template <class T>
  void operator()(std::string_view name, T& v) {
    if (error_) return;
    const std::size_t mark = path_.size();
    if (!path_.empty()) path_ += '.';
    path_ += name;
    decode_value(v);
    if (!error_) path_.resize(mark);
  }

  [[nodiscard]] bool failed() const noexcept { return error_.has_value(); }
  [[nodiscard]] const core::error& error() const { return *error_; }
  void set_path(std::string path) { path_ = std::move(path); }

 private:
  template <class T>
  void store(core::expected<T> got, auto& out) {
    if (!got) {
      error_ = got.error();
      return;
    }
    out = *got;
  }

  void bad(std::string what) { error_ = core::error{core::errc::malformed, "field " + path_ + ": " + what}; }

  template <class T>
  void decode_value(T& v) {
    if constexpr (is_optional<T>::value) {
      v.reset();
      if (r_.at_end()) return;
      decode_value(v.emplace());
    } else if constexpr (std::is_same_v<T, bool>) {
      std::uint8_t b = 0;
      store(r_.get_u8(path_), b);
      if (!error_ && b > 1) bad("boolean must be 0 or 1, got " + std::to_string(b));
      v = b == 1;
    } else if constexpr (std::is_same_v<T, record_kind>) {
      std::uint16_t code = 0;
      store(r_.get_u16(path_), code);
      v = static_cast<T>(code);
      if (!error_ && !is_valid(v)) bad("unknown record kind " + std::to_string(code));
    } else if constexpr (std::is_enum_v<T>) {
      std::uint8_t code = 0;
      store(r_.get_u8(path_), code);
      v = static_cast<T>(code);
      if (!error_ && !is_valid(v)) bad("unknown code " + std::to_string(code));
    } else if constexpr (std::is_same_v<T, std::uint8_t>) {
      store(r_.get_u8(path_), v);
    } else if constexpr (std::is_same_v<T, std::uint16_t>) {
      store(r_.get_u16(path_), v);
    } else if constexpr (std::is_same_v<T, std::uint32_t>) {
      store(r_.get_u32(path_), v);
    } else if constexpr (std::is_same_v<T, std::uint64_t>) {
      store(r_.get_u64(path_), v);
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      store(r_.get_i64(path_), v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      store(r_.get_string16(path_, max_string_bytes), v);
    } else if constexpr (std::is_same_v<T, device_id>) {
      std::string text;
      store(r_.get_string16(path_, device_id::max_length), text);
      if (error_) return;
      auto parsed = device_id::parse(text);
      if (!parsed) return bad(parsed.error().context);
      v = *parsed;
    } else if constexpr (std::is_same_v<T, crypto::sha256_digest> || std::is_same_v<T, crypto::public_key> ||
                         std::is_same_v<T, crypto::signature> || std::is_same_v<T, session_id>) {
      store(r_.get_array<sizeof(v.bytes)>(path_), v.bytes);
    } else if constexpr (is_duration<T>::value) {
      std::int64_t count = 0;
      store(r_.get_i64(path_), count);
      v = T(count);
    } else if constexpr (std::is_same_v<T, utc_time>) {
      std::int64_t count = 0;
      store(r_.get_i64(path_), count);
      v = utc_time(nanoseconds(count));
    } else if constexpr (is_vector<T>::value) {
      std::uint32_t count = 0;
      store(r_.get_u32(path_), count);
      if (error_) return;
      if (count > max_list_items)
        return bad("list of " + std::to_string(count) + " items exceeds the limit of " + std::to_string(max_list_items));
      if (count > r_.remaining()) return bad("list of " + std::to_string(count) + " items cannot fit the record");
      v.assign(count, typename T::value_type{});
      const std::string base = path_;
      for (std::uint32_t i = 0; i < count && !error_; ++i) {
        path_ = base + "[" + std::to_string(i) + "]";
        decode_value(v[i]);
      }
      if (!error_) path_ = base;
    } else {
      static_assert(has_fields<T>, "no wire form for this field type");
      T::fields(v, *this);
    }
  }

  core::byte_reader& r_;
  std::string path_;
  std::optional<core::error> error_;
};

}  // namespace bodycam::common::record::detail
