// The retention verb's store reads and legal holds (retention_store.hpp).
#include "tools/verbs/retention_store.hpp"

#include "common/record/record_json.hpp"

#include <type_traits>
#include <variant>

namespace bodycam::tools::verbs {

using namespace bodycam::common;

core::expected<std::vector<retention::media_item>> stored_media(const store::store& s,
                                                               std::vector<retention::known_session>* sessions,
                                                               std::vector<retention::media_item>* records) {
  std::vector<retention::media_item> items;
  auto walked =
      s.for_each_record([&](const record::device_id& device, std::uint64_t seq, core::byte_view bytes) -> core::status {
        auto r = record::parse_signed_record(bytes);
        if (!r) return core::wrap("record " + std::to_string(seq) + " of " + device.str(), r.error());
        retention::media_item item{device, {}, seq, {}, {}, 0, r->body.utc.time};
        if (records) {
          retention::media_item rec = item;
          std::visit(
              [&](const auto& payload) {
                if constexpr (requires { payload.session; })
                  if constexpr (std::is_same_v<std::remove_cvref_t<decltype(payload.session)>, record::session_id>)
                    rec.session = payload.session;
              },
              r->body.body);
          records->push_back(std::move(rec));
        }
        if (sessions) {
          if (const auto* st = std::get_if<record::session_start_payload>(&r->body.body))
            sessions->push_back({device, st->session});
          else if (const auto* sg = std::get_if<record::segment_payload>(&r->body.body))
            sessions->push_back({device, sg->session});
        }
        if (const auto* sg = std::get_if<record::segment_payload>(&r->body.body)) {
          item.session = sg->session;
          item.file_name = sg->file_name;
          item.sha256 = sg->file_sha256;
          item.byte_length = sg->byte_length;
        } else if (const auto* a = std::get_if<record::annotation_payload>(&r->body.body);
                   a && a->status != record::annotation_status::missing) {
          item.session = a->session;
          item.file_name = a->file_name;
          item.sha256 = a->file_sha256;
          item.byte_length = a->byte_length;
        } else if (const auto* p = std::get_if<record::photo_payload>(&r->body.body)) {
          item.session = p->session;
          item.file_name = p->file_name;
          item.sha256 = p->file_sha256;
          item.byte_length = p->byte_length;
        } else {
          return {};
        }
        auto present = s.has_object(item.sha256);
        if (!present) return std::unexpected(present.error());
        if (*present) items.push_back(std::move(item));
        return {};
      });
  if (!walked) return std::unexpected(walked.error());
  return items;
}

core::expected<std::optional<std::string>> apply_legal_holds(store::store& s, const retention::held_items& items,
                                                             bool on) {
  std::size_t objects = 0;
  std::size_t records = 0;
  for (const auto& digest : items.objects) {
    auto done = s.set_object_legal_hold(digest, on);
    if (!done) return std::unexpected(done.error());
    if (!*done) return std::optional<std::string>{};  // the backend has no legal holds
    ++objects;
  }
  for (const auto& [device, seq] : items.records) {
    auto done = s.set_record_legal_hold(device, seq, on);
    if (!done) return std::unexpected(done.error());
    if (!*done) return std::optional<std::string>{};
    ++records;
  }
  if (objects + records == 0) return std::optional<std::string>{};
  return std::optional<std::string>{"legal holds:  " + std::string(on ? "placed on " : "released on ") +
                                    std::to_string(objects) + " object(s) and " + std::to_string(records) +
                                    " record(s) of " + s.describe()};
}

}  // namespace bodycam::tools::verbs
