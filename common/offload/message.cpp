// Encoding and decoding of offload messages; the byte layout is docs/formats/offload.md.
#include "common/offload/message.hpp"

#include "common/crypto/key_file.hpp"

namespace bodycam::common::offload {

namespace {

constexpr std::size_t header_bytes = 3;  // u16 version, u8 type
constexpr std::uint8_t last_errc = static_cast<std::uint8_t>(core::errc::internal);

std::unexpected<core::error> too_big(std::string_view what, std::size_t size, std::size_t limit) {
  return core::fail(core::errc::invalid_argument, "encode offload " + std::string(what) + ": " + std::to_string(size) +
                                                      " bytes, over the limit of " + std::to_string(limit));
}

struct encoder {
  core::byte_writer& w;
  core::status operator()(const checkpoint_request&) { return {}; }
  core::status operator()(const checkpoint_response& m) {
    if (m.checkpoint.size() > max_message_bytes) return too_big("checkpoint", m.checkpoint.size(), max_message_bytes);
    w.put_bytes32(m.checkpoint);
    w.put_u8(m.battery_percent);
    w.put_u64(m.free_bytes);
    return {};
  }
  core::status operator()(const records_request& m) {
    if (m.max_count == 0 || m.max_count > max_records_per_message)
      return core::fail(core::errc::invalid_argument, "encode offload records_request: max_count " +
                                                          std::to_string(m.max_count) + " out of 1.." +
                                                          std::to_string(max_records_per_message));
    w.put_u64(m.from_seq);
    w.put_u32(m.max_count);
    return {};
  }
  core::status operator()(const records_response& m) {
    w.put_u64(m.from_seq);
    w.put_u32(static_cast<std::uint32_t>(m.records.size()));
    for (const auto& r : m.records) w.put_bytes32(r);
    return {};
  }
  core::status operator()(const file_request& m) {
    if (m.file_name.empty() || m.file_name.size() > max_file_name)
      return too_big("file_request.file_name", m.file_name.size(), max_file_name);
    if (m.length == 0 || m.length > max_file_chunk) return too_big("file_request.length", m.length, max_file_chunk);
    w.put_string16(m.file_name);
    w.put_u64(m.offset);
    w.put_u32(m.length);
    return {};
  }
  core::status operator()(const file_response& m) {
    if (m.file_name.empty() || m.file_name.size() > max_file_name)
      return too_big("file_response.file_name", m.file_name.size(), max_file_name);
    if (m.data.size() > max_file_chunk) return too_big("file_response.data", m.data.size(), max_file_chunk);
    w.put_string16(m.file_name);
    w.put_u64(m.offset);
    w.put_u64(m.file_length);
    w.put_bytes32(m.data);
    return {};
  }
  core::status operator()(const timesync_request& m) {
    if (!crypto::is_valid_label(m.dock_id))
      return core::fail(core::errc::invalid_argument, "encode offload timesync_request: dock id '" + m.dock_id + "'");
    w.put_string16(m.dock_id);
    w.put_raw(core::byte_view(m.dock_key.bytes));
    w.put_i64(static_cast<std::int64_t>(m.dock_utc.time_since_epoch().count()));
    w.put_u64(m.checkpoint_count);
    w.put_raw(core::byte_view(m.checkpoint_head.bytes));
    w.put_raw(core::byte_view(m.dock_signature.bytes));
    return {};
  }
  core::status operator()(const receipt_request& m) {
    if (m.document.size() > max_message_bytes - header_bytes - 4)
      return too_big("receipt_request.document", m.document.size(), max_message_bytes - header_bytes - 4);
    w.put_bytes32(m.document);
    return {};
  }
  core::status operator()(const appended_response& m) {
    w.put_u8(static_cast<std::uint8_t>(m.outcome));
    w.put_u64(m.seq);
    return {};
  }
  core::status operator()(const error_response& m) {
    w.put_u8(static_cast<std::uint8_t>(m.code));
    const std::string detail = m.detail.size() > max_detail ? m.detail.substr(0, max_detail) : m.detail;
    w.put_string16(detail);
    return {};
  }
};


core::expected<message> decode_body(message_type type, core::byte_reader& in) {
  switch (type) {
    case message_type::checkpoint_request:
      return checkpoint_request{};
    case message_type::checkpoint_response: {
      checkpoint_response m;
      auto cp = in.get_bytes32("checkpoint_response.checkpoint", max_message_bytes);
      if (!cp) return std::unexpected(cp.error());
      m.checkpoint = std::move(*cp);
      auto battery = in.get_u8("checkpoint_response.battery_percent");
      if (!battery) return std::unexpected(battery.error());
      if (*battery > 100 && *battery != battery_unknown)
        return core::fail(core::errc::malformed, "offload checkpoint_response.battery_percent: " +
                                                     std::to_string(*battery) + " is not a percentage");
      m.battery_percent = *battery;
      auto free = in.get_u64("checkpoint_response.free_bytes");
      if (!free) return std::unexpected(free.error());
      m.free_bytes = *free;
      return m;
    }
    case message_type::records_request: {
      records_request m;
      auto from = in.get_u64("records_request.from_seq");
      if (!from) return std::unexpected(from.error());
      auto count = in.get_u32("records_request.max_count");
      if (!count) return std::unexpected(count.error());
      if (*count == 0 || *count > max_records_per_message)
        return core::fail(core::errc::malformed,
                          "offload records_request.max_count: " + std::to_string(*count) + " out of range");
      m.from_seq = *from;
      m.max_count = *count;
      return m;
    }
    case message_type::records_response: {
      records_response m;
      auto from = in.get_u64("records_response.from_seq");
      if (!from) return std::unexpected(from.error());
      m.from_seq = *from;
      auto count = in.get_u32("records_response.count");
      if (!count) return std::unexpected(count.error());
      // Each record takes at least 4 + 65 bytes: a count the message cannot hold is refused before reserving.
      if (static_cast<std::uint64_t>(*count) * 69U > in.remaining())
        return core::fail(core::errc::malformed, "offload records_response.count: " + std::to_string(*count) +
                                                     " records cannot fit in " + std::to_string(in.remaining()) +
                                                     " bytes");
      m.records.reserve(*count);
      for (std::uint32_t i = 0; i < *count; ++i) {
        auto r = in.get_bytes32("records_response.record", max_message_bytes);
        if (!r) return std::unexpected(r.error());
        if (r->size() <= crypto::signature::size)
          return core::fail(core::errc::malformed, "offload records_response.record " + std::to_string(i) +
                                                       ": shorter than a signature");
        m.records.push_back(std::move(*r));
      }
      return m;
    }
    case message_type::file_request: {
      file_request m;
      auto name = in.get_string16("file_request.file_name", max_file_name);
      if (!name) return std::unexpected(name.error());
      auto offset = in.get_u64("file_request.offset");
      if (!offset) return std::unexpected(offset.error());
      auto length = in.get_u32("file_request.length");
      if (!length) return std::unexpected(length.error());
      if (name->empty()) return core::fail(core::errc::malformed, "offload file_request.file_name: empty");
      if (*length == 0 || *length > max_file_chunk)
        return core::fail(core::errc::malformed,
                          "offload file_request.length: " + std::to_string(*length) + " out of range");
      m.file_name = std::move(*name);
      m.offset = *offset;
      m.length = *length;
      return m;
    }
    case message_type::file_response: {
      file_response m;
      auto name = in.get_string16("file_response.file_name", max_file_name);
      if (!name) return std::unexpected(name.error());
      if (name->empty()) return core::fail(core::errc::malformed, "offload file_response.file_name: empty");
      auto offset = in.get_u64("file_response.offset");
      if (!offset) return std::unexpected(offset.error());
      auto length = in.get_u64("file_response.file_length");
      if (!length) return std::unexpected(length.error());
      auto data = in.get_bytes32("file_response.data", max_file_chunk);
      if (!data) return std::unexpected(data.error());
      if (*offset > *length || data->size() > *length - *offset)
        return core::fail(core::errc::malformed, "offload file_response: bytes " + std::to_string(*offset) + "+" +
                                                     std::to_string(data->size()) + " beyond file_length " +
                                                     std::to_string(*length));
      m.file_name = std::move(*name);
      m.offset = *offset;
      m.file_length = *length;
      m.data = std::move(*data);
      return m;
    }
    case message_type::timesync_request: {
      timesync_request m;
      auto id = in.get_string16("timesync_request.dock_id", 64);
      if (!id) return std::unexpected(id.error());
      if (!crypto::is_valid_label(*id))
        return core::fail(core::errc::malformed, "offload timesync_request.dock_id: '" + *id + "' is not a dock id");
      m.dock_id = std::move(*id);
      auto key = in.get_array<crypto::public_key::size>("timesync_request.dock_key");
      if (!key) return std::unexpected(key.error());
      m.dock_key.bytes = *key;
      auto utc = in.get_i64("timesync_request.dock_utc_ns");
      if (!utc) return std::unexpected(utc.error());
      m.dock_utc = record::utc_time(record::nanoseconds(*utc));
      auto count = in.get_u64("timesync_request.checkpoint_count");
      if (!count) return std::unexpected(count.error());
      m.checkpoint_count = *count;
      auto head = in.get_array<crypto::sha256_digest::size>("timesync_request.checkpoint_head");
      if (!head) return std::unexpected(head.error());
      m.checkpoint_head.bytes = *head;
      auto sig = in.get_array<crypto::signature::size>("timesync_request.dock_signature");
      if (!sig) return std::unexpected(sig.error());
      m.dock_signature.bytes = *sig;
      return m;
    }
    case message_type::receipt_request: {
      auto doc = in.get_bytes32("receipt_request.document", max_message_bytes);
      if (!doc) return std::unexpected(doc.error());
      return receipt_request{std::move(*doc)};
    }
    case message_type::appended_response: {
      auto outcome = in.get_u8("appended_response.outcome");
      if (!outcome) return std::unexpected(outcome.error());
      if (*outcome > 1)
        return core::fail(core::errc::malformed,
                          "offload appended_response.outcome: unknown value " + std::to_string(*outcome));
      auto seq = in.get_u64("appended_response.seq");
      if (!seq) return std::unexpected(seq.error());
      return appended_response{static_cast<append_outcome>(*outcome), *seq};
    }
    case message_type::error_response: {
      auto code = in.get_u8("error_response.code");
      if (!code) return std::unexpected(code.error());
      if (*code > last_errc)
        return core::fail(core::errc::malformed, "offload error_response.code: unknown value " + std::to_string(*code));
      auto detail = in.get_string16("error_response.detail", max_detail);
      if (!detail) return std::unexpected(detail.error());
      return error_response{static_cast<core::errc>(*code), std::move(*detail)};
    }
  }
  return core::fail(core::errc::malformed, "offload message: unknown type");
}

}  // namespace

std::string_view to_string(message_type type) noexcept {
  switch (type) {
    case message_type::checkpoint_request: return "checkpoint_request";
    case message_type::checkpoint_response: return "checkpoint_response";
    case message_type::records_request: return "records_request";
    case message_type::records_response: return "records_response";
    case message_type::file_request: return "file_request";
    case message_type::file_response: return "file_response";
    case message_type::timesync_request: return "timesync_request";
    case message_type::receipt_request: return "receipt_request";
    case message_type::appended_response: return "appended_response";
    case message_type::error_response: return "error_response";
  }
  return "unknown";
}

message_type type_of(const message& m) noexcept { return static_cast<message_type>(m.index() + 1); }

core::expected<core::byte_buffer> encode(const message& m) {
  core::byte_writer w;
  w.put_u16(protocol_version);
  w.put_u8(static_cast<std::uint8_t>(type_of(m)));
  auto ok = std::visit(encoder{w}, m);
  if (!ok) return std::unexpected(ok.error());
  if (w.size() > max_message_bytes) return too_big(to_string(type_of(m)), w.size(), max_message_bytes);
  return w.take();
}

core::expected<message> decode(core::byte_view bytes) {
  if (bytes.size() > max_message_bytes)
    return core::fail(core::errc::malformed, "offload message: " + std::to_string(bytes.size()) +
                                                 " bytes, over the limit of " + std::to_string(max_message_bytes));
  core::byte_reader in(bytes);
  auto version = in.get_u16("offload message.version");
  if (!version) return std::unexpected(version.error());
  if (*version != protocol_version)
    return core::fail(core::errc::unsupported,
                      "offload message: protocol version " + std::to_string(*version) + " not supported");
  auto type = in.get_u8("offload message.type");
  if (!type) return std::unexpected(type.error());
  if (*type < 1 || *type > static_cast<std::uint8_t>(message_type::error_response))
    return core::fail(core::errc::malformed, "offload message.type: unknown type " + std::to_string(*type));
  auto m = decode_body(static_cast<message_type>(*type), in);
  if (!m) return std::unexpected(m.error());
  if (!in.at_end())
    return core::fail(core::errc::malformed, "offload " + std::string(to_string(type_of(*m))) + ": " +
                                                 std::to_string(in.remaining()) + " unexpected bytes at the end");
  return m;
}

core::error to_error(const error_response& e) { return core::error{e.code, "camera: " + e.detail}; }

error_response from_error(const core::error& e) {
  return error_response{e.code, e.context.size() > max_detail ? e.context.substr(0, max_detail) : e.context};
}

std::size_t records_response_size(std::size_t record_count, std::size_t record_bytes_total) noexcept {
  return header_bytes + 8 + 4 + record_count * 4 + record_bytes_total;
}

}  // namespace bodycam::common::offload
